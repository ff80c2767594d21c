"""The progress bar: on a terminal, for a run still going after DELAY seconds, never with -q."""

from __future__ import annotations

import io
import sys

import click._termui_impl
import click.testing
import pytest

import asyncfix.progress
from asyncfix.progress import CLEAR_LINE, SHOW_CURSOR, Progress, on_terminal
from cli_helpers import BEFORE, UNFIXABLE, write
from cli_helpers import run as run_cli

pytestmark = pytest.mark.usefixtures("in_tmp")

BAR_START = "\r\x1b[?25l"  # click: back to the start of the line, hide the cursor


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout and stderr count as terminals, for asyncfix and for click's bar."""
    monkeypatch.setattr(asyncfix.progress, "on_terminal", lambda: True)
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run counts as one that is still going after the delay."""
    monkeypatch.setattr(asyncfix.progress, "DELAY", 0.0)


def run(*args: str) -> click.testing.Result:
    return run_cli("--jobs", "1", *args)


def three_files() -> None:
    write("a.py", "x = 1\n")
    write("b.py", UNFIXABLE)
    write("c.py", "y = 2\n")


@pytest.mark.usefixtures("terminal", "slow")
def test_a_long_run_on_a_terminal_shows_the_bar_on_stderr() -> None:
    three_files()
    result = run("--check", ".")
    assert result.exit_code == 1
    assert "Checking  [" in result.stderr
    assert "]  3/3" in result.stderr
    assert BAR_START in result.stderr
    assert "Checking" not in result.stdout
    # Gone before the summary: cleared, cursor shown again.
    summary = "Nothing to fix automatically; 1 call left to fix by hand.\n"
    assert result.stderr.endswith(CLEAR_LINE + SHOW_CURSOR + summary)


@pytest.mark.usefixtures("terminal", "slow")
def test_an_in_place_run_says_fixing() -> None:
    write("a.py", BEFORE)
    result = run(".")
    assert "Fixing  [" in result.stderr
    assert "]  1/1" in result.stderr


@pytest.mark.usefixtures("terminal", "slow")
def test_the_bar_is_cleared_before_a_line_is_printed() -> None:
    three_files()
    result = run("--check", ".")
    # After a.py the bar says 1/3; b.py's finding then goes to stdout, so the
    # bar's line is wiped first; c.py prints nothing, so nothing is wiped.
    after_a = result.stderr.split("1/3", 1)[1]
    assert CLEAR_LINE in after_a.split("2/3", 1)[0]
    assert CLEAR_LINE not in after_a.split("2/3", 1)[1].split("3/3", 1)[0]


@pytest.mark.usefixtures("terminal", "slow")
def test_quiet_never_shows_the_bar() -> None:
    three_files()
    result = run("-q", "--check", ".")
    assert result.exit_code == 1
    assert result.stderr == ""


@pytest.mark.usefixtures("slow")
def test_no_bar_when_not_on_a_terminal() -> None:
    three_files()
    result = run("--check", ".")
    assert "Checking" not in result.stderr
    assert "\r" not in result.stderr
    assert result.stderr == "Nothing to fix automatically; 1 call left to fix by hand.\n"


@pytest.mark.usefixtures("terminal")
def test_no_bar_for_a_run_shorter_than_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asyncfix.progress, "DELAY", 3600.0)
    three_files()
    result = run("--check", ".")
    assert "Checking" not in result.stderr
    assert "\r" not in result.stderr


def test_on_terminal_needs_both_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stream(io.StringIO):
        def __init__(self, tty: bool) -> None:
            super().__init__()
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    for out, err, expected in [(True, True, True), (False, True, False), (True, False, False)]:
        monkeypatch.setattr(sys, "stdout", Stream(out))
        monkeypatch.setattr(sys, "stderr", Stream(err))
        assert on_terminal() is expected


def test_the_bar_waits_for_the_delay() -> None:
    clock = iter([100.0, 100.5, 101.5])
    progress = Progress(10, enabled=True, clock=lambda: next(clock))
    progress.advance()  # 0.5 s in: not yet
    assert not progress.shown
    progress.advance()  # 1.5 s in: drawn, counting both files
    assert progress.shown
    assert progress.done == 2
    progress.close()
    assert not progress.shown


def test_a_disabled_or_empty_bar_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asyncfix.progress, "DELAY", 0.0)
    for progress in (Progress(10, enabled=False), Progress(0, enabled=True)):
        progress.advance()
        assert not progress.shown
