"""``[tool.asyncfix]``: where it is found, what it sets, how flags override it, its errors."""

from __future__ import annotations

from pathlib import Path

import click.testing
import pytest

from asyncfix.cli import main
from asyncfix.config import ConfigError, find_pyproject, load, target_version
from asyncfix.rules import CODES
from cli_helpers import AFTER, BEFORE, UNFIXABLE, write
from cli_helpers import run as run_cli

pytestmark = pytest.mark.usefixtures("in_tmp")

KNOWN = ", ".join(sorted(CODES))
KEYS = (
    "exclude, extend-exclude, select, ignore, force-exclude, respect-gitignore, event-loop, "
    "output-format, blocking-calls, target-version"
)


def run(*args: str) -> click.testing.Result:
    """The command with one worker: the output order is the same, and faster here."""
    return run_cli("--jobs", "1", *args)

def checked(*args: str) -> list[str]:
    result = run("--check", *args)
    assert result.exit_code in (0, 1), result.stderr
    prefix = "would fix "
    return [line[len(prefix) :] for line in result.stderr.splitlines() if line.startswith(prefix)]


# -- errors: exit 2, one line that names the file, the key and what is wanted ------------


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        pytest.param(
            "[tool.asyncfix]\nline-length = 88\n",
            f"[tool.asyncfix] has an unknown key 'line-length' (known: {KEYS})",
            id="unknown key",
        ),
        pytest.param(
            '[tool.asyncfix]\nexclude = "build"\n',
            "[tool.asyncfix] exclude: expected a list of strings, got 'build'",
            id="exclude not a list",
        ),
        pytest.param(
            "[tool.asyncfix]\nextend-exclude = [1]\n",
            "[tool.asyncfix] extend-exclude: expected a list of strings, got [1]",
            id="extend-exclude of ints",
        ),
        pytest.param(
            '[tool.asyncfix]\nselect = "ASYNC251"\n',
            "[tool.asyncfix] select: expected a list of strings, got 'ASYNC251'",
            id="select not a list",
        ),
        pytest.param(
            '[tool.asyncfix]\nforce-exclude = "yes"\n',
            "[tool.asyncfix] force-exclude: expected true or false, got 'yes'",
            id="bool as string",
        ),
        pytest.param(
            "[tool.asyncfix]\nrespect-gitignore = 1\n",
            "[tool.asyncfix] respect-gitignore: expected true or false, got 1",
            id="bool as int",
        ),
        pytest.param(
            '[tool.asyncfix]\nevent-loop = "gevent"\n',
            "[tool.asyncfix] event-loop: expected one of auto, asyncio, trio, anyio, got 'gevent'",
            id="bad event-loop",
        ),
        pytest.param(
            '[tool.asyncfix]\nselect = ["ASYNC999"]\n',
            f"[tool.asyncfix] select: unknown rule selector 'ASYNC999' (known: {KNOWN})",
            id="unknown select code",
        ),
        pytest.param(
            '[tool.asyncfix]\nignore = ["E501"]\n',
            f"[tool.asyncfix] ignore: unknown rule selector 'E501' (known: {KNOWN})",
            id="unknown ignore code",
        ),
        pytest.param(
            '[tool.asyncfix]\nextend-exclude = ["!"]\n',
            "[tool.asyncfix] extend-exclude: invalid pattern '!': pattern normalized to nothing",
            id="invalid pattern",
        ),
        pytest.param("[tool]\nasyncfix = 3\n", "[tool.asyncfix] must be a table", id="not a table"),
        pytest.param("tool = 3\n", "[tool] must be a table", id="tool not a table"),
        pytest.param(
            "[tool.asyncfix\n",
            "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 15)",
            id="invalid TOML",
        ),
    ],
)
def test_config_errors_exit_2_with_one_line(in_tmp: Path, toml: str, problem: str) -> None:
    write("pyproject.toml", toml)
    write("bot.py")
    result = run("bot.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"asyncfix: error: {in_tmp / 'pyproject.toml'}: {problem}\n"
    assert Path("bot.py").read_text() == BEFORE


def test_config_not_utf8_is_exit_2_not_a_traceback(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_bytes(b'[tool.asyncfix]\nexclude = ["caf\xe9"]\n')
    write("bot.py")
    result = run("bot.py")
    assert result.exit_code == 2
    assert result.stderr == (
        f"asyncfix: error: {in_tmp / 'pyproject.toml'}: not valid TOML: not UTF-8 "
        "(invalid continuation byte)\n"
    )


def test_config_error_stops_stdin_too(in_tmp: Path) -> None:
    write("pyproject.toml", "[tool.asyncfix]\nnope = 1\n")
    result = click.testing.CliRunner().invoke(main, ["-"], input=BEFORE, catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_pyproject_without_our_table_means_defaults() -> None:
    write("pyproject.toml", "[tool.black]\nline-length = 100\n")
    write("bot.py")
    assert checked("bot.py") == ["bot.py"]


def test_load_returns_the_table(in_tmp: Path) -> None:
    path = write("pyproject.toml", '[tool.asyncfix]\nselect = ["ASYNC251"]\nforce-exclude = true\n')
    assert load(path) == {"select": ["ASYNC251"], "force-exclude": True}


def test_load_raises_config_error_for_unreadable_file(in_tmp: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load(in_tmp / "missing.toml")
    assert str(raised.value) == f"{in_tmp / 'missing.toml'}: cannot read: No such file or directory"


# -- where the config is found --------------------------------------------------------


def test_config_is_found_upward_from_the_paths(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("pyproject.toml", '[tool.asyncfix]\nevent-loop = "trio"\n')
    write("src/pkg/bot.py")
    monkeypatch.chdir(in_tmp / "src")
    run("pkg/bot.py")
    assert Path("pkg/bot.py").read_text() == AFTER.replace("asyncio", "trio")


def test_config_is_the_nearest_to_the_common_parent_of_the_paths(in_tmp: Path) -> None:
    write("pyproject.toml", '[tool.asyncfix]\nevent-loop = "trio"\n')
    write("sub/pyproject.toml", '[tool.asyncfix]\nevent-loop = "anyio"\n')
    write("sub/a/bot.py")
    write("sub/b/bot.py")
    run("sub/a/bot.py", "sub/b/bot.py")
    assert Path("sub/a/bot.py").read_text() == AFTER.replace("asyncio", "anyio")
    assert Path("sub/b/bot.py").read_text() == AFTER.replace("asyncio", "anyio")


def test_paths_in_different_projects_use_their_common_parents_config(in_tmp: Path) -> None:
    write("pyproject.toml", '[tool.asyncfix]\nevent-loop = "trio"\n')
    write("sub/pyproject.toml", '[tool.asyncfix]\nevent-loop = "anyio"\n')
    write("sub/bot.py")
    write("other/bot.py")
    run("sub/bot.py", "other/bot.py")
    assert Path("sub/bot.py").read_text() == AFTER.replace("asyncio", "trio")


def test_find_pyproject(in_tmp: Path) -> None:
    write("pyproject.toml", "")
    (in_tmp / "a/b").mkdir(parents=True)
    assert find_pyproject(in_tmp / "a/b") == in_tmp / "pyproject.toml"


def test_config_option_reads_that_file_instead(in_tmp: Path) -> None:
    write("pyproject.toml", '[tool.asyncfix]\nevent-loop = "trio"\n')
    write("ci/asyncfix.toml", '[tool.asyncfix]\nevent-loop = "anyio"\n')
    write("bot.py")
    run("--config", "ci/asyncfix.toml", "bot.py")
    assert Path("bot.py").read_text() == AFTER.replace("asyncio", "anyio")


def test_config_option_errors_name_that_file() -> None:
    write("ci/asyncfix.toml", "[tool.asyncfix]\nnope = 1\n")
    write("bot.py")
    result = run("--config", "ci/asyncfix.toml", "bot.py")
    assert result.exit_code == 2
    assert result.stderr == (
        "asyncfix: error: ci/asyncfix.toml: [tool.asyncfix] has an unknown key 'nope' "
        f"(known: {KEYS})\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("missing.toml", "File 'missing.toml' does not exist.", id="missing"),
        pytest.param(".", "File '.' is a directory.", id="directory"),
    ],
)
def test_config_option_must_be_an_existing_file(value: str, message: str) -> None:
    write("bot.py")
    result = run("--config", value, "bot.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--config': {message}"


# -- what the config sets, and flags winning over it -------------------------------------


def test_config_exclude_replaces_the_defaults() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nexclude = ["gen"]\n')
    for name in ("a.py", "build/b.py", "gen/c.py"):
        write(name)
    assert checked(".") == ["a.py", "build/b.py"]


def test_config_extend_exclude_adds_to_the_defaults() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nextend-exclude = ["gen"]\n')
    for name in ("a.py", "build/b.py", "gen/c.py"):
        write(name)
    assert checked(".") == ["a.py"]


def test_config_exclude_and_extend_exclude_together() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nexclude = ["gen"]\nextend-exclude = ["old"]\n')
    for name in ("a.py", "build/b.py", "gen/c.py", "old/d.py"):
        write(name)
    assert checked(".") == ["a.py", "build/b.py"]


def test_config_patterns_are_relative_to_the_project_root(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("pyproject.toml", '[tool.asyncfix]\nextend-exclude = ["/src/gen"]\n')
    for name in ("src/a.py", "src/gen/b.py", "src/pkg/gen/c.py"):
        write(name)
    monkeypatch.chdir(in_tmp / "src")
    assert checked(".") == ["a.py", "pkg/gen/c.py"]


def test_exclude_flag_wins_over_config_exclude() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nexclude = ["gen"]\n')
    for name in ("a.py", "gen/b.py", "old/c.py"):
        write(name)
    assert checked("--exclude", "old", ".") == ["a.py", "gen/b.py"]


def test_extend_exclude_flag_wins_over_config_extend_exclude() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nextend-exclude = ["gen"]\n')
    for name in ("a.py", "gen/b.py", "old/c.py"):
        write(name)
    assert checked("--extend-exclude", "old", ".") == ["a.py", "gen/b.py"]


def test_config_force_exclude_skips_excluded_explicit_files() -> None:
    write("pyproject.toml", "[tool.asyncfix]\nforce-exclude = true\n")
    write("a.py")
    write("build/b.py")
    assert checked("a.py", "build/b.py") == ["a.py"]


def test_no_force_exclude_flag_wins_over_config_force_exclude() -> None:
    write("pyproject.toml", "[tool.asyncfix]\nforce-exclude = true\n")
    write("build/b.py")
    assert checked("--no-force-exclude", "build/b.py") == ["build/b.py"]


def test_config_respect_gitignore_false_and_the_flag_winning() -> None:
    write("pyproject.toml", "[tool.asyncfix]\nrespect-gitignore = false\n")
    write(".gitignore", "gen/\n")
    write("gen/a.py")
    assert checked(".") == ["gen/a.py"]
    assert checked("--respect-gitignore", ".") == []


def test_config_select_and_ignore() -> None:
    write("left.py", UNFIXABLE)
    write("pyproject.toml", '[tool.asyncfix]\nignore = ["ASYNC251"]\n')
    assert run("left.py").exit_code == 0
    write("pyproject.toml", '[tool.asyncfix]\nselect = ["ASYNC251"]\n')
    assert run("left.py").exit_code == 1


def test_ignore_flag_wins_over_config_select() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nselect = ["ASYNC251"]\n')
    write("bot.py")
    assert checked("--ignore", "ASYNC251", "bot.py") == []


def test_select_flag_wins_over_config_select() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nselect = ["ASYNC2"]\nignore = []\n')
    write("bot.py")
    assert checked("--select", "ASYNC251", "bot.py") == ["bot.py"]


def test_config_event_loop_and_the_flag_winning() -> None:
    write("pyproject.toml", '[tool.asyncfix]\nevent-loop = "trio"\n')
    write("bot.py")
    run("--event-loop", "asyncio", "bot.py")
    assert Path("bot.py").read_text() == AFTER


# -- blocking-calls and target-version ------------------------------------------------

OFFLOADABLE = (
    "import mylib\n\n\nasync def handler(x):\n    a = mylib.fetch(x)\n"
    "    return a, mylib.crunch(a, fast=True)\n"
)
BLOCKING_CALLS = (
    '[tool.asyncfix]\nblocking-calls = { "mylib.fetch" = "use mylib.afetch()", '
    '"mylib.crunch" = { message = "CPU-bound", offload = true } }\n'
)


def test_blocking_calls_are_reported_or_offloaded() -> None:
    write("pyproject.toml", BLOCKING_CALLS)
    write("bot.py", OFFLOADABLE)
    result = run("--no-color", "--diff", "bot.py")
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[2:] == [
        "@@ -1,6 +1,7 @@",
        " import mylib",
        "+import asyncio",
        " ",
        " ",
        " async def handler(x):",
        "     a = mylib.fetch(x)",
        "-    return a, mylib.crunch(a, fast=True)",
        "+    return a, await asyncio.to_thread(mylib.crunch, a, fast=True)",
        "bot.py:5:9: ASYNC200 `mylib.fetch()` blocks the event loop; not fixed: listed in "
        "`blocking-calls`: use mylib.afetch()",
        "bot.py:6:15: ASYNC200 [*] `mylib.crunch()` -> `await asyncio.to_thread(mylib.crunch, ...)`",
    ]


def test_requires_python_before_3_9_gets_run_in_executor() -> None:
    write("pyproject.toml", '[project]\nname = "bot"\nrequires-python = ">=3.8"\n')
    write("bot.py", "import os\n\n\nasync def handler(p):\n    return os.path.exists(p)\n")
    result = run("--no-color", "--diff", "bot.py")
    assert result.stdout.splitlines()[-2:] == [
        "+    return await asyncio.get_running_loop().run_in_executor(None, os.path.exists, p)",
        "bot.py:5:12: ASYNC240 [*] `os.path.exists()` -> "
        "`await asyncio.get_running_loop().run_in_executor(None, os.path.exists, ...)`",
    ]


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        (">=3.8", (3, 8)),
        (">=3.9, <4", (3, 9)),
        ("~=3.10", (3, 10)),
        ("<4", (3, 0)),
        ("!=3.5.*, >=3.7", (3, 7)),
        ("==3.12.*", (3, 12)),
    ],
)
def test_target_version_follows_requires_python(requires: str, expected: tuple[int, int]) -> None:
    write("pyproject.toml", f'[project]\nname = "x"\nrequires-python = "{requires}"\n')
    table = load(Path("pyproject.toml"))
    assert target_version(table["target-version"]) == expected


def test_target_version_in_the_table_wins_over_requires_python() -> None:
    write(
        "pyproject.toml",
        '[project]\nrequires-python = ">=3.7"\n\n[tool.asyncfix]\ntarget-version = "py311"\n',
    )
    assert load(Path("pyproject.toml"))["target-version"] == "py311"


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        pytest.param(
            '[tool.asyncfix]\nblocking-calls = ["mylib.fetch"]\n',
            "[tool.asyncfix] blocking-calls: expected a table like "
            "{\"mylib.fetch\" = \"use mylib.afetch\"}, got ['mylib.fetch']",
            id="not a table",
        ),
        pytest.param(
            '[tool.asyncfix]\nblocking-calls = { fetch = "x" }\n',
            "[tool.asyncfix] blocking-calls: 'fetch' is not a dotted name like 'mylib.fetch'",
            id="not dotted",
        ),
        pytest.param(
            '[tool.asyncfix]\nblocking-calls = { "a.b" = { offload = "yes" } }\n',
            "[tool.asyncfix] blocking-calls: a.b: offload must be true or false",
            id="offload not a bool",
        ),
        pytest.param(
            '[tool.asyncfix]\nblocking-calls = { "a.b" = { msg = "x" } }\n',
            "[tool.asyncfix] blocking-calls: a.b: unknown key 'msg' (known: message, offload)",
            id="unknown key in a call",
        ),
        pytest.param(
            '[tool.asyncfix]\ntarget-version = "3.8"\n',
            "[tool.asyncfix] target-version: expected a version like \"py39\", got '3.8'",
            id="target-version spelled wrong",
        ),
    ],
)
def test_blocking_calls_and_target_version_errors(toml: str, problem: str) -> None:
    write("pyproject.toml", toml)
    write("bot.py")
    result = run("bot.py")
    assert result.exit_code == 2
    assert result.stderr == f"asyncfix: error: {Path('pyproject.toml').resolve()}: {problem}\n"
