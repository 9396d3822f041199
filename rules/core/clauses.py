"""The clause tree of a policy text: its parts, numbered clauses and annexes, with verbatim text.

The published texts are cut, never copied: every clause holds the exact characters from its
heading up to its first sub-clause (or the next clause), so joining the clause texts in order
gives back the file. How each text numbers its clauses (一、 and （一）, 1、 and (1), annex tables)
is data, in ``rules/texts/structure.yaml``; paths follow the notation features and citations
use (``二(二)7``, ``3(三)8``, ``2(1)1``, ``附件1第3项``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from bingpin.rules.core.errors import ConfigurationError
from bingpin.rules.core.loader import load_yaml

STRUCTURE_FILE = "structure.yaml"
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_MARKUP = re.compile(r"^[#*\s]+|[*\s]+$")
TITLE_LENGTH = 40


@dataclass(frozen=True)
class Clause:
    """One clause: its path, the label printed in the text, a short title and its own text."""

    path: str
    label: str
    title: str
    kind: str  # part / section / annex / row / remark
    text: str
    children: tuple[Clause, ...] = ()

    def full_text(self) -> str:
        """The clause with all its sub-clauses, verbatim."""
        return self.text + "".join(child.full_text() for child in self.children)

    def walk(self) -> Iterator[Clause]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class ClauseTree:
    """All clauses of one policy text, in document order."""

    filename: str
    clauses: tuple[Clause, ...]
    _index: dict[str, Clause] = field(default_factory=dict, repr=False, compare=False)
    _parents: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for clause in self.walk():
            if clause.path in self._index:
                raise ConfigurationError(f"{self.filename}: clause path {clause.path!r} occurs twice")
            self._index[clause.path] = clause
            for child in clause.children:
                self._parents[child.path] = clause.path

    def walk(self) -> Iterator[Clause]:
        for clause in self.clauses:
            yield from clause.walk()

    def find(self, path: str) -> Clause | None:
        return self._index.get(path)

    def ancestors(self, path: str) -> list[str]:
        """Paths of the clauses that contain ``path``, outermost first."""
        chain: list[str] = []
        while path in self._parents:
            path = self._parents[path]
            chain.insert(0, path)
        return chain

    def text(self) -> str:
        return "".join(clause.full_text() for clause in self.clauses)


def split_paths(citation_clause: str) -> list[str]:
    """``1(2)、附件1第10项`` -> ``["1(2)", "附件1第10项"]``: a citation may name several clauses."""
    return [part.strip() for part in citation_clause.split("、") if part.strip()]


@dataclass(frozen=True)
class _Level:
    pattern: re.Pattern[str]
    path: str
    skip_path: str | None
    depth: int
    kind: str = "section"


@dataclass
class _Start:
    offset: int
    depth: int
    path: str
    label: str
    title: str
    kind: str
    children: list[_Start] = field(default_factory=list)


def _short(text: str) -> str:
    return text if len(text) <= TITLE_LENGTH else text[:TITLE_LENGTH] + "…"


def _title(line: str, label_end: int) -> str:
    rest = _MARKUP.sub("", _BOOKMARK.sub("", line[label_end:]))
    return _short(rest.split("。", 1)[0].strip())


def _cell(line: str) -> str:
    return _BOOKMARK.sub("", line).strip()


def _levels(raw: list[dict[str, str]], first_depth: int) -> list[_Level]:
    return [
        _Level(re.compile(level["pattern"]), level["path"], level.get("skip_path"), first_depth + i)
        for i, level in enumerate(raw)
    ]


class _Parser:
    """One pass over the lines: each heading opens a clause that runs until the next one."""

    def __init__(self, filename: str, settings: dict[str, Any]) -> None:
        self.filename = filename
        self.parts = [(p["path"], p.get("title", p["path"]), p.get("starts")) for p in settings.get("parts") or []]
        if not self.parts or self.parts[0][2] is not None:
            raise ConfigurationError(f"{STRUCTURE_FILE}: {filename}: the first part starts the text, without 'starts'")
        self.levels = _levels(settings.get("levels") or [], 1)
        annex = settings.get("annex") or {}
        self.annex_start = re.compile(annex["starts"]) if annex else None
        self.annex_path = annex.get("path", "附件{label}")
        self.annex_levels = _levels(annex.get("levels") or [], 2)
        remark = annex.get("remark")
        self.remark = _Level(re.compile(remark["pattern"]), remark["path"], None, 2, "remark") if remark else None
        row = annex.get("row") or {}
        self.row_path: str | None = row.get("path")
        # which cell after the number names a row, by annex (default: the first that is not empty)
        self.row_titles: dict[str, int] = {str(k): int(v) for k, v in (row.get("title_cell") or {}).items()}
        self.roots: list[_Start] = []
        self.stack: list[_Start] = []

    def open(self, start: _Start, skip_path: str | None = None) -> None:
        while self.stack and self.stack[-1].depth >= start.depth:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        template = skip_path if skip_path and parent and parent.depth < start.depth - 1 else start.path
        start.path = template.format(parent=parent.path if parent else "", label=start.label)
        (parent.children if parent else self.roots).append(start)
        self.stack.append(start)

    def parse(self, text: str) -> ClauseTree:
        lines = text.splitlines(keepends=True)
        next_part, annex_label, offset = 0, "", 0
        for index, raw in enumerate(lines):
            line = raw.rstrip("\r\n")
            part = self.parts[next_part] if next_part < len(self.parts) else None
            annex = self.annex_start.match(line) if self.annex_start else None
            if part and (index == 0 if part[2] is None else re.search(part[2], line)):
                self.open(_Start(offset, 1, part[0], part[0], part[1], "part"))
                next_part += 1
            elif annex:
                annex_label = annex.group("label")
                path = self.annex_path.format(label=annex_label)
                title = next((_cell(after) for after in lines[index + 1 :] if _cell(after)), "")
                self.open(_Start(offset, 1, path, path, _short(title), "annex"))
            elif annex_label:
                self._annex_line(lines, index, offset, annex_label)
            else:
                self._level_line(line, offset, self.levels)
            offset += len(raw)
        return ClauseTree(
            self.filename,
            tuple(_build(start, text, self._end(self.roots, i, len(text))) for i, start in enumerate(self.roots)),
        )

    def _level_line(self, line: str, offset: int, levels: list[_Level]) -> None:
        for level in levels:
            match = level.pattern.match(line)
            if match:
                label = match.group("label")
                self.open(
                    _Start(offset, level.depth, level.path, label, _title(line, match.end()), level.kind),
                    level.skip_path,
                )
                return

    def _annex_line(self, lines: list[str], index: int, offset: int, annex_label: str) -> None:
        line = lines[index].rstrip("\r\n")
        if self.remark and self.remark.pattern.match(line):
            self.open(_Start(offset, 2, self.remark.path, "备注", "备注", "remark"))
            return
        previous = lines[index - 1] if index else ""
        if self.row_path and line.startswith("\t") and "\t" not in previous and not previous.strip():
            # a table row: its number is the first cell, or the second after a group label
            for position, cell in enumerate(lines[index : index + 2]):
                if position and not cell.startswith("\t"):
                    break
                number = _cell(cell)
                if number.isdigit():
                    following = [_cell(c) for c in lines[index + position + 1 : index + position + 4]]
                    wanted = self.row_titles.get(annex_label)
                    title = following[wanted - 1] if wanted else next((c for c in following if c), "")
                    self.open(_Start(offset, 2, self.row_path, number, _short(title), "row"))
                    return
        self._level_line(line, offset, self.annex_levels)

    @staticmethod
    def _end(siblings: list[_Start], position: int, end: int) -> int:
        return siblings[position + 1].offset if position + 1 < len(siblings) else end


def _build(start: _Start, text: str, end: int) -> Clause:
    own_end = start.children[0].offset if start.children else end
    children = tuple(
        _build(child, text, _Parser._end(start.children, i, end)) for i, child in enumerate(start.children)
    )
    return Clause(start.path, start.label, start.title, start.kind, text[start.offset : own_end], children)


@cache
def _structure() -> dict[str, Any]:
    raw = resources.files("bingpin.rules.texts").joinpath(STRUCTURE_FILE).read_text(encoding="utf-8")
    data = load_yaml(raw, f"rules/texts/{STRUCTURE_FILE}")
    if not isinstance(data, dict):
        raise ConfigurationError(f"rules/texts/{STRUCTURE_FILE}: expected a mapping of file names")
    return data


def parse(filename: str, text: str, settings: dict[str, Any]) -> ClauseTree:
    """Cut ``text`` into its clause tree following ``settings`` (one entry of structure.yaml)."""
    return _Parser(filename, settings).parse(text)


@cache
def clause_tree(filename: str) -> ClauseTree:
    """The clause tree of the policy text ``filename`` shipped in ``rules/texts``."""
    settings = _structure().get(filename)
    if settings is None:
        raise ConfigurationError(f"rules/texts/{STRUCTURE_FILE}: no structure for {filename}")
    text = resources.files("bingpin.rules.texts").joinpath(filename).read_text(encoding="utf-8")
    return parse(filename, text, settings)
