"""Shared pytest setup."""

from pathlib import Path

import pytest

# The fixture inputs and expected outputs are data, not tests: never collect
# or import them, whatever their names.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test in its own empty directory (the CLI, config and file tests)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


@pytest.fixture(autouse=True)
def cache_elsewhere(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's runs share a cache outside the folder they work in.

    Tests that list a folder then see their own files only; the cache tests
    (tests/test_cache.py) remove the variable to use the default place.
    """
    directory = tmp_path_factory.mktemp("asyncfix-cache")
    monkeypatch.setenv("ASYNCFIX_CACHE_DIR", str(directory))
    return directory


# Tests that time the event loop (a heartbeat beside the code) or start
# processes of their own run one after another on a single xdist worker, so
# that two of them never compete for the machine's cores at the same time.
SERIAL = ("behaviour/", "test_faults.py", "test_precommit.py", "test_benchmark_smoke.py")


# The differential test reads the fixture results test_fixtures.py caches
# (each fixture runs through LibCST once per worker): same worker.
FIXTURE_RUNS = ("test_fixtures.py", "test_differential.py")


# tryfirst: xdist's own hook turns the markers into node id suffixes (`@serial`),
# which is how --dist loadgroup sees them; it must run after this one.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.as_posix()
        if any(f"tests/{part}" in path for part in SERIAL):
            item.add_marker(pytest.mark.xdist_group("serial"))
        elif any(path.endswith(f"tests/{name}") for name in FIXTURE_RUNS):
            item.add_marker(pytest.mark.xdist_group("fixtures"))
