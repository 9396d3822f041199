"""Every option of every ``bingpin`` command says what it does in ``--help``: the parsers are built
as the commands build them (``main`` up to the point of parsing) and walked, sub-commands included."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from bingpin.api import cli

#: The conformance runner parses its own arguments, by sub-command (``bingpin conformance diff``...).
CONFORMANCE_COMMANDS: list[list[str]] = [[], ["diff"], ["matrix"]]


class _Built(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser


def built(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    """The parser ``bingpin ARGV`` parses its arguments with (stopped before it parses them)."""

    def stop(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        raise _Built(self)

    with monkeypatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, "parse_known_args", stop)
        with pytest.raises(_Built) as caught:
            cli.main(argv)
    return caught.value.parser


def walk(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    """Every action of ``parser`` and of its sub-commands, with the command it belongs to."""
    for action in parser._actions:
        yield parser.prog, action
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from walk(sub)


def parsers(monkeypatch: pytest.MonkeyPatch) -> list[argparse.ArgumentParser]:
    found = [built(["serve"], monkeypatch)]
    found += [built(["conformance", *command], monkeypatch) for command in CONFORMANCE_COMMANDS]
    return found


def undocumented(parsers: list[argparse.ArgumentParser]) -> tuple[list[str], set[str]]:
    """The options and sub-commands without help text, and the names of all that were seen."""
    missing: list[str] = []
    seen: set[str] = set()
    for parser in parsers:
        for prog, action in walk(parser):
            if isinstance(action, argparse._SubParsersAction):  # its commands, each with its help
                missing += [f"{prog} {c.dest}" for c in action._choices_actions if not (c.help or "").strip()]
                seen.update(action.choices)
                continue
            name = "/".join(action.option_strings) or action.dest
            seen.add(name)
            if action.help == argparse.SUPPRESS or not (action.help or "").strip():
                missing.append(f"{prog} {name}")
    return missing, seen


def test_every_option_and_command_has_help_text(monkeypatch: pytest.MonkeyPatch) -> None:
    missing, seen = undocumented(parsers(monkeypatch))
    assert missing == []
    # the walk reached every command and the options named in the docs
    assert {"serve", "openapi", "conformance", "review", "audit", "--host", "--port", "--base-url", "old"} <= seen


def test_the_walk_finds_an_option_without_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: an option added without help is named."""
    add = argparse.ArgumentParser.add_argument

    def without_help(self: argparse.ArgumentParser, *args: str, **kwargs: object) -> argparse.Action:
        action = add(self, *args, **kwargs)
        if args[:1] == ("--host",):
            action.help = None
        return action

    monkeypatch.setattr(argparse.ArgumentParser, "add_argument", without_help)
    missing, _ = undocumented(parsers(monkeypatch))
    assert missing == ["bingpin serve --host"]
