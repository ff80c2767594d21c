"""Files as bytes on disk: encodings, line endings, modes, atomic writes; and discovery."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click.testing
import pytest

from asyncfix.engine import DecodeError, decode
from asyncfix.files import (
    DEFAULT_EXCLUDES,
    Discovery,
    find_project_root,
    pattern_error,
    write_atomically,
)
from cli_helpers import AFTER, BEFORE, write
from cli_helpers import run as run_cli

pytestmark = pytest.mark.usefixtures("in_tmp")


def run(*args: str) -> click.testing.Result:
    """The command with one worker: the output order is the same, and faster here."""
    return run_cli("--jobs", "1", *args)

def fixed(path: Path) -> bytes:
    result = run(str(path))
    assert result.exit_code == 1, result.stderr
    return path.read_bytes()


# -- encodings and line endings ----------------------------------------------------


def test_latin1_file_stays_latin1() -> None:
    path = write(
        "old.py",
        b"# -*- coding: latin-1 -*-\nimport time\n\n\nasync def caf\xe9():\n"
        b"    print('d\xe9j\xe0 vu')\n    time.sleep(1)\n",
    )
    assert fixed(path) == (
        b"# -*- coding: latin-1 -*-\nimport asyncio\n\n\nasync def caf\xe9():\n"
        b"    print('d\xe9j\xe0 vu')\n    await asyncio.sleep(1)\n"
    )


def test_utf8_bom_is_kept() -> None:
    path = write("bom.py", b"\xef\xbb\xbf" + BEFORE.encode() + b"# \xc3\xa9\n")
    assert fixed(path) == b"\xef\xbb\xbf" + AFTER.encode() + b"# \xc3\xa9\n"


def test_crlf_is_kept_on_every_line_including_the_added_import() -> None:
    source = "async def handler():\r\n    import time\r\n    time.sleep(1)\r\n"
    path = write("win.py", source)
    data = fixed(path)
    assert data == b"import asyncio\r\n\r\nasync def handler():\r\n    await asyncio.sleep(1)\r\n"
    assert all(line.endswith(b"\r\n") for line in data.splitlines(keepends=True))


def test_crlf_file_with_replaced_import() -> None:
    path = write("win.py", BEFORE.replace("\n", "\r\n"))
    assert fixed(path) == AFTER.replace("\n", "\r\n").encode()


def test_lf_file_stays_lf() -> None:
    path = write("unix.py")
    assert b"\r" not in fixed(path)


def test_mixed_line_endings_each_untouched_line_keeps_its_own() -> None:
    path = write(
        "mixed.py", "import time\r\n\nasync def handler():\n    x = 1\r\n    time.sleep(1)\n"
    )
    assert fixed(path) == (
        b"import asyncio\r\n\nasync def handler():\n    x = 1\r\n    await asyncio.sleep(1)\n"
    )


def test_file_without_trailing_newline_gets_none_added() -> None:
    path = write("tail.py", BEFORE.rstrip("\n"))
    assert fixed(path) == AFTER.rstrip("\n").encode()


def test_diff_of_a_file_without_trailing_newline_says_so() -> None:
    write("tail.py", BEFORE.rstrip("\n"))
    assert run("--diff", "tail.py").stdout.splitlines()[-5:] == [
        "-    time.sleep(1)",
        "\\ No newline at end of file",
        "+    await asyncio.sleep(1)",
        "\\ No newline at end of file",
        "tail.py:5:5: ASYNC251 [*] `time.sleep()` -> `await asyncio.sleep()`",
    ]


def test_decode_follows_pep263_and_keeps_newlines() -> None:
    assert decode(b"# coding: latin-1\r\nx = '\xe9'\r\n") == (
        "# coding: latin-1\r\nx = '\xe9'\r\n",
        "iso-8859-1",
    )
    assert decode(b"\xef\xbb\xbfx = 1\n") == ("x = 1\n", "utf-8-sig")
    assert decode(b"x = 1\n") == ("x = 1\n", "utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"x = '\xff'\n", "not valid utf-8: invalid start byte at byte 5", id="bad utf-8"
        ),
        pytest.param(b"# coding: klingon\n", "unknown encoding: klingon", id="unknown cookie"),
        pytest.param(b"x = 1\ny = 2\x00\n", "line 2: source contains a null byte", id="null byte"),
    ],
)
def test_decode_errors(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as raised:
        decode(data)
    assert str(raised.value) == message


# -- what a write keeps -------------------------------------------------------------


def test_file_mode_is_kept() -> None:
    path = write("tool.py")
    path.chmod(0o755)
    fixed(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o755


def test_write_leaves_no_temporary_files_behind() -> None:
    write("a.py")
    write("b.py", "x = 1\n")
    write("bad.py", "async def f(:\n    time.sleep(1)\n")
    run(".")
    assert sorted(os.listdir(".")) == ["a.py", "b.py", "bad.py"]


def test_write_is_a_rename_not_an_overwrite() -> None:
    # A reader holding the old file keeps seeing the old content: the new
    # content arrived through a new inode renamed over the name.
    path = write("a.py")
    with path.open("rb") as old:
        fixed(path)
        assert old.read() == BEFORE.encode()
    assert path.read_text() == AFTER


def test_failed_write_removes_its_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("a.py")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("a.py")
    assert result.exit_code == 123
    assert result.stderr.splitlines()[0] == "a.py: cannot write: No space left on device"
    assert path.read_text() == BEFORE
    assert os.listdir(".") == ["a.py"]


def test_read_only_file_is_reported_and_left_alone() -> None:
    # Tests may run as root, who can write anything: asyncfix checks the
    # owner's write bit itself.
    path = write("locked.py")
    path.chmod(0o444)
    result = run("locked.py")
    assert result.exit_code == 123
    assert result.stderr == (
        "locked.py: cannot write: the file is read-only\n"
        "1 file could not be processed.\n"
    )
    assert path.read_text() == BEFORE
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_read_only_file_is_fine_for_check_and_diff() -> None:
    path = write("locked.py")
    path.chmod(0o444)
    assert run("--check", "locked.py").exit_code == 1


def test_symlink_is_written_through_and_stays_a_link() -> None:
    target = write("real/bot.py")
    link = Path("bot.py")
    link.symlink_to(target)
    result = run("bot.py")
    assert result.stderr.splitlines()[0] == "fixed bot.py (1)"
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert target.read_text() == AFTER
    assert sorted(os.listdir("real")) == ["bot.py"]


def test_write_atomically_keeps_owner_mode_and_content(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_bytes(b"old")
    path.chmod(0o640)
    before = path.stat()
    write_atomically(path, b"new")
    after = path.stat()
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert after.st_ino != before.st_ino


def test_write_atomically_refuses_a_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_bytes(b"old")
    path.chmod(0o444)
    with pytest.raises(PermissionError) as raised:
        write_atomically(path, b"new")
    assert raised.value.strerror == "the file is read-only"
    assert path.read_bytes() == b"old"


# -- discovery ------------------------------------------------------------------------


def found(*paths: str) -> list[str]:
    """The files discovery yields for ``paths`` with the defaults (no LibCST: fast)."""
    named = [Path(p) for p in paths]
    discovery = Discovery(root=find_project_root(named), exclude=DEFAULT_EXCLUDES)
    return [f.as_posix() for f in discovery.files(named)]


def checked(*args: str) -> list[str]:
    """The files a --check run would fix, in output order."""
    result = run("--check", *args)
    prefix = "would fix "
    return [line[len(prefix) :] for line in result.stderr.splitlines() if line.startswith(prefix)]


def test_directories_are_walked_for_py_files_only_in_sorted_order() -> None:
    for name in (
        "b.py",
        "a.py",
        "pkg/z.py",
        "pkg/a.py",
        "pkg-x/m.py",
        "notes.txt",
        "script",
        "m.pyi",
    ):
        write(name)
    assert checked(".") == ["a.py", "b.py", "pkg-x/m.py", "pkg/a.py", "pkg/z.py"]


def test_order_does_not_depend_on_the_order_of_the_arguments() -> None:
    for name in ("a.py", "b.py", "c/d.py"):
        write(name)
    assert found("c", "b.py", "a.py") == found("a.py", "c", "b.py") == ["a.py", "b.py", "c/d.py"]


def test_a_file_named_twice_is_processed_once() -> None:
    write("a.py")
    assert checked("a.py", "./a.py", ".") == ["a.py"]


def test_an_explicitly_named_file_is_processed_whatever_its_extension() -> None:
    write("script")
    assert checked("script") == ["script"]


@pytest.mark.parametrize(
    "folder", [".venv", "venv", "build", "__pycache__", ".git", "node_modules", ".tox", "dist"]
)
def test_default_excludes(folder: str) -> None:
    write("keep.py")
    write(f"{folder}/skip.py")
    write(f"src/{folder}/skip.py")
    assert found(".") == ["keep.py"]


def test_gitignore_at_the_root() -> None:
    write(".gitignore", "generated/\n*_pb2.py\n")
    for name in ("a.py", "generated/x.py", "api_pb2.py", "sub/api_pb2.py"):
        write(name)
    assert found(".") == ["a.py"]


def test_nested_gitignore_with_negation() -> None:
    write("pkg/.gitignore", "*.py\n!keep.py\n")
    for name in (
        "top.py",
        "pkg/drop.py",
        "pkg/keep.py",
        "pkg/deeper/drop.py",
        "pkg/deeper/keep.py",
    ):
        write(name)
    assert found(".") == ["pkg/deeper/keep.py", "pkg/keep.py", "top.py"]


def test_nested_gitignore_is_relative_to_its_own_folder() -> None:
    write("pkg/.gitignore", "/gen.py\n")
    for name in ("gen.py", "pkg/gen.py", "pkg/sub/gen.py"):
        write(name)
    assert found(".") == ["gen.py", "pkg/sub/gen.py"]


def test_no_respect_gitignore() -> None:
    write(".gitignore", "generated/\n")
    write("generated/x.py")
    assert checked("--no-respect-gitignore", ".") == ["generated/x.py"]


def test_gitignore_with_an_invalid_line_skips_that_line_like_git() -> None:
    write(".gitignore", "!\nbroken\\\ngenerated/\n")
    write("a.py")
    write("generated/x.py")
    result = run("--check", ".")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert checked(".") == ["a.py"]


def test_gitignore_with_a_non_utf8_byte_still_applies() -> None:
    write(".gitignore", b"# caf\xe9\ngenerated/\n")
    write("a.py")
    write("generated/x.py")
    assert found(".") == ["a.py"]


def test_gitignore_above_the_project_root_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(".gitignore", "*.py\n")
    write("project/pyproject.toml", "")
    write("project/a.py")
    monkeypatch.chdir(tmp_path / "project")
    assert found(".") == ["a.py"]


def test_exclude_replaces_the_defaults() -> None:
    write("a.py")
    write("build/b.py")
    write("gen/c.py")
    assert checked("--exclude", "gen", ".") == ["a.py", "build/b.py"]


def test_exclude_comma_separated_and_repeated() -> None:
    for name in ("a.py", "x/b.py", "y/c.py", "z/d.py"):
        write(name)
    assert checked("--exclude", "x,y", "--exclude", "z", ".") == ["a.py"]


def test_extend_exclude_adds_to_the_defaults() -> None:
    write("a.py")
    write("build/b.py")
    write("gen/c.py")
    write("pkg/gen/d.py")
    assert checked("--extend-exclude", "gen", ".") == ["a.py"]


def test_exclude_patterns_are_gitignore_style_and_anchor_at_the_root() -> None:
    write("gen/a.py")
    write("pkg/gen/b.py")
    write("pkg/test_c.py")
    assert checked("--extend-exclude", "/gen,test_*.py", ".") == ["pkg/gen/b.py"]


def test_explicit_file_is_processed_even_if_excluded() -> None:
    write("build/b.py")
    write("generated/x.py")
    write(".gitignore", "generated/\n")
    assert checked("build/b.py", "generated/x.py") == ["build/b.py", "generated/x.py"]


def test_force_exclude_applies_excludes_and_gitignore_to_explicit_files() -> None:
    write("a.py")
    write("build/b.py")
    write("generated/x.py")
    write(".gitignore", "generated/\n")
    result = run("-v", "--check", "--force-exclude", "a.py", "build/b.py", "generated/x.py")
    assert result.stderr.splitlines() == [
        "skipped build/b.py (excluded)",
        "skipped generated/x.py (in .gitignore)",
        "would fix a.py",
        "Would fix 1 call in 1 file.",
    ]


def test_force_exclude_with_every_file_excluded_exits_0_for_pre_commit() -> None:
    write("build/b.py")
    result = run("--force-exclude", "build/b.py")
    assert result.exit_code == 0
    assert Path("build/b.py").read_text() == BEFORE


def test_symlink_out_of_the_project_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("outside/x.py")
    write("project/pyproject.toml", "")
    write("project/a.py")
    Path("project/link.py").symlink_to(tmp_path / "outside/x.py")
    monkeypatch.chdir(tmp_path / "project")
    assert found(".") == ["a.py"]
    assert (tmp_path / "outside/x.py").read_text() == BEFORE


def test_excluded_folder_named_from_inside_it_is_walked() -> None:
    # Patterns are relative to the project root: from inside build/ as the
    # current (project-less) directory, nothing is called build.
    write("build/a.py")
    os.chdir("build")
    assert found(".") == ["a.py"]


def test_project_root_without_markers_is_the_current_directory(in_tmp: Path) -> None:
    write("build/a.py")
    assert find_project_root([Path("build")]) == in_tmp.resolve()
    assert checked("build") == []


def test_project_root_is_the_nearest_folder_with_a_marker(in_tmp: Path) -> None:
    write("repo/pyproject.toml", "")
    write("repo/src/a.py")
    assert find_project_root([Path("repo/src/a.py")]) == (in_tmp / "repo").resolve()


def test_discovery_reports_why_a_path_is_skipped(in_tmp: Path) -> None:
    write(".gitignore", "gen/\n")
    discovery = Discovery(root=in_tmp.resolve(), exclude=["build"])
    assert discovery.exclusion(Path("build"), is_dir=True) == "excluded"
    assert discovery.exclusion(Path("gen"), is_dir=True) == "in .gitignore"
    assert discovery.exclusion(Path("gen"), is_dir=False) is None
    assert discovery.exclusion(Path("src"), is_dir=True) is None


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        pytest.param("build", None, id="plain"),
        pytest.param("/gen/**/*.py", None, id="globs"),
        pytest.param("!keep.py", None, id="negation"),
        pytest.param("!", "invalid pattern '!': pattern normalized to nothing", id="lone bang"),
        pytest.param(
            "gen\\",
            "invalid pattern 'gen\\\\': escape character found with no next character to escape",
            id="trailing backslash",
        ),
    ],
)
def test_pattern_error(pattern: str, problem: str | None) -> None:
    assert pattern_error(pattern) == problem


@pytest.mark.parametrize("start", [".", "pkg", "linked"])
def test_plain_name_excludes_walk_as_the_full_patterns_do(start: str) -> None:
    # Plain-name patterns (the defaults) are tested on entry names during a
    # walk; any other pattern makes every path go through pathspec.  Both must
    # find and skip the same paths, .gitignore files at every level included.
    write("pyproject.toml", "")
    write(".gitignore", "generated/\n*_pb2.py\n")
    for name in (
        "a.py", "pkg/b.py", "pkg/build/c.py", "pkg/venv/d.py", "pkg/x_pb2.py",
        "pkg/generated/e.py", "pkg/sub/.gitignore", "pkg/sub/f.py", "pkg/sub/g.py",
        "pkg/notes.txt", "node_modules/h.py", "pkg/deep/er/build.py",
    ):
        write(name, "" if name.endswith(".gitignore") else BEFORE)
    Path("pkg/sub/.gitignore").write_text("g.py\n")
    Path("linked").symlink_to(Path("pkg").resolve(), target_is_directory=True)
    root = find_project_root([Path(start)])
    fast = Discovery(root=root, exclude=DEFAULT_EXCLUDES)
    full = Discovery(root=root, exclude=[*DEFAULT_EXCLUDES, "nothing/*.zzz"])
    assert fast._plain_names is not None and full._plain_names is None
    fast_files = [f.as_posix() for f in fast.files([Path(start)])]
    assert fast_files == [f.as_posix() for f in full.files([Path(start)])]
    assert fast.skipped == full.skipped
    expected = {
        ".": ["a.py", "pkg/b.py", "pkg/deep/er/build.py", "pkg/sub/f.py"],
        "pkg": ["pkg/b.py", "pkg/deep/er/build.py", "pkg/sub/f.py"],
        "linked": ["linked/b.py", "linked/deep/er/build.py", "linked/sub/f.py"],
    }
    assert fast_files == expected[start]


def test_a_walk_from_a_symlink_into_an_excluded_folder_is_excluded() -> None:
    write("pyproject.toml", "")
    write("build/pkg/a.py")
    Path("link").symlink_to(Path("build/pkg").resolve(), target_is_directory=True)
    assert found("link") == []


def test_the_file_system_root_as_project_root_does_not_loop(tmp_path: Path) -> None:
    write("np/a.py")
    discovery = Discovery(root=Path("/"), exclude=DEFAULT_EXCLUDES)
    assert [f.name for f in discovery.files([tmp_path / "np"])] == ["a.py"]
