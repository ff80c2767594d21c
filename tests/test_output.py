"""Findings a CI can read: --output-format, --statistics, --show-fixes, --exit-zero, the summary.

Exact outputs, through click's CliRunner (stdout and stderr apart) and, at the
end, through the real command in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from asyncfix import __version__
from asyncfix.model import FileResult, Finding, Fix
from asyncfix.report import github_document, summary
from asyncfix.rules import CODES
from cli_helpers import AFTER, BEFORE, UNFIXABLE, run, write

pytestmark = pytest.mark.usefixtures("in_tmp")

SLEEP_FIX = "`time.sleep()` -> `await asyncio.sleep()`"
IN_GENERATOR = (
    "`time.sleep()` blocks the event loop; not fixed: it is inside a generator expression "
    "(an await there turns it into an async generator)"
)
# A fixable call on line 5 and one left on line 6.
BOTH = BEFORE + "    return list(time.sleep(1) for _ in range(3))\n"
SYNTAX_ERROR = "import time\n\n\nasync def handler(:\n    time.sleep(1)\n"
PARSE_ERROR = "cannot parse: line 4, column 19: invalid syntax"
# open() is reported, never rewritten (ASYNC230).
OPENS = "async def load(p):\n    with open(p) as f:\n        return f.read()\n"


def row(
    path: str,
    line: int,
    column: int,
    end: tuple[int, int],
    code: str | None,
    message: str,
    *,
    fixable: bool = False,
    applied: bool = False,
) -> dict[str, Any]:
    return {
        "path": path,
        "line": line,
        "column": column,
        "end_line": end[0],
        "end_column": end[1],
        "code": code,
        "message": message,
        "fixable": fixable,
        "fix_applied": applied,
    }


def sleep_fix(path: str, *, applied: bool) -> dict[str, Any]:
    return row(path, 5, 5, (5, 18), "ASYNC251", SLEEP_FIX, fixable=True, applied=applied)


def left_in_generator(path: str, line: int = 6) -> dict[str, Any]:
    return row(path, line, 17, (line, 30), "ASYNC251", IN_GENERATOR)


# -- text ---------------------------------------------------------------------------


def test_text_check_lists_fixable_calls_with_a_star_among_the_findings_in_source_order() -> None:
    write("both.py", BOTH)
    result = run("--check", "both.py")
    assert result.stdout == (
        f"both.py:5:5: ASYNC251 [*] {SLEEP_FIX}\nboth.py:6:17: ASYNC251 {IN_GENERATOR}\n"
    )


def test_text_write_mode_lists_only_the_calls_left() -> None:
    write("both.py", BOTH)
    assert run("both.py").stdout == f"both.py:6:17: ASYNC251 {IN_GENERATOR}\n"


def test_text_is_the_default_and_can_be_named() -> None:
    write("both.py", BOTH)
    named = run("--check", "--output-format", "text", "both.py")
    assert (named.stdout, named.stderr) == (
        run("--check", "both.py").stdout,
        "would fix both.py\nWould fix 1 call in 1 file; 1 left to fix by hand.\n",
    )


# -- json ---------------------------------------------------------------------------


def test_json_check_is_one_sorted_document_with_fixes_findings_and_errors() -> None:
    write("b.py", BOTH)
    write("a.py", UNFIXABLE)
    write("c.py", SYNTAX_ERROR)
    write("clean.py", "x = 1\n")
    result = run("--check", "--jobs", "1", "--output-format", "json", ".")
    assert result.exit_code == 123
    expected = [
        left_in_generator("a.py", line=5),
        sleep_fix("b.py", applied=False),
        left_in_generator("b.py"),
        row("c.py", 4, 19, (0, 0), None, PARSE_ERROR),
    ]
    assert json.loads(result.stdout) == expected
    assert result.stdout == json.dumps(expected, indent=2) + "\n"
    # The human messages stay on stderr.
    assert result.stderr == (
        "would fix b.py\n"
        f"c.py: {PARSE_ERROR}\n"
        "Would fix 1 call in 1 file; 2 left to fix by hand; 1 file could not be processed.\n"
    )


def test_json_write_mode_marks_the_fixes_applied() -> None:
    write("both.py", BOTH)
    result = run("--output-format", "json", "both.py")
    assert json.loads(result.stdout) == [
        sleep_fix("both.py", applied=True),
        left_in_generator("both.py"),
    ]
    assert Path("both.py").read_text() != BOTH


def test_json_with_diff_keeps_stdout_to_the_document_and_puts_the_diff_on_stderr() -> None:
    write("bot.py", BEFORE)
    result = run("--diff", "--output-format", "json", "bot.py")
    assert json.loads(result.stdout) == [sleep_fix("bot.py", applied=False)]
    assert result.stderr.startswith("--- a/bot.py\n+++ b/bot.py\n@@ -1,5 +1,5 @@\n")
    assert result.stderr.endswith("Would fix 1 call in 1 file.\n")
    assert Path("bot.py").read_text() == BEFORE


def test_json_of_a_clean_run_is_an_empty_list() -> None:
    write("clean.py", "x = 1\n")
    result = run("--output-format", "json", "clean.py")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_json_error_without_a_position_is_placed_at_1_1() -> None:
    Path("bad.py").write_bytes(b'import time\nasync def f():\n    "\xff"\n    time.sleep(1)\n')
    result = run("--output-format", "json", "bad.py")
    assert json.loads(result.stdout) == [
        row(
            "bad.py",
            1,
            1,
            (0, 0),
            None,
            "cannot parse: not valid utf-8: invalid start byte at byte 32",
        )
    ]


def test_json_on_stdin_goes_to_stderr_alone_when_stdout_carries_the_code() -> None:
    result = run("--output-format", "json", "-", input=BOTH.encode())
    assert result.exit_code == 1
    assert result.stdout.startswith("import time\nimport asyncio\n")
    assert json.loads(result.stderr) == [sleep_fix("-", applied=True), left_in_generator("-")]


def test_json_on_stdin_with_check_goes_to_stdout() -> None:
    result = run(
        "--check", "--output-format", "json", "--stdin-filename", "x.py", "-", input=BEFORE.encode()
    )
    assert json.loads(result.stdout) == [sleep_fix("x.py", applied=False)]
    assert result.stderr == "would fix x.py\n"


def test_json_on_stdin_that_cannot_parse_keeps_stdout_empty_in_write_mode() -> None:
    result = run("--output-format", "json", "-", input=SYNTAX_ERROR.encode())
    assert (result.exit_code, result.stdout) == (123, "")
    assert json.loads(result.stderr) == [row("-", 4, 19, (0, 0), None, PARSE_ERROR)]


# -- github -------------------------------------------------------------------------


def test_github_check_prints_one_error_command_per_call_and_failed_file() -> None:
    write("both.py", BOTH)
    write("bad.py", SYNTAX_ERROR)
    result = run("--check", "--jobs", "1", "--output-format", "github", ".")
    assert result.stdout == (
        f"::error title=asyncfix,file=bad.py,line=4,col=19::bad.py: {PARSE_ERROR}\n"
        "::error title=asyncfix (ASYNC251),file=both.py,line=5,col=5,endLine=5,endColumn=18::"
        f"both.py:5:5: ASYNC251 [*] {SLEEP_FIX}\n"
        "::error title=asyncfix (ASYNC251),file=both.py,line=6,col=17,endLine=6,endColumn=30::"
        f"both.py:6:17: ASYNC251 {IN_GENERATOR}\n"
    )


def test_github_write_mode_annotates_only_what_is_left() -> None:
    write("both.py", BOTH)
    result = run("--output-format", "github", "both.py")
    assert result.stdout == (
        "::error title=asyncfix (ASYNC251),file=both.py,line=6,col=17,endLine=6,endColumn=30::"
        f"both.py:6:17: ASYNC251 {IN_GENERATOR}\n"
    )


def test_github_with_nothing_to_say_prints_nothing() -> None:
    write("bot.py", BEFORE)
    result = run("--output-format", "github", "bot.py")
    assert (result.exit_code, result.stdout) == (1, "")


def test_github_escapes_data_and_properties_as_the_actions_toolkit_does() -> None:
    finding = Finding(3, 1, "ASYNC251", "100% sure,\r\nreally: yes", 3, 9)
    document = github_document([FileResult("we,ird:name.py", findings=(finding,))])
    assert document == (
        "::error title=asyncfix (ASYNC251),file=we%2Cird%3Aname.py,line=3,col=1,endLine=3,"
        "endColumn=9::we,ird:name.py:3:1: ASYNC251 100%25 sure,%0D%0Areally: yes"
    )


def test_github_leaves_out_the_end_when_it_is_unknown() -> None:
    finding = Finding(2, 4, "ASYNC251", "m")
    assert github_document([FileResult("a.py", findings=(finding,))]) == (
        "::error title=asyncfix (ASYNC251),file=a.py,line=2,col=4::a.py:2:4: ASYNC251 m"
    )


# -- sarif --------------------------------------------------------------------------


def sarif_of(*args: str) -> dict[str, Any]:
    result = run("--output-format", "sarif", *args)
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_sarif_has_the_2_1_0_frame_one_run_and_every_rule() -> None:
    write("clean.py", "x = 1\n")
    document = sarif_of("clean.py")
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    driver = document["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "asyncfix",
        __version__,
        "https://github.com/asyncfix/asyncfix",
    )
    assert [rule["id"] for rule in driver["rules"]] == sorted(CODES)
    for rule in driver["rules"]:
        code = CODES[rule["id"]]
        assert rule["name"] == code.name
        assert rule["shortDescription"] == {"text": code.summary}
        assert rule["fullDescription"]["text"].startswith("## What it finds\n")
        assert rule["help"] == {"text": f"asyncfix: {code.fix}"}
        assert rule["defaultConfiguration"] == {"level": "error"}
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["invocations"] == [
        {"executionSuccessful": True, "toolExecutionNotifications": []}
    ]


def test_sarif_results_point_at_the_calls_and_their_rule() -> None:
    write("src/my bot.py", BOTH)
    run_ = sarif_of("--check", "src")["runs"][0]
    rules = run_["tool"]["driver"]["rules"]

    def result(line: int, column: int, end: int, message: str, fixable: bool) -> dict[str, Any]:
        return {
            "ruleId": "ASYNC251",
            "ruleIndex": sorted(CODES).index("ASYNC251"),
            "level": "error",
            "message": {"text": message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "src/my%20bot.py"},
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": line,
                            "endColumn": end,
                        },
                    }
                }
            ],
            "properties": {"fixable": fixable},
        }

    assert run_["results"] == [
        result(5, 5, 18, SLEEP_FIX, True),
        result(6, 17, 30, IN_GENERATOR, False),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run_["results"])


def test_sarif_write_mode_leaves_out_the_fixes_made() -> None:
    write("both.py", BOTH)
    results = sarif_of("both.py")["runs"][0]["results"]
    assert [(r["ruleId"], r["message"]["text"]) for r in results] == [("ASYNC251", IN_GENERATOR)]


def test_sarif_files_that_cannot_be_parsed_are_notifications_not_results() -> None:
    write("bad.py", SYNTAX_ERROR)
    run_ = sarif_of("bad.py")["runs"][0]
    assert run_["results"] == []
    assert run_["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": PARSE_ERROR},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "bad.py"},
                                "region": {"startLine": 4, "startColumn": 19},
                            }
                        }
                    ],
                }
            ],
        }
    ]


# -- the summary line ---------------------------------------------------------------


def results(
    fixed: int, fixed_files: int, left: int, errors: int, clean: int = 0
) -> list[FileResult]:
    """A run: ``fixed`` fixes over ``fixed_files`` files, a file with ``left`` findings,
    ``errors`` files that failed and ``clean`` files with nothing to do."""
    fix = Fix(1, 1, "ASYNC251", "m")
    out = [FileResult(f"f{i}.py", fixes=(fix,), changed=True) for i in range(fixed_files)]
    if fixed_files:
        out[0] = FileResult("f0.py", fixes=(fix,) * (fixed - fixed_files + 1), changed=True)
    out.append(FileResult("left.py", findings=(Finding(1, 1, "ASYNC251", "m"),) * left))
    out += [FileResult(f"e{i}.py", error="cannot parse: x") for i in range(errors)]
    out += [FileResult(f"c{i}.py") for i in range(clean)]
    return out


@pytest.mark.parametrize(
    ("write_mode", "counts", "expected"),
    [
        pytest.param(
            True,
            (3, 2, 1, 0),
            "Fixed 3 calls in 2 files; 1 left (run with --diff to review).",
            id="issue form",
        ),
        pytest.param(
            True,
            (1, 1, 2, 0),
            "Fixed 1 call in 1 file; 2 left (run with --diff to review).",
            id="singular fixed",
        ),
        pytest.param(True, (3, 2, 0, 0), "Fixed 3 calls in 2 files.", id="all fixed"),
        pytest.param(
            False,
            (3, 2, 1, 0),
            "Would fix 3 calls in 2 files; 1 left to fix by hand.",
            id="dry run",
        ),
        pytest.param(False, (1, 1, 0, 0), "Would fix 1 call in 1 file.", id="dry run, all fixable"),
        pytest.param(
            True,
            (0, 0, 1, 0),
            "Nothing to fix automatically; 1 call left to fix by hand.",
            id="only left",
        ),
        pytest.param(
            False,
            (0, 0, 2, 0),
            "Nothing to fix automatically; 2 calls left to fix by hand.",
            id="only left, dry",
        ),
        pytest.param(
            True,
            (3, 2, 1, 2),
            "Fixed 3 calls in 2 files; 1 left (run with --diff to review); "
            "2 files could not be processed.",
            id="with failures",
        ),
        pytest.param(
            False,
            (1, 1, 0, 1),
            "Would fix 1 call in 1 file; 1 file could not be processed.",
            id="dry, a failure",
        ),
        pytest.param(
            True,
            (0, 0, 0, 1),
            "Nothing to fix in 3 files; 1 file could not be processed.",
            id="nothing, a failure",
        ),
    ],
)
def test_summary_family(write_mode: bool, counts: tuple[int, int, int, int], expected: str) -> None:
    fixed, files, left, errors = counts
    assert summary(results(fixed, files, left, errors, clean=2), write=write_mode) == expected


def test_summary_when_nothing_is_found() -> None:
    assert summary([FileResult("a.py")], write=True) == "Nothing to fix in 1 file."
    assert (
        summary([FileResult("a.py"), FileResult("b.py")], write=False)
        == "Nothing to fix in 2 files."
    )


def test_summary_when_no_file_could_be_processed() -> None:
    assert summary([FileResult("a.py", error="cannot read: x")], write=True) == (
        "1 file could not be processed."
    )


def test_summary_line_of_a_write_run_with_calls_left_reads_as_the_issue_asks() -> None:
    write("a.py", BOTH)
    write("b.py", BEFORE + "    time.sleep(2)\n")
    result = run("--jobs", "1", ".")
    assert result.stderr.splitlines()[-1] == (
        "Fixed 3 calls in 2 files; 1 left (run with --diff to review)."
    )


# -- --statistics -------------------------------------------------------------------


def test_statistics_count_fixed_and_left_per_code_most_frequent_first() -> None:
    write("a.py", BOTH)
    write("b.py", BEFORE)
    write("c.py", OPENS)
    result = run("--statistics", "--jobs", "1", ".")
    assert result.stdout.splitlines()[-2:] == [
        "3\tASYNC251\t[*]\tblocking-sleep\t2 fixed, 1 left",
        "1\tASYNC230\t[ ]\tblocking-open-call\t0 fixed, 1 left",
    ]


def test_statistics_without_writing_say_fixable() -> None:
    write("a.py", BOTH)
    result = run("--check", "--statistics", "a.py")
    assert result.stdout.splitlines()[-1] == "2\tASYNC251\t[*]\tblocking-sleep\t1 fixable, 1 left"


def test_statistics_ties_are_sorted_by_code() -> None:
    write("a.py", UNFIXABLE + OPENS)
    result = run("--statistics", "-q", "a.py")
    assert result.stdout.splitlines()[-2:] == [
        "1\tASYNC230\t[ ]\tblocking-open-call\t0 fixed, 1 left",
        "1\tASYNC251\t[ ]\tblocking-sleep\t0 fixed, 1 left",
    ]


def test_statistics_of_a_clean_run_print_nothing() -> None:
    write("clean.py", "x = 1\n")
    result = run("--statistics", "clean.py")
    assert (result.stdout, result.stderr) == ("", "Nothing to fix in 1 file.\n")


def test_statistics_go_to_stderr_when_stdout_carries_a_document() -> None:
    write("bot.py", BEFORE)
    result = run("--statistics", "--output-format", "json", "bot.py")
    assert json.loads(result.stdout) == [sleep_fix("bot.py", applied=True)]
    assert result.stderr == (
        "fixed bot.py (1)\n"
        "1\tASYNC251\t[*]\tblocking-sleep\t1 fixed, 0 left\n"
        "Fixed 1 call in 1 file.\n"
    )


# -- --show-fixes -------------------------------------------------------------------


def test_show_fixes_lists_the_fixes_per_file_and_code() -> None:
    write("b.py", BEFORE + "    time.sleep(2)\n    return input('name? ')\n")
    write("a.py", BOTH)
    write("clean.py", "x = 1\n")
    result = run("--show-fixes", "--jobs", "1", ".")
    assert result.stdout == (
        f"a.py:6:17: ASYNC251 {IN_GENERATOR}\n"
        "Fixed 4 calls:\n"
        "- a.py:\n"
        "    1 \u00d7 ASYNC251 (blocking-sleep)\n"
        "- b.py:\n"
        "    1 \u00d7 ASYNC250 (blocking-input)\n"
        "    2 \u00d7 ASYNC251 (blocking-sleep)\n"
    )


def test_show_fixes_without_writing_says_would_fix() -> None:
    write("bot.py", BEFORE)
    result = run("--diff", "--show-fixes", "-q", "bot.py")
    assert result.stdout.endswith(
        f"bot.py:5:5: ASYNC251 [*] {SLEEP_FIX}\n"
        "Would fix 1 call:\n"
        "- bot.py:\n"
        "    1 \u00d7 ASYNC251 (blocking-sleep)\n"
    )


def test_show_fixes_with_nothing_fixed_prints_nothing() -> None:
    write("left.py", UNFIXABLE)
    result = run("--show-fixes", "-q", "left.py")
    assert result.stdout == f"left.py:5:17: ASYNC251 {IN_GENERATOR}\n"


def test_show_fixes_and_statistics_together_come_in_that_order() -> None:
    write("bot.py", BEFORE)
    result = run("--statistics", "--show-fixes", "-q", "bot.py")
    assert result.stdout == (
        "Fixed 1 call:\n- bot.py:\n    1 \u00d7 ASYNC251 (blocking-sleep)\n"
        "1\tASYNC251\t[*]\tblocking-sleep\t1 fixed, 0 left\n"
    )


def test_show_fixes_on_stdin_go_to_stderr_after_the_code() -> None:
    result = run("--show-fixes", "-", input=BEFORE.encode())
    assert (result.stdout, result.stderr) == (
        AFTER,
        "Fixed 1 call:\n- -:\n    1 \u00d7 ASYNC251 (blocking-sleep)\n",
    )


# -- --exit-zero --------------------------------------------------------------------


def test_exit_zero_when_files_changed_and_calls_are_left() -> None:
    write("both.py", BOTH)
    result = run("--exit-zero", "both.py")
    assert result.exit_code == 0
    assert result.stdout == f"both.py:6:17: ASYNC251 {IN_GENERATOR}\n"
    assert Path("both.py").read_text().startswith("import time\nimport asyncio\n")


def test_exit_zero_in_check_mode() -> None:
    write("bot.py", BEFORE)
    assert run("--check", "--exit-zero", "bot.py").exit_code == 0


def test_exit_zero_covers_files_that_cannot_be_parsed_as_ruff_does() -> None:
    write("bad.py", SYNTAX_ERROR)
    result = run("--exit-zero", "bad.py")
    assert result.exit_code == 0
    assert result.stderr == f"bad.py: {PARSE_ERROR}\n1 file could not be processed.\n"


def test_exit_zero_on_stdin() -> None:
    result = run("--exit-zero", "-", input=BEFORE.encode())
    assert (result.exit_code, result.stdout) == (0, AFTER)


def test_exit_zero_still_exits_123_on_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncfix.transform

    def explode(*args: object) -> object:
        raise KeyError("surprise")

    monkeypatch.setattr(asyncfix.transform, "_run_fixers", explode)
    write("bot.py", BEFORE)
    result = run("--exit-zero", "bot.py")
    assert result.exit_code == 123
    assert result.stderr.splitlines()[0] == "bot.py: internal error: KeyError: 'surprise'"


def test_exit_zero_still_exits_2_on_bad_usage() -> None:
    write("bot.py", BEFORE)
    result = run("--exit-zero", "--select", "NOPE", "bot.py")
    assert result.exit_code == 2
    assert Path("bot.py").read_text() == BEFORE


# -- configuration ------------------------------------------------------------------


def test_output_format_from_the_config() -> None:
    write("pyproject.toml", '[tool.asyncfix]\noutput-format = "json"\n')
    write("bot.py", BEFORE)
    result = run("--check", "bot.py")
    assert json.loads(result.stdout) == [sleep_fix("bot.py", applied=False)]


def test_output_format_flag_wins_over_the_config() -> None:
    write("pyproject.toml", '[tool.asyncfix]\noutput-format = "json"\n')
    write("bot.py", BEFORE)
    assert run("--check", "--output-format", "text", "bot.py").stdout == (
        f"bot.py:5:5: ASYNC251 [*] {SLEEP_FIX}\n"
    )


def test_bad_output_format_in_the_config_exits_2_with_one_line(in_tmp: Path) -> None:
    write("pyproject.toml", '[tool.asyncfix]\noutput-format = "xml"\n')
    write("bot.py", BEFORE)
    result = run("bot.py")
    assert result.exit_code == 2
    assert result.stderr == (
        f"asyncfix: error: {in_tmp / 'pyproject.toml'}: [tool.asyncfix] output-format: "
        "expected one of text, json, github, sarif, got 'xml'\n"
    )


def test_bad_output_format_flag_exits_2() -> None:
    write("bot.py", BEFORE)
    result = run("--output-format", "xml", "bot.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--output-format': 'xml' is not one of "
        "'text', 'json', 'github', 'sarif'."
    )


# -- the real command ---------------------------------------------------------------


def real(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "asyncfix", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )


def test_real_command_json_and_statistics_keep_stdout_parseable() -> None:
    write("both.py", BOTH)
    done = real("--check", "--statistics", "--output-format", "json", "both.py")
    assert done.returncode == 1
    assert json.loads(done.stdout) == [
        sleep_fix("both.py", applied=False),
        left_in_generator("both.py"),
    ]
    assert done.stderr == (
        "would fix both.py\n"
        "2\tASYNC251\t[*]\tblocking-sleep\t1 fixable, 1 left\n"
        "Would fix 1 call in 1 file; 1 left to fix by hand.\n"
    )


def test_real_command_github_with_exit_zero() -> None:
    write("left.py", UNFIXABLE)
    done = real("--diff", "--exit-zero", "--output-format", "github", "left.py")
    assert (done.returncode, done.stdout) == (
        0,
        "::error title=asyncfix (ASYNC251),file=left.py,line=5,col=17,endLine=5,endColumn=30::"
        f"left.py:5:17: ASYNC251 {IN_GENERATOR}\n",
    )
