"""What the contract publishes beyond the schemas: the rounding rule, the units of the parameters and
the form of their values, every parameter key, and the inputs each policy does not read.

Built from the rules themselves, for the OpenAPI document (``info.description`` and the
``x-parameters`` extension) and for docs/vendors.md, whose tables tests/api/test_contract.py checks
against the rendering below, so neither can drift from the code.
"""

from __future__ import annotations

from typing import Any

from bingpin.api.catalog.data import PARAMETER_CALCULATIONS, parameter_id
from bingpin.rules.core.units import UNIT_FORMATS
from bingpin.rules.registry import policies

ROUNDING = (
    "金额的舍入 / rounding: 四舍五入（half-up）到分。计算过程中不舍入，只在最后对答复的每个金额舍入一次，"
    "到 0.01 元（ROUND_HALF_UP：9.045 -> 9.05，315.045 -> 315.05）。各政策原文都未规定舍入，这是本合同的规定。"
    " / Money is rounded half up, once, at the end, to 0.01 yuan (9.045 -> 9.05); no policy states a rounding"
    " rule, so this one is part of the contract."
)


def units_text() -> str:
    """The units of ``GET /v1/parameters`` and the form of their values, one line each."""
    lines = [f"- {unit}: {meaning}" for unit, (_, meaning) in UNIT_FORMATS.items()]
    return (
        "参数的单位与取值写法 / parameter units: 取值均为 ASCII 十进制字符串。\n"
        + "\n".join(lines)
        + "\n参数键的完整清单见本文档的 x-parameters（id、unit、floor、calculation）和 GET /v1/parameters；"
        "验收场景读取的每个参数键都在其中。 / Every parameter id, with its unit, is listed in x-parameters."
    )


IGNORED_INPUTS = (
    "政策不读取的输入 / inputs a policy does not read: 请求给出某一政策不使用的可选字段（如无起付线的政策收到 "
    "deductible、deductibles，政策自定封顶线时收到 annual_cap，基本医保资助参保收到 disability_certificate），"
    "答复不受其影响，并在 assumptions 中各以一行说明已忽略（中文，括号内为字段名）。"
    " / An optional field a policy does not read never changes the answer, and each one given is named in"
    " assumptions."
)


def description_sections() -> str:
    """The paragraphs ``info.description`` adds for the contract: rounding, units, ignored inputs."""
    return "\n\n".join((ROUNDING, units_text(), IGNORED_INPUTS))


def parameter_index() -> list[dict[str, Any]]:
    """Every parameter of every policy: its stable id, unit, whether a floor, and its calculation."""
    return [
        {
            "id": parameter_id(policy, parameter.key),
            "unit": parameter.unit,
            "floor": parameter.is_floor,
            "calculation": PARAMETER_CALCULATIONS.get(parameter.key.split(".", 1)[0]),
        }
        for policy in policies().values()
        for parameter in policy.parameters.values()
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def units_markdown() -> str:
    """docs/vendors.md: the units table."""
    rows = [f"| `{unit}` | `{pattern}` | {_cell(meaning)} |" for unit, (pattern, meaning) in UNIT_FORMATS.items()]
    return "\n".join(["| unit | form (regular expression) | meaning |", "|---|---|---|", *rows])


def parameters_markdown() -> str:
    """docs/vendors.md: every parameter id with its unit, floor flag and calculation."""
    rows = [
        f"| `{p['id']}` | `{p['unit']}` | {'floor' if p['floor'] else ''} | {p['calculation'] or ''} |"
        for p in parameter_index()
    ]
    return "\n".join(["| id | unit | floor | calculation |", "|---|---|---|---|", *rows])


def ignored_markdown() -> str:
    """docs/vendors.md: per policy and calculation, the inputs it does not read."""
    rows = [
        f"| {policy.jurisdiction_name} | `{key}` | `{name}` | {_cell(note)} |"
        for policy in policies().values()
        for key, notes in policy.ignored_inputs.items()
        for name, note in notes.items()
    ]
    return "\n".join(["| policy | calculation | field | assumption line |", "|---|---|---|---|", *rows])


#: The generated blocks of docs/vendors.md, each between ``<!-- name:start -->`` and ``<!-- name:end -->``.
BLOCKS = {"units": units_markdown, "parameters": parameters_markdown, "ignored-inputs": ignored_markdown}


def refresh(text: str) -> str:
    """``text`` (docs/vendors.md) with every generated block rendered anew from the rules.

    Regenerate the guide with ``python -c "from bingpin.api.contract import main; main()"`` from the
    root of a checkout."""
    for name, render in BLOCKS.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        before, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"no block {name} in the text")
        _, found, after = rest.partition(end)
        if not found:
            raise ValueError(f"block {name} is not closed")
        text = f"{before}{start}{render()}\n{end}{after}"
    return text


def main(path: str = "docs/vendors.md") -> None:
    """Rewrite the generated tables of docs/vendors.md."""
    with open(path, encoding="utf-8") as file:
        text = file.read()
    with open(path, "w", encoding="utf-8") as file:
        file.write(refresh(text))
