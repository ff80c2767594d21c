"""``asyncfix --explain CODE``: every rule has a text, its example is true, README names it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from asyncfix import fix_source
from asyncfix.explain import TEXTS, explain
from asyncfix.rules import CODES
from cli_helpers import run

pytestmark = pytest.mark.usefixtures("in_tmp")

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = ["## What it finds", "## Why it blocks", "## What asyncfix does", "## Example"]
KNOWN = ", ".join(sorted(CODES))


def examples(code: str) -> tuple[str, str, str]:
    """The example's code before, the word between ('becomes' or 'fixed by hand:'), after."""
    match = re.search(
        r"## Example\n\n```python\n(.*?)```\n\n(becomes|fixed by hand:)\n\n```python\n(.*?)```\n\Z",
        TEXTS[code],
        re.S,
    )
    assert match is not None, f"{code}: no before/after example at the end"
    return match.group(1), match.group(2), match.group(3)


def test_every_code_has_a_text_and_every_text_a_code() -> None:
    assert sorted(TEXTS) == sorted(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_text_has_the_four_sections_in_order(code: str) -> None:
    headings = [line for line in TEXTS[code].splitlines() if line.startswith("## ")]
    assert headings == SECTIONS


@pytest.mark.parametrize("code", sorted(CODES))
def test_example_is_what_asyncfix_does(code: str) -> None:
    """A 'becomes' example is asyncfix's own output; a 'fixed by hand' one is reported."""
    before, word, after = examples(code)
    result = fix_source(before, filename="example.py")
    assert result.error is None
    compile(after, "after.py", "exec")
    if word == "becomes":
        assert (result.source, result.findings) == (after, ())
        assert {fix.code for fix in result.fixes} == {code}
    else:
        assert not result.changed
        assert [finding.code for finding in result.findings] == [code]


@pytest.mark.parametrize("code", sorted(CODES))
def test_readme_names_every_code(code: str) -> None:
    assert code in README.read_text(encoding="utf-8"), f"README.md does not mention {code}"


def test_explain_prints_the_title_and_the_text_and_needs_no_paths() -> None:
    result = run("--explain", "ASYNC251")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == explain("ASYNC251")
    assert result.stdout.startswith(
        "# blocking-sleep (ASYNC251)\n"
        "\n"
        "## What it finds\n"
        "\n"
        "`time.sleep()`, however it was imported (`import time as t`,\n"
    )
    assert result.stdout.endswith(
        "async def remind(user, minutes):\n    await asyncio.sleep(minutes * 60)\n```\n"
    )


def test_explain_accepts_lower_case_and_ignores_paths() -> None:
    result = run("--explain", "async240", "does-not-matter.py")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "# blocking-path-call (ASYNC240)"


@pytest.mark.parametrize("value", ["ASYNC999", "ASYNC2", "E501"])
def test_explain_of_an_unknown_code_is_one_line_and_exit_2(value: str) -> None:
    result = run("--explain", value)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"asyncfix: error: --explain: unknown rule code {value!r} (known: {KNOWN})\n"
    )


def test_explain_without_a_code_is_a_usage_error() -> None:
    result = run("--explain")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Option '--explain' requires an argument."


def test_paths_are_still_required_without_explain() -> None:
    result = run()
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Missing argument 'PATHS...'."


def test_real_command_explains() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    done = subprocess.run(
        [sys.executable, "-m", "asyncfix", "--explain", "ASYNC222"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, explain("ASYNC222"), "")
