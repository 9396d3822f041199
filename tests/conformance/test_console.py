"""The console groups failures by the answer field the failed check read, named from the check's
own message (the suite writes it), never from what the service answered."""

from __future__ import annotations

import pytest

from bingpin.features.conformance.console import answer_field


@pytest.mark.parametrize(
    ("expected", "field"),
    [
        ("amount 应为 9000.00，实际为 '8999.99'", "amount"),
        ("members[1].relief 应为 1925.93，实际为 '1.00'", "members[1].relief"),
        ("indicators[id=A1].value 应不低于 90%，实际为 '0.80'", "indicators[id=A1].value"),
        ("annual_cap 应为 null，实际为 '1.00'", "annual_cap"),
        ("答复中缺少字段 nope（members[0].nope）", "members[0].nope"),
        ("答复中没有第 2 项（members[1]）", "members[1]"),
        (
            "应答复 HTTP 422 code=not_in_force（不在施行期内），实际为 HTTP 200 code=None",
            "HTTP status and code (status, code)",
        ),
        ("计算未成功（HTTP 500）：", "HTTP status (status)"),
        ("答复的假定未提及“年度”（假定：无）", "assumptions"),
        ("计算说明未引用条款 二(二)7（引用了：）", "explanation (citations)"),
        ("参数 deductible 在 2023-01-01 应为 5000，实际为 '1'", "parameters (GET /v1/parameters)"),
        ("answer larger than 4194304 bytes (--max-answer-bytes)", "the answer itself (size, JSON)"),
        ("no complete answer within 2 s (--answer-timeout)", "the answer itself (time)"),
        ("amount\x1b[2J 应为 1", "other"),
        (None, "other"),
    ],
)
def test_the_answer_field_is_read_from_the_check(expected: str | None, field: str) -> None:
    assert answer_field({"expected": expected}) == field
