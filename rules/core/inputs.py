"""Inputs a policy does not read: each one a request gives is answered with an assumption line,
never dropped in silence. A policy lists them per calculation (``Policy.ignored_inputs``); inputs
a rule reads only in some cases say so in the rule itself."""

from __future__ import annotations

from collections.abc import Mapping

from bingpin.rules.core.trace import Trace

#: Per calculation key (``insurance-subsidy:supplementary`` for a scheme), field name -> the line.
IgnoredInputs = dict[str, dict[str, str]]


def given(value: object) -> bool:
    """Whether a request gave the field: ``None`` and an empty list or mapping are the defaults."""
    if value is None:
        return False
    return not (isinstance(value, (tuple, list, dict)) and not value)


def note_ignored(case: object, notes: Mapping[str, str], trace: Trace) -> None:
    """One assumption line for every field of ``notes`` that ``case`` was given."""
    for name, note in notes.items():
        if given(getattr(case, name)):
            trace.assume(note)
