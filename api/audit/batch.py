"""Batches without explanations answered through the audit kernels: the same answers, at a column's pace.

A case made only of the fields a kernel models, each in its plain wire form (text, and a list of
text for the categories), is answered from the kernel's prototype (the single endpoint's own
answer for its policy period and category, computed once) with the case's own date and the
kernel's amount; every other case, and every case the kernel leaves out, is answered by the
calculation's :class:`~bingpin.api.runner.Runner`, as the single endpoint answers it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, cast

import pyarrow as pa

from bingpin.api.audit.kernels import Amounts, jiaxing_medical_assistance_amounts
from bingpin.api.audit.partition import Partition
from bingpin.api.runner import Answer, Runner

#: By calculation: the kernel, and the request fields it reads (every one as text but the list).
KERNELS: dict[str, tuple[Callable[[Partition, pa.Table], Amounts | None], pa.Schema]] = {
    "medical-assistance": (
        jiaxing_medical_assistance_amounts,
        pa.schema(
            [
                ("jurisdiction", pa.string()),
                ("date", pa.string()),
                ("categories", pa.list_(pa.string())),
                ("eligible_self_pay", pa.string()),
                ("assistance_received_this_year", pa.string()),
            ]
        ),
    )
}
#: Fewer cases than this are not worth a table.
MIN_CASES = 16


@cache
def _partition(calculation: str) -> Partition:
    """One partition per calculation in this process: its prototypes are kept across requests."""
    return Partition(calculation)


def _plain(body: Any, names: frozenset[str]) -> bool:
    """Only fields the kernel reads, each as text (the categories as a list of text)."""
    if type(body) is not dict or not body.keys() <= names:
        return False
    for name, value in body.items():
        if name == "categories":
            if type(value) is not list or any(type(code) is not str for code in value):
                return False
        elif type(value) is not str:
            return False
    return True


def run(runner: Runner, envelope: dict[str, Any], explain: bool) -> dict[str, Any]:
    """``runner.run(envelope, explain)``, with the kernel's cases answered by the kernel."""
    calculation = runner.endpoint.path
    if explain or calculation not in KERNELS or len(envelope["cases"]) < MIN_CASES:
        return runner.run(envelope, explain)
    kernel, schema = KERNELS[calculation]
    bodies = runner.bodies(envelope)
    names = frozenset(schema.names)
    plain = [index for index, body in enumerate(bodies) if _plain(body, names)]
    answers: list[Answer | None] = [None] * len(bodies)
    if plain:
        table = pa.Table.from_pylist([bodies[index] for index in plain], schema=schema)
        found = kernel(_partition(calculation), table)
        if found is not None:
            prototypes = found.answers
            each = zip(found.covered.tolist(), found.rows.tolist(), found.amount.tolist(), strict=True)
            for row, prototype, fen in each:
                index = plain[row]
                result = cast(dict[str, Any], prototypes[prototype][1])  # a usable prototype answered 200
                amount = f"{fen // 100}.{fen % 100:02d}"
                answers[index] = (200, {**result, "date": bodies[index]["date"], "amount": amount}, None)
    return runner.report(runner.answers(bodies, False, answers))
