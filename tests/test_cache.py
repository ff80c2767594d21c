"""The cache: what is stored, when it is replayed, and that it can never break a run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click.testing
import pytest

import asyncfix.runner
from asyncfix import __version__
from asyncfix.cache import (
    CACHEDIR_TAG,
    MAX_AGE,
    Cache,
    Cached,
    cache_dir,
    digest,
    settings_key,
)
from asyncfix.model import Finding, Fix, Settings
from cli_helpers import AFTER, BEFORE, UNFIXABLE, write
from cli_helpers import run as run_cli

pytestmark = pytest.mark.usefixtures("in_tmp")

CLEAN = "def add(a, b):\n    return a + b\n"
# Passes the byte stage (async, sleep, import time) yet has nothing to fix.
CLEAN_ASYNC = "import time\n\n\nasync def handler():\n    return time.time()\n"


@pytest.fixture(autouse=True)
def default_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests use the cache where users have it: .asyncfix_cache/ at the project root."""
    monkeypatch.delenv("ASYNCFIX_CACHE_DIR", raising=False)


def run(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    """One worker: the runs happen in this process, where the monkeypatches apply."""
    return run_cli("--jobs", "1", *args, env=env)


def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, any file that is not replayed from the cache fails the test."""

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a file was processed that the cache should have replayed")

    monkeypatch.setattr(asyncfix.runner, "rules_for_bytes", refuse)
    monkeypatch.setattr(asyncfix.runner, "_fix_with_output", refuse)


def entries(root: Path = Path(".")) -> dict[str, dict[str, object]]:
    """The entries of the one cache file under ``root``/.asyncfix_cache."""
    (path,) = (root / ".asyncfix_cache" / __version__).glob("*.json")
    files: dict[str, dict[str, object]] = json.loads(path.read_text())["files"]
    return files


def same_output(first: click.testing.Result, second: click.testing.Result) -> None:
    assert (second.exit_code, second.stdout, second.stderr) == (
        first.exit_code,
        first.stdout,
        first.stderr,
    )


# -- the folder -------------------------------------------------------------------


def test_first_run_creates_the_folder_at_the_project_root_ignored_by_git(in_tmp: Path) -> None:
    Path("pyproject.toml").write_text("")
    write("src/pkg/a.py", CLEAN)
    os.chdir("src")
    assert run("pkg").exit_code == 0
    folder = in_tmp / ".asyncfix_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert CACHEDIR_TAG.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert list(entries(in_tmp)) == [str(in_tmp / "src/pkg/a.py")]
    assert not Path(".asyncfix_cache").exists()  # not in the current folder


def test_the_cache_folder_is_never_walked_as_code() -> None:
    write("a.py", CLEAN)
    run(".")
    result = run("-v", ".")
    assert "skipped .asyncfix_cache (excluded)" in result.stderr


def test_environment_variable_moves_the_cache(
    in_tmp: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "cache"
    monkeypatch.setenv("ASYNCFIX_CACHE_DIR", str(elsewhere))
    assert cache_dir(in_tmp) == elsewhere
    write("a.py", CLEAN)
    assert run(".").exit_code == 0
    assert os.listdir(".") == ["a.py"]
    assert (elsewhere / "CACHEDIR.TAG").is_file()
    (path,) = (elsewhere / __version__).glob("*.json")
    assert list(json.loads(path.read_text())["files"]) == [str(in_tmp / "a.py")]


def test_no_cache_neither_reads_nor_writes() -> None:
    write("a.py", CLEAN)
    run(".")
    os.utime(".asyncfix_cache", None)
    before = {p: p.read_bytes() for p in Path(".asyncfix_cache").rglob("*") if p.is_file()}
    write("b.py", CLEAN)
    calls: list[object] = []
    original = asyncfix.runner.rules_for_bytes

    def counting(*args: object) -> object:
        calls.append(args)
        return original(*args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asyncfix.runner, "rules_for_bytes", counting)
        assert run("--no-cache", ".").exit_code == 0
    assert len(calls) == 2  # a.py was not replayed
    after = {p: p.read_bytes() for p in Path(".asyncfix_cache").rglob("*") if p.is_file()}
    assert after == before  # b.py was not stored


def test_no_cache_creates_no_folder() -> None:
    write("a.py", CLEAN)
    assert run("--no-cache", ".").exit_code == 0
    assert os.listdir(".") == ["a.py"]


def test_standard_input_is_not_cached() -> None:
    result = run_cli("-", input=BEFORE.encode())
    assert result.stdout == AFTER
    assert not Path(".asyncfix_cache").exists()


# -- what is replayed -------------------------------------------------------------


@pytest.mark.parametrize("text", [CLEAN, CLEAN_ASYNC], ids=["byte stage", "ast stage"])
def test_an_unchanged_clean_file_is_not_processed_again(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("a.py", text)
    first = run(".")
    assert first.exit_code == 0
    no_work(monkeypatch)
    same_output(first, run("."))


def test_findings_are_replayed_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", UNFIXABLE)
    write("b.py", UNFIXABLE.replace("handler", "other") + "\n\nasync def h():\n    time.sleep(2)  # noqa\n")
    first = run(".")
    assert first.exit_code == 1
    assert first.stdout.count("ASYNC251") == 2
    (stored,) = entries()[os.path.abspath("a.py")]["findings"]  # type: ignore[misc]
    assert stored["code"] == "ASYNC251" and stored["line"] == 5
    no_work(monkeypatch)
    same_output(first, run("."))
    same_output(run_cli("--jobs", "1", "--check", "."), run("--check", "."))


def test_a_file_that_would_change_is_replayed_for_check_and_diff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write("a.py", BEFORE)
    check = run("--check", ".")
    diff = run("--diff", ".")
    assert check.exit_code == diff.exit_code == 1
    assert "+    await asyncio.sleep(1)" in diff.stdout
    no_work(monkeypatch)
    same_output(check, run("--check", "."))
    same_output(diff, run("--diff", "."))
    assert Path("a.py").read_text() == BEFORE


def test_a_file_that_would_change_is_never_stored_as_clean() -> None:
    write("a.py", BEFORE)
    run("--check", ".")
    (entry,) = entries().values()
    assert entry["output"] and entry["fixes"]
    # An in-place run fixes it for real: the cache never writes a file.
    fixed = run(".")
    assert fixed.exit_code == 1
    assert fixed.stderr.splitlines()[0] == "fixed a.py (1)"
    assert Path("a.py").read_text() == AFTER


def test_a_written_file_is_not_stored_and_the_next_run_checks_the_new_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write("a.py", BEFORE)
    assert run(".").exit_code == 1
    assert list(Path(".asyncfix_cache").rglob("*.json")) == []  # nothing to store
    second = run(".")
    assert second.exit_code == 0
    (entry,) = entries().values()
    assert entry["hash"] == digest(AFTER.encode())
    assert "output" not in entry


def test_a_file_with_an_error_is_not_stored() -> None:
    write("bad.py", "import time\n\n\nasync def f(:\n    time.sleep(1)\n")
    write("ok.py", CLEAN)
    first = run(".")
    assert first.exit_code == 123
    assert list(entries()) == [os.path.abspath("ok.py")]
    same_output(first, run("."))


def test_changed_content_is_seen_even_with_the_same_size_and_mtime() -> None:
    path = write("a.py", BEFORE.replace("time.sleep(1)", "time.ctime(1)"))  # clean, same size
    assert len(path.read_bytes()) == len(BEFORE.encode())
    assert run("--check", ".").exit_code == 0
    stat = path.stat()
    path.write_text(BEFORE)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    result = run("--check", ".")
    assert result.exit_code == 1
    assert "would fix a.py" in result.stderr


def test_other_settings_use_another_cache_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", BEFORE)
    assert run("--check", "--select", "ASYNC210", ".").exit_code == 0
    assert run("--check", ".").exit_code == 1
    assert len(list(Path(".asyncfix_cache", __version__).glob("*.json"))) == 2
    assert settings_key(Settings()) != settings_key(Settings(select=("ASYNC210",)))
    assert settings_key(Settings()) == settings_key(Settings())


def test_the_same_content_under_another_path_is_processed(monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", BEFORE)
    run("--check", ".")
    write("b.py", BEFORE)
    result = run("--check", ".")
    assert result.stderr.splitlines()[:2] == ["would fix a.py", "would fix b.py"]
    assert sorted(entries()) == [os.path.abspath("a.py"), os.path.abspath("b.py")]


# -- never fatal ------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [b"", b"{not json", b"\xff\xfe", b"[1, 2]", b'{"files": 3}', b'{"files": {"x": 1}}'],
    ids=["empty", "not json", "not utf-8", "a list", "files not a table", "entry not a table"],
)
def test_a_corrupt_cache_file_is_ignored_and_rewritten(garbage: bytes) -> None:
    write("a.py", UNFIXABLE)
    first = run(".")
    (path,) = Path(".asyncfix_cache", __version__).glob("*.json")
    path.write_bytes(garbage)
    second = run(".")
    same_output(first, second)
    assert list(entries()) == [os.path.abspath("a.py")]


@pytest.mark.parametrize(
    "entry",
    [
        {"hash": "X", "seen": "yesterday", "findings": []},
        {"hash": "X", "findings": [{"line": 1, "colour": 2}]},
        {"hash": "X", "findings": 5},
        {"hash": "X", "findings": [], "fixes": [], "output": "not base64!"},
        {"hash": "X", "findings": [], "fixes": [], "output": "bm90IHpsaWI="},
        {"hash": "X"},
    ],
    ids=["bad seen", "unknown field", "findings not a list", "bad base64", "not zlib", "no findings"],
)
def test_a_corrupt_entry_is_a_miss(entry: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", BEFORE)
    first = run("--check", ".")
    (path,) = Path(".asyncfix_cache", __version__).glob("*.json")
    entry = {**entry, "hash": digest(BEFORE.encode())}
    path.write_text(json.dumps({"files": {os.path.abspath("a.py"): entry}}))
    same_output(first, run("--check", "."))
    assert "output" in entries()[os.path.abspath("a.py")]  # replaced by a good one


def test_a_cache_that_cannot_be_written_is_a_run_without_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # A path below a regular file can never be created, even by root.
    Path("blocker").write_text("")
    write("a.py", UNFIXABLE)
    env = {"ASYNCFIX_CACHE_DIR": "blocker/cache"}
    first = run(".", env=env)
    assert first.exit_code == 1
    assert first.stdout.count("ASYNC251") == 1
    verbose = run("-v", ".", env=env)
    assert verbose.exit_code == 1
    assert "cache: cannot write blocker/cache/" in verbose.stderr
    assert sorted(os.listdir(".")) == ["a.py", "blocker"]


def test_a_failing_rename_leaves_no_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", CLEAN)

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("-v", ".")
    assert result.exit_code == 0
    assert "cache: cannot write " in result.stderr
    assert "No space left on device" in result.stderr
    leftovers = [p.name for p in Path(".asyncfix_cache").rglob("*") if p.is_file()]
    assert leftovers == []


# -- the Cache class --------------------------------------------------------------


def test_put_and_get_round_trip(in_tmp: Path) -> None:
    finding = Finding(3, 4, "ASYNC251", "message", end_line=3, end_column=17)
    fix = Fix(5, 4, "ASYNC251", "fixed", end_line=5, end_column=17)
    cache = Cache.open(in_tmp / "c", Settings())
    cache.put("a.py", "h1", Cached((finding,)))
    cache.put("b.py", "h2", Cached((), (fix,), b"new \xff bytes"))
    cache.save()
    again = Cache.open(in_tmp / "c", Settings())
    assert again.get("a.py", "h1") == Cached((finding,))
    assert again.get("b.py", "h2") == Cached((), (fix,), b"new \xff bytes")
    assert again.get("a.py", "h2") is None  # other content
    assert again.get("c.py", "h1") is None  # other file
    assert Cache.open(in_tmp / "c", Settings(event_loop="trio")).get("a.py", "h1") is None


def test_save_keeps_what_another_run_saved_meanwhile(in_tmp: Path) -> None:
    one = Cache.open(in_tmp, Settings())
    two = Cache.open(in_tmp, Settings())
    one.put("a.py", "h1", Cached())
    two.put("b.py", "h2", Cached())
    one.save()
    two.save()
    three = Cache.open(in_tmp, Settings())
    assert three.get("a.py", "h1") == Cached()
    assert three.get("b.py", "h2") == Cached()


def test_entries_no_run_used_for_a_month_are_dropped(in_tmp: Path) -> None:
    cache = Cache.open(in_tmp, Settings())
    cache.put("old.py", "h", Cached())
    cache.put("new.py", "h", Cached())
    cache.entries[os.path.abspath("old.py")]["seen"] -= MAX_AGE + 1
    cache.save()
    assert sorted(Cache.open(in_tmp, Settings()).entries) == [os.path.abspath("new.py")]


def test_a_run_that_only_hits_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", CLEAN)
    run(".")
    (path,) = Path(".asyncfix_cache", __version__).glob("*.json")
    os.utime(path, ns=(0, 0))
    run(".")
    assert path.stat().st_mtime_ns == 0


def test_worker_processes_store_and_replay_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(4):
        write(f"fix{n}.py", BEFORE)
        write(f"left{n}.py", UNFIXABLE)
        write(f"clean{n}.py", CLEAN_ASYNC)
    first = run_cli("--jobs", "2", "--diff", ".")
    assert first.exit_code == 1
    assert len(entries()) == 12
    assert sum("output" in entry for entry in entries().values()) == 4
    no_work(monkeypatch)
    same_output(first, run("--diff", "."))
