"""The ``asyncfix`` command as users meet it: write modes, output, exit codes, stdin.

Most tests go through click's CliRunner (stdout and stderr apart); the last
few run the real thing in a subprocess, as ``python -m asyncfix`` and as the
``asyncfix`` console script.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asyncfix import __version__
from asyncfix.rules import CODES
from cli_helpers import AFTER, BEFORE, UNFIXABLE, write
from cli_helpers import run

pytestmark = pytest.mark.usefixtures("in_tmp")

KNOWN = ", ".join(sorted(CODES))

CLEAN = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"
FINDING = (
    "5:17: ASYNC251 `time.sleep()` blocks the event loop; not fixed: it is inside a "
    "generator expression (an await there turns it into an async generator)"
)
SYNTAX_ERROR = "import time\n\n\nasync def handler(:\n    time.sleep(1)\n"
# BEFORE's call, listed as fixable when nothing is written (--diff, --check).
FIXABLE = "5:5: ASYNC251 [*] `time.sleep()` -> `await asyncio.sleep()`"


def diff_of(path: str) -> str:
    return (
        f"--- a/{path}\n"
        f"+++ b/{path}\n"
        "@@ -1,5 +1,5 @@\n"
        "-import time\n"
        "+import asyncio\n"
        " \n"
        " \n"
        " async def handler():\n"
        "-    time.sleep(1)\n"
        "+    await asyncio.sleep(1)\n"
    )


def parse_error(source: str) -> str:
    """What Python itself says about ``source``, as asyncfix words it."""
    try:
        ast.parse(source)
    except SyntaxError as error:
        return f"cannot parse: line {error.lineno}, column {error.offset}: {error.msg}"
    raise AssertionError("expected a syntax error")


# -- write modes -----------------------------------------------------------------


def test_default_rewrites_in_place_reports_fixed_and_exits_1() -> None:
    write("bot.py", BEFORE)
    result = run("bot.py")
    assert result.exit_code == 1
    assert Path("bot.py").read_text() == AFTER
    assert result.stdout == ""
    assert result.stderr == "fixed bot.py (1)\nFixed 1 call in 1 file.\n"


def test_fixed_line_counts_the_calls_fixed_in_the_file() -> None:
    write("bot.py", BEFORE + "    time.sleep(2)\n    time.sleep(3)\n")
    result = run("bot.py")
    assert result.stderr.splitlines()[0] == "fixed bot.py (3)"


def test_clean_file_exits_0_and_is_not_rewritten() -> None:
    path = write("clean.py", CLEAN)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    result = run("clean.py")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Nothing to fix in 1 file.\n"
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_file_with_only_findings_is_not_rewritten() -> None:
    path = write("left.py", UNFIXABLE)
    before = path.stat()
    result = run("left.py")
    assert result.exit_code == 1
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_diff_prints_unified_diff_and_fixable_lines_writes_nothing_exits_1() -> None:
    write("bot.py", BEFORE)
    result = run("--diff", "bot.py")
    assert result.exit_code == 1
    assert result.stdout == diff_of("bot.py") + f"bot.py:{FIXABLE}\n"
    assert result.stderr == "Would fix 1 call in 1 file.\n"
    assert Path("bot.py").read_text() == BEFORE


def test_diff_of_a_file_in_a_folder_names_it_by_its_relative_path() -> None:
    write("src/pkg/bot.py", BEFORE)
    assert run("--diff", "src").stdout == diff_of("src/pkg/bot.py") + f"src/pkg/bot.py:{FIXABLE}\n"


def test_diff_of_an_absolute_path_inside_cwd_is_shown_relative(in_tmp: Path) -> None:
    write("bot.py", BEFORE)
    assert run("--diff", str(in_tmp / "bot.py")).stdout == diff_of("bot.py") + f"bot.py:{FIXABLE}\n"


def test_check_writes_nothing_lists_would_fix_and_the_fixable_calls_exits_1() -> None:
    write("bot.py", BEFORE)
    write("clean.py", CLEAN)
    result = run("--check", ".")
    assert result.exit_code == 1
    assert result.stdout == f"bot.py:{FIXABLE}\n"
    assert result.stderr == "would fix bot.py\nWould fix 1 call in 1 file.\n"
    assert Path("bot.py").read_text() == BEFORE


def test_check_on_clean_files_exits_0() -> None:
    write("clean.py", CLEAN)
    result = run("--check", "clean.py")
    assert (result.exit_code, result.stdout) == (0, "")


def test_diff_and_check_together_print_the_diff_and_the_would_fix_line() -> None:
    write("bot.py", BEFORE)
    result = run("--diff", "--check", "bot.py")
    assert result.exit_code == 1
    assert result.stdout == diff_of("bot.py") + f"bot.py:{FIXABLE}\n"
    assert result.stderr == "would fix bot.py\nWould fix 1 call in 1 file.\n"
    assert Path("bot.py").read_text() == BEFORE


def test_findings_left_exit_1_with_the_line_on_stdout() -> None:
    write("left.py", UNFIXABLE)
    result = run("left.py")
    assert result.exit_code == 1
    assert result.stdout == f"left.py:{FINDING}\n"
    assert result.stderr == "Nothing to fix automatically; 1 call left to fix by hand.\n"
    assert Path("left.py").read_text() == UNFIXABLE


def test_findings_are_printed_in_check_and_diff_modes_too() -> None:
    write("left.py", UNFIXABLE)
    assert run("--check", "left.py").stdout == f"left.py:{FINDING}\n"
    assert run("--diff", "left.py").stdout == f"left.py:{FINDING}\n"


def test_a_fix_and_a_finding_in_one_file() -> None:
    write("both.py", BEFORE + "    return list(time.sleep(1) for _ in range(3))\n")
    result = run("both.py")
    assert result.exit_code == 1
    assert result.stdout == (
        "both.py:6:17: ASYNC251 `time.sleep()` blocks the event loop; not fixed: it is inside "
        "a generator expression (an await there turns it into an async generator)\n"
    )
    assert result.stderr == (
        "fixed both.py (1)\nFixed 1 call in 1 file; 1 left (run with --diff to review).\n"
    )


def test_running_twice_changes_nothing_the_second_time() -> None:
    write("bot.py", BEFORE)
    assert run("bot.py").exit_code == 1
    second = run("bot.py")
    assert (second.exit_code, second.stdout) == (0, "")
    assert Path("bot.py").read_text() == AFTER


# -- summary -----------------------------------------------------------------------


def test_summary_names_fixes_findings_and_failures_in_one_sentence() -> None:
    write("a.py", BEFORE)
    write("b.py", BEFORE + "    time.sleep(2)\n")
    write("c.py", UNFIXABLE)
    write("d.py", SYNTAX_ERROR)
    write("e.py", CLEAN)
    result = run("--jobs", "1", ".")
    assert result.stderr.splitlines()[-1] == (
        "Fixed 3 calls in 2 files; 1 left (run with --diff to review); "
        "1 file could not be processed."
    )


def test_summary_in_check_mode_says_would_fix() -> None:
    write("a.py", BEFORE)
    write("b.py", BEFORE)
    assert run("--check", ".").stderr.splitlines()[-1] == "Would fix 2 calls in 2 files."


def test_no_python_files_says_nothing_to_do_and_exits_0() -> None:
    Path("empty").mkdir()
    result = run("empty")
    assert result.exit_code == 0
    assert result.stderr == "No Python files found; nothing to do.\n"


def test_everything_excluded_says_how_many_were_skipped_and_how_to_see_them() -> None:
    write("build/bot.py", BEFORE)
    result = run("build")
    assert result.exit_code == 0
    assert result.stderr == (
        "No Python files found; nothing to do (1 path skipped; -v lists them).\n"
    )
    assert Path("build/bot.py").read_text() == BEFORE


# -- quiet, verbose, version, help ------------------------------------------------


def test_quiet_drops_fixed_and_summary_lines_but_keeps_findings() -> None:
    write("bot.py", BEFORE)
    write("left.py", UNFIXABLE)
    result = run("-q", ".")
    assert result.exit_code == 1
    assert result.stdout == f"left.py:{FINDING}\n"
    assert result.stderr == ""
    assert Path("bot.py").read_text() == AFTER


def test_quiet_check_prints_the_fixable_calls_only_and_keeps_the_exit_code() -> None:
    write("bot.py", BEFORE)
    result = run("-q", "--check", "bot.py")
    assert (result.exit_code, result.stdout, result.stderr) == (1, f"bot.py:{FIXABLE}\n", "")


def test_quiet_still_reports_errors() -> None:
    write("bad.py", SYNTAX_ERROR)
    result = run("-q", "bad.py")
    assert result.exit_code == 123
    assert result.stderr == f"bad.py: {parse_error(SYNTAX_ERROR)}\n"


def test_verbose_lists_skipped_files_and_why() -> None:
    write("bot.py", BEFORE)
    write("build/gen.py", BEFORE)
    write("generated/x.py", BEFORE)
    write(".gitignore", "generated/\n")
    result = run("-v", "--check", ".")
    assert result.stderr == (
        "skipped build (excluded)\n"
        "skipped generated (in .gitignore)\n"
        "would fix bot.py\n"
        "Would fix 1 call in 1 file.\n"
    )


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"asyncfix, version {__version__}\n")


def test_help_shows_usage_examples_and_exit_codes() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: asyncfix [OPTIONS] PATHS...\n")
    for line in (
        "    asyncfix src/                       fix every file under src/ in place",
        "    asyncfix --diff src/                show what would change, write nothing (CI)",
        "    asyncfix --check .                  list the files that would change",
        "    asyncfix - < bot.py                 fix standard input, print the result",
        "    asyncfix --select ASYNC251 .        only the time.sleep fix",
        "    asyncfix --check --output-format github .",
        "                                        annotate a pull request (GitHub Actions)",
        "    asyncfix --statistics .             fix, then count what was fixed and left per rule",
        "    asyncfix --explain ASYNC240         what a rule finds and how it is fixed",
    ):
        assert line in result.stdout.splitlines()
    assert "Exit status: 0 nothing to fix or report; 1 a file was (or would be) changed" in (
        result.stdout
    )
    assert run("-h").stdout == result.stdout


# -- colour ------------------------------------------------------------------------

GREEN, RED, CYAN, BOLD, RESET = "\x1b[32m", "\x1b[31m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


def test_color_colours_the_diff_even_when_stdout_is_not_a_terminal() -> None:
    write("bot.py", BEFORE)
    result = run("--diff", "--color", "bot.py")
    lines = result.stdout.splitlines()
    assert lines[0] == f"{BOLD}--- a/bot.py{RESET}"
    assert lines[2] == f"{CYAN}@@ -1,5 +1,5 @@{RESET}"
    assert lines[3] == f"{RED}-import time{RESET}"
    assert lines[4] == f"{GREEN}+import asyncio{RESET}"
    assert lines[5] == " "  # context lines stay plain


def test_color_flag_wins_over_no_color_env() -> None:
    write("bot.py", BEFORE)
    assert GREEN in run("--diff", "--color", "bot.py", env={"NO_COLOR": "1"}).stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        pytest.param(["--no-color"], {"FORCE_COLOR": "1"}, id="--no-color"),
        pytest.param([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, id="NO_COLOR=1"),
        pytest.param([], {}, id="default on a non-tty"),
    ],
)
def test_no_colour(args: list[str], env: dict[str, str]) -> None:
    write("bot.py", BEFORE)
    result = run("--diff", *args, "bot.py", env=env)
    assert result.stdout == diff_of("bot.py") + f"bot.py:{FIXABLE}\n"
    assert "\x1b[" not in result.stdout + result.stderr


def test_force_color_env_colours_the_diff() -> None:
    write("bot.py", BEFORE)
    assert GREEN in run("--diff", "bot.py", env={"FORCE_COLOR": "1"}).stdout


# -- select, ignore, event loop ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--select", "ASYNC251"], id="code"),
        pytest.param(["--select", "ASYNC2"], id="prefix"),
        pytest.param(["--select", "async251"], id="lower case"),
        pytest.param(["--select", "ASYNC251, ASYNC2"], id="comma-separated"),
        pytest.param(["--select", "ASYNC251", "--select", "ASYNC"], id="repeated"),
        pytest.param(["--select", "ALL"], id="ALL"),
    ],
)
def test_select_runs_the_rule(args: list[str]) -> None:
    write("bot.py", BEFORE)
    result = run("--check", *args, "bot.py")
    assert result.stderr.splitlines()[0] == "would fix bot.py"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--ignore", "ASYNC251"], id="code"),
        pytest.param(["--ignore", "ASYNC"], id="prefix"),
        pytest.param(["--ignore", "ASYNC251,ASYNC2"], id="comma-separated"),
        pytest.param(["--ignore", "ASYNC2", "--ignore", "ASYNC251"], id="repeated"),
        pytest.param(["--select", "ASYNC251", "--ignore", "ASYNC251"], id="ignore beats select"),
    ],
)
def test_ignore_turns_the_rule_off(args: list[str]) -> None:
    write("bot.py", BEFORE)
    write("left.py", UNFIXABLE)
    result = run(*args, ".")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Nothing to fix in 2 files.\n"
    assert Path("bot.py").read_text() == BEFORE


def test_event_loop_option_picks_the_library() -> None:
    write("bot.py", BEFORE)
    run("--event-loop", "trio", "bot.py")
    assert Path("bot.py").read_text() == AFTER.replace("asyncio", "trio")


# -- usage errors: exit 2, one clear line, no traceback -------------------------------


def test_bad_option_exits_2_with_clicks_message() -> None:
    result = run("--frobnicate", ".")
    assert result.exit_code == 2
    last = result.stderr.splitlines()[-1]
    assert last.startswith("Error: No such option") and "--frobnicate" in last
    assert result.stderr.splitlines()[0] == "Usage: asyncfix [OPTIONS] PATHS..."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["nope.py"],
            "Error: Invalid value for 'PATHS...': Path 'nope.py' does not exist.",
            id="nonexistent path",
        ),
        pytest.param([], "Error: Missing argument 'PATHS...'.", id="no path"),
        pytest.param(
            ["--event-loop", "gevent", "."],
            "Error: Invalid value for '--event-loop': 'gevent' is not one of "
            "'auto', 'asyncio', 'trio', 'anyio'.",
            id="bad event loop",
        ),
        pytest.param(
            ["--jobs", "0", "."],
            "Error: Invalid value for '-j' / '--jobs': 0 is not in the range x>=1.",
            id="zero jobs",
        ),
        pytest.param(
            ["--select", "ASYNC999", "."],
            f"asyncfix: error: --select: unknown rule selector 'ASYNC999' (known: {KNOWN})",
            id="unknown select code",
        ),
        pytest.param(
            ["--select", "ASYNC251,NOPE", "."],
            f"asyncfix: error: --select: unknown rule selector 'NOPE' (known: {KNOWN})",
            id="unknown code in a comma list",
        ),
        pytest.param(
            ["--ignore", "E501", "."],
            f"asyncfix: error: --ignore: unknown rule selector 'E501' (known: {KNOWN})",
            id="unknown ignore code",
        ),
        pytest.param(
            ["--exclude", "gen\\", "."],
            "asyncfix: error: --exclude: invalid pattern 'gen\\\\': "
            "escape character found with no next character to escape",
            id="invalid exclude pattern",
        ),
        pytest.param(
            ["--extend-exclude", "!", "."],
            "asyncfix: error: --extend-exclude: invalid pattern '!': pattern normalized to nothing",
            id="invalid extend-exclude pattern",
        ),
        pytest.param(
            ["-", "bot.py"],
            "asyncfix: error: `-` (standard input) cannot be combined with other paths",
            id="stdin and a path",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(args: list[str], message: str) -> None:
    write("bot.py", BEFORE)
    result = run(*args, input=b"")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert "Traceback" not in result.stderr
    assert Path("bot.py").read_text() == BEFORE


# -- exit 123: files that cannot be parsed, decoded or written -----------------------


def test_syntax_error_is_one_line_file_untouched_and_others_still_fixed() -> None:
    bad = write("bad.py", SYNTAX_ERROR)
    write("good.py", BEFORE)
    original = bad.read_bytes()
    result = run("--jobs", "1", ".")
    assert result.exit_code == 123
    assert result.stderr == (
        f"bad.py: {parse_error(SYNTAX_ERROR)}\n"
        "fixed good.py (1)\n"
        "Fixed 1 call in 1 file; 1 file could not be processed.\n"
    )
    assert bad.read_bytes() == original
    assert Path("good.py").read_text() == AFTER


def test_exit_123_wins_over_exit_1() -> None:
    write("bad.py", SYNTAX_ERROR)
    write("left.py", UNFIXABLE)
    assert run("--check", ".").exit_code == 123


def test_undecodable_utf8_without_cookie_is_exit_123_and_untouched() -> None:
    data = b'import time\n\n\nasync def handler():\n    s = "\xff"\n    time.sleep(1)\n'
    Path("bad.py").write_bytes(data)
    result = run("bad.py")
    assert result.exit_code == 123
    assert result.stderr.splitlines()[0] == (
        "bad.py: cannot parse: not valid utf-8: invalid start byte at byte 44"
    )
    assert Path("bad.py").read_bytes() == data


def test_bad_coding_cookie_is_exit_123_and_untouched() -> None:
    data = b"# -*- coding: klingon -*-\n" + BEFORE.encode()
    Path("bad.py").write_bytes(data)
    result = run("bad.py")
    assert result.exit_code == 123
    assert result.stderr.splitlines()[0] == "bad.py: cannot parse: unknown encoding: klingon"
    assert Path("bad.py").read_bytes() == data


def test_null_byte_names_the_line_not_none() -> None:
    data = BEFORE.encode().replace(b"(1)", b"(1)\x00")
    Path("bad.py").write_bytes(data)
    result = run("bad.py")
    assert result.exit_code == 123
    assert result.stderr.splitlines()[0] == (
        "bad.py: cannot parse: line 5: source contains a null byte"
    )
    assert Path("bad.py").read_bytes() == data


def test_internal_error_in_one_file_is_one_line_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncfix.transform

    real = asyncfix.transform._run_fixers

    def explode(source: str, filename: str, *args: object) -> object:
        if filename == "boom.py":
            raise KeyError("surprise")
        return real(source, filename, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(asyncfix.transform, "_run_fixers", explode)
    write("boom.py", BEFORE)
    write("good.py", BEFORE)
    result = run("--jobs", "1", ".")
    assert result.exit_code == 123
    assert result.stderr.splitlines()[:2] == [
        "boom.py: internal error: KeyError: 'surprise'",
        "fixed good.py (1)",
    ]
    assert Path("boom.py").read_text() == BEFORE


def test_fix_that_would_not_compile_is_an_internal_error_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import libcst

    real = libcst.Module.code.fget  # type: ignore[attr-defined]

    def broken(module: libcst.Module) -> str:
        code: str = real(module)
        return code.replace("await ", "await await ")

    monkeypatch.setattr(libcst.Module, "code", property(broken))
    write("bot.py", BEFORE)
    result = run("bot.py")
    assert result.exit_code == 123
    assert result.stderr.startswith(
        "bot.py: internal error: RuntimeError: the fix produced code that does not compile"
    )
    assert Path("bot.py").read_text() == BEFORE


# -- standard input ------------------------------------------------------------------


def test_stdin_prints_the_whole_fixed_source() -> None:
    result = run("-", input=BEFORE.encode())
    assert result.exit_code == 1
    assert result.stdout == AFTER
    assert result.stderr == ""


def test_stdin_with_nothing_to_fix_echoes_the_input_and_exits_0() -> None:
    result = run("-", input=CLEAN.encode())
    assert (result.exit_code, result.stdout, result.stderr) == (0, CLEAN, "")


def test_stdin_findings_go_to_stderr_so_stdout_stays_code() -> None:
    result = run("-", input=UNFIXABLE.encode())
    assert result.exit_code == 1
    assert result.stdout == UNFIXABLE
    assert result.stderr == f"-:{FINDING}\n"


def test_stdin_filename_names_the_findings() -> None:
    result = run("--stdin-filename", "src/bot.py", "-", input=UNFIXABLE.encode())
    assert result.stderr == f"src/bot.py:{FINDING}\n"


def test_stdin_diff_uses_the_stdin_filename() -> None:
    result = run("--diff", "--stdin-filename", "bot.py", "-", input=BEFORE.encode())
    assert result.exit_code == 1
    assert result.stdout == diff_of("bot.py")


def test_stdin_check_prints_would_fix_and_no_code() -> None:
    result = run("--check", "--stdin-filename", "bot.py", "-", input=BEFORE.encode())
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"would fix bot.py\nbot.py:{FIXABLE}\n",
    )


def test_stdin_keeps_bytes_latin1_and_crlf() -> None:
    data = (
        b"# -*- coding: latin-1 -*-\r\n" + BEFORE.replace("\n", "\r\n").encode() + b"s = '\xe9'\r\n"
    )
    result = run("-", input=data)
    assert result.stdout_bytes == (
        b"# -*- coding: latin-1 -*-\r\n" + AFTER.replace("\n", "\r\n").encode() + b"s = '\xe9'\r\n"
    )


def test_stdin_syntax_error_exits_123_and_prints_nothing_to_stdout_like_black() -> None:
    # Echoing the input would let `asyncfix - < a.py > b.py` or an editor that
    # ignores the exit code pass it off as fixed output.
    result = run("--stdin-filename", "bot.py", "-", input=SYNTAX_ERROR.encode())
    assert result.exit_code == 123
    assert result.stdout == ""
    assert result.stderr == f"bot.py: {parse_error(SYNTAX_ERROR)}\n"


def test_stdin_undecodable_exits_123_and_prints_nothing_to_stdout() -> None:
    result = run("-", input=b"import time\nasync def f():\n    '\xff'\n    time.sleep(1)\n")
    assert result.exit_code == 123
    assert result.stdout == ""
    assert result.stderr == "-: cannot parse: not valid utf-8: invalid start byte at byte 32\n"


def test_stdin_filename_finds_the_config_of_its_folder() -> None:
    write("sub/pyproject.toml", '[tool.asyncfix]\nevent-loop = "trio"\n')
    result = run("--stdin-filename", "sub/bot.py", "-", input=BEFORE.encode())
    assert result.stdout == AFTER.replace("asyncio", "trio")


def test_stdin_filename_excluded_with_force_exclude_echoes_the_input_unchanged() -> None:
    result = run("--force-exclude", "--stdin-filename", "build/bot.py", "-", input=BEFORE.encode())
    assert (result.exit_code, result.stdout, result.stderr) == (0, BEFORE, "")


def test_stdin_filename_excluded_without_force_exclude_is_still_fixed() -> None:
    result = run("--stdin-filename", "build/bot.py", "-", input=BEFORE.encode())
    assert (result.exit_code, result.stdout) == (1, AFTER)


def test_stdin_filename_in_gitignore_with_force_exclude_is_left_alone() -> None:
    write(".gitignore", "generated/\n")
    result = run(
        "--force-exclude", "--stdin-filename", "generated/bot.py", "-", input=BEFORE.encode()
    )
    assert (result.exit_code, result.stdout) == (0, BEFORE)


def test_stdin_force_exclude_from_config() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nforce-exclude = true\nextend-exclude = ["gen"]\n')
    result = run("--stdin-filename", "gen/bot.py", "-", input=BEFORE.encode())
    assert (result.exit_code, result.stdout) == (0, BEFORE)


# -- parallel runs -----------------------------------------------------------------


def test_jobs_1_and_jobs_2_give_identical_output_in_sorted_order() -> None:
    names = []
    for i in range(20):
        name = f"pkg{i % 3}/mod{i:02d}.py"
        write(name, [BEFORE, UNFIXABLE, CLEAN, SYNTAX_ERROR][i % 4])
        names.append(name)
    serial = run("--check", "--jobs", "1", ".")
    parallel = run("--check", "--jobs", "2", ".")
    assert (parallel.exit_code, parallel.stdout, parallel.stderr) == (
        serial.exit_code,
        serial.stdout,
        serial.stderr,
    )
    assert serial.exit_code == 123
    expected: list[str] = []
    for i, name in sorted(enumerate(names), key=lambda item: item[1]):
        kind = i % 4
        if kind == 0:
            expected.append(f"would fix {name}")
        elif kind == 3:
            expected.append(f"{name}: {parse_error(SYNTAX_ERROR)}")
    expected.append(
        "Would fix 5 calls in 5 files; 5 left to fix by hand; 5 files could not be processed."
    )
    assert serial.stderr.splitlines() == expected
    assert serial.stdout.splitlines() == [
        f"{name}:{FINDING if i % 4 == 1 else FIXABLE}"
        for i, name in sorted(enumerate(names), key=lambda t: t[1])
        if i % 4 in (0, 1)
    ]


def test_jobs_2_writes_every_file() -> None:
    for i in range(6):
        write(f"m{i}.py", BEFORE)
    result = run("--jobs", "2", ".")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines()[:-1]] == [
        f"fixed m{i}.py (1)" for i in range(6)
    ]
    assert all(Path(f"m{i}.py").read_text() == AFTER for i in range(6))


# -- the real command -----------------------------------------------------------------


def subprocess_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return env


def test_python_dash_m_fixes_in_place(in_tmp: Path) -> None:
    write("bot.py", BEFORE)
    done = subprocess.run(
        [sys.executable, "-m", "asyncfix", "bot.py"],
        check=False,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert done.returncode == 1
    assert (done.stdout, done.stderr) == ("", "fixed bot.py (1)\nFixed 1 call in 1 file.\n")
    assert Path("bot.py").read_text() == AFTER


def test_python_dash_m_stdin_round_trip() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asyncfix", "-"],
        input=BEFORE.encode(),
        check=False,
        capture_output=True,
        env=subprocess_env(),
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, AFTER.encode(), b"")


def test_python_dash_m_bad_option_exits_2_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asyncfix", "--frobnicate", "."],
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "Usage: asyncfix [OPTIONS] PATHS..."
    # click's wording varies by version ("No such option: --x", "No such option '--x'.")
    last = done.stderr.splitlines()[-1]
    assert last.startswith("Error: No such option") and "--frobnicate" in last
    assert "Traceback" not in done.stderr


def console_script() -> str:
    found = shutil.which("asyncfix") or str(Path(sys.executable).with_name("asyncfix"))
    if not Path(found).exists():
        pytest.skip("the asyncfix console script is not installed")
    return found


def test_console_script_diff_is_uncoloured_on_a_pipe() -> None:
    write("bot.py", BEFORE)
    done = subprocess.run(
        [console_script(), "--diff", "bot.py"],
        check=False,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert (done.returncode, done.stdout) == (1, diff_of("bot.py") + f"bot.py:{FIXABLE}\n")
    assert Path("bot.py").read_text() == BEFORE


def test_console_script_color_colours_a_pipe() -> None:
    write("bot.py", BEFORE)
    done = subprocess.run(
        [console_script(), "--diff", "--color", "bot.py"],
        check=False,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert done.stdout.splitlines()[4] == f"{GREEN}+import asyncio{RESET}"


def test_console_script_syntax_error_exits_123_without_traceback() -> None:
    write("bad.py", SYNTAX_ERROR)
    write("good.py", BEFORE)
    done = subprocess.run(
        [console_script(), "--jobs", "2", "."],
        check=False,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert done.returncode == 123
    assert done.stderr.splitlines() == [
        f"bad.py: {parse_error(SYNTAX_ERROR)}",
        "fixed good.py (1)",
        "Fixed 1 call in 1 file; 1 file could not be processed.",
    ]
    assert Path("bad.py").read_text() == SYNTAX_ERROR
