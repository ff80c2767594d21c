"""asyncfix against ruff: every ASYNC2xx call ruff finds, asyncfix finds too.

ruff's flake8-async rules (``ruff check --select ASYNC2``) and asyncfix use the
same codes.  The inputs are the files of ``tests/differential/`` (written for
this test: every blocking call ruff knows, in async contexts of every kind and
in sync ones, under aliases) and every input of ``tests/fixtures/``.  ruff
runs once, over all of them, with ``--isolated`` so that no configuration of
the repository or of the developer changes what it reports.

* ``test_asyncfix_finds_what_ruff_finds``: for each file and each (line,
  code), asyncfix has at least as many fixes plus findings as ruff has
  findings, except the few in ``RUFF_ONLY`` (ruff false positives, and a
  ``# noqa`` asyncfix reads where ruff does not), each with the reason.  A
  fixture's ``.settings.toml`` is honoured as ``tests/test_fixtures.py`` does;
  ruff findings for codes those settings turn off are not expected of asyncfix.
* ``test_asyncfix_finds_more_only_where_listed``: on the corpus, whatever
  asyncfix finds that ruff does not is exactly ``FINDS_MORE`` below, each
  entry with the reason.  The list belongs to the ruff version pinned by the
  test extras; a newer ruff that learns a call shows up as a stale entry.
"""

from __future__ import annotations

import ast
import functools
import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from asyncfix import FixResult, Settings
from asyncfix.rules import enabled_codes
from test_fixtures import Case, _fix

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "differential"
FIXTURES = ROOT / "tests" / "fixtures"
RUFF_ARGS = ("check", "--isolated", "--select", "ASYNC2", "--output-format", "json", "--no-cache")

# (path, line, code): where a call was found, and by which code.
Key = tuple[str, int, str]

# ruff findings asyncfix leaves out on purpose, "path:line:code": why.  Each
# must still be a miss: an entry asyncfix now finds is reported as stale.
RUFF_ONLY: dict[str, str] = {
    # `# noqa: ASYNC210` on the closing line of a multi-line call: asyncfix
    # honours a noqa on any line of the call (the fixture's "silenced on last
    # line" case); ruff only one on the line where the call starts.
    "tests/fixtures/requests/noqa_lines_untouched.py:15:ASYNC210":
        "noqa on the last line of the call",
    "tests/fixtures/sleep/noqa.py:11:ASYNC251": "noqa on the last line of the call",
    # `delay: time.sleep(1) = 1` in a function: a local variable annotation
    # is never evaluated (PEP 526), so nothing blocks; ruff flags it anyway.
    "tests/fixtures/sleep/local_variable_annotation_untouched.py:9:ASYNC251":
        "local annotations never run",
    # os.path.normpath only rewrites the string (no getcwd, no stat); ruff
    # flags every os.path function outside its own list of pure ones.
    "tests/differential/files_and_paths.py:40:ASYNC240": "os.path.normpath is pure",
    "tests/fixtures/blocking/os_path_pure_functions_untouched.py:8:ASYNC240":
        "os.path.normpath is pure",
}

# What asyncfix finds in the corpus that ruff does not, "path:line:code": why.
BEYOND = "tests/differential/beyond_ruff.py"
FINDS_MORE: dict[str, str] = {
    # ASYNC200: modules ruff has no rule for
    f"{BEYOND}:16:ASYNC200": "shutil.copy",
    f"{BEYOND}:17:ASYNC200": "shutil.copytree",
    f"{BEYOND}:18:ASYNC200": "shutil.move",
    f"{BEYOND}:19:ASYNC200": "shutil.rmtree",
    f"{BEYOND}:20:ASYNC200": "shutil.disk_usage",
    f"{BEYOND}:24:ASYNC200": "socket.gethostbyname: a DNS lookup",
    f"{BEYOND}:25:ASYNC200": "socket.getaddrinfo: a DNS lookup",
    f"{BEYOND}:26:ASYNC200": "socket.create_connection: a lookup and a connect",
    # files: ruff's ASYNC230 knows open/io.open/io.open_code and Path(...).open only
    f"{BEYOND}:30:ASYNC230": "codecs.open opens a file as open does",
    f"{BEYOND}:31:ASYNC231": "os.fdopen: flake8-async's ASYNC231, not in ruff",
    f"{BEYOND}:32:ASYNC230": "PosixPath(...).open(): ruff's ASYNC230 knows pathlib.Path only",
    # ruff checks methods on a Path *instance*; these are called on the class
    f"{BEYOND}:36:ASYNC240": "Path.cwd() calls os.getcwd()",
    f"{BEYOND}:37:ASYNC240": "Path.home() reads the environment and the password database",
    # http: ruff's ASYNC210 list has no `stream`; ASYNC212 needs a named client
    f"{BEYOND}:41:ASYNC210": "httpx.stream() sends the request",
    f"{BEYOND}:42:ASYNC212": "httpx.Client().get(): a client made and used in one expression",
    f"{BEYOND}:44:ASYNC212": "urllib3.PoolManager().request(): ruff's ASYNC212 is httpx only",
}


@dataclass(frozen=True)
class RuffFinding:
    path: str  # relative to the repository, with forward slashes
    line: int
    column: int
    code: str
    message: str

    @property
    def key(self) -> Key:
        return (self.path, self.line, self.code)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column} {self.code} {self.message}"


def _corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.py"))


def _fixture_inputs() -> list[Path]:
    return [p for p in sorted(FIXTURES.glob("*/*.py")) if not p.name.endswith(".expected.py")]


def _relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def _ruff_command() -> list[str]:
    """ruff next to this Python, else on PATH, else ``python -m ruff``."""
    sibling = Path(sys.executable).parent / "ruff"
    if sibling.exists():
        return [str(sibling)]
    on_path = shutil.which("ruff")
    return [on_path] if on_path else [sys.executable, "-m", "ruff"]


@functools.lru_cache(maxsize=None)
def _ruff() -> tuple[RuffFinding, ...]:
    """ruff's ASYNC2xx findings on the corpus and the fixture inputs: one run."""
    paths = [str(p) for p in (*_corpus(), *_fixture_inputs())]
    try:
        done = subprocess.run(
            [*_ruff_command(), *RUFF_ARGS, *paths],
            capture_output=True, text=True, cwd=ROOT, timeout=120,
        )
    except OSError as error:  # pragma: no cover
        pytest.fail(f"cannot run ruff (a test dependency: pip install -e '.[test]'): {error}")
    # 0: nothing found, 1: findings; anything else is ruff failing.
    assert done.returncode in (0, 1), f"ruff exited {done.returncode}:\n{done.stderr}"
    return tuple(
        RuffFinding(
            path=_relative(Path(item["filename"])),
            line=item["location"]["row"],
            column=item["location"]["column"],
            code=item["code"],
            message=item["message"],
        )
        for item in json.loads(done.stdout)
    )


@functools.lru_cache(maxsize=None)
def _ruff_async2_codes() -> frozenset[str]:
    """The ASYNC2xx codes this ruff has outside preview (the run is not --preview)."""
    done = subprocess.run(
        [*_ruff_command(), "rule", "--all", "--output-format", "json"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return frozenset(
        rule["code"]
        for rule in json.loads(done.stdout)
        if (rule["code"] or "").startswith("ASYNC2") and not rule.get("preview")
    )


def _settings(path: Path) -> Settings:
    return Case(path).settings if path.is_relative_to(FIXTURES) else Settings()


def _asyncfix(path: Path) -> FixResult:
    # tests/test_fixtures.py's cached run: in a whole-suite run each fixture
    # goes through asyncfix once for both modules.
    return _fix(path.read_bytes().decode("utf-8"), _settings(path))


def _asyncfix_keys(paths: list[Path]) -> Counter[Key]:
    """(path, line, code) of every fix and finding, as many times as it occurs."""
    keys: Counter[Key] = Counter()
    for path in paths:
        result = _asyncfix(path)
        assert result.error is None, f"{_relative(path)}: {result.error}"
        keys.update((_relative(path), f.line, f.code) for f in (*result.fixes, *result.findings))
    return keys


def _expected_of_asyncfix(finding: RuffFinding) -> bool:
    """False for a code the fixture's settings turn off."""
    return finding.code in enabled_codes(_settings(ROOT / finding.path))


def _entry(key: Key) -> str:
    path, line, code = key
    return f"{path}:{line}:{code}"


def _in_corpus(finding: RuffFinding) -> bool:
    return (ROOT / finding.path).is_relative_to(CORPUS)


# -- the checks --------------------------------------------------------------------


def test_ruff_ran_on_a_corpus_worth_comparing() -> None:
    corpus = [f for f in _ruff() if _in_corpus(f)]
    per_code = Counter(f.code for f in corpus)
    assert len(_corpus()) >= 5
    assert len(corpus) >= 250, per_code
    # every ASYNC2xx rule this ruff has fires somewhere in the corpus
    assert _ruff_async2_codes() - set(per_code) == set(), per_code
    assert any(not _in_corpus(f) for f in _ruff()), "ruff found nothing in the fixtures"


def test_corpus_is_python_3_9() -> None:
    for path in _corpus():
        ast.parse(path.read_text("utf-8"), str(path), feature_version=(3, 9))


def test_asyncfix_finds_what_ruff_finds() -> None:
    left = _asyncfix_keys([*_corpus(), *_fixture_inputs()])
    expected = [f for f in _ruff() if f.code.startswith("ASYNC2") and _expected_of_asyncfix(f)]
    assert len(expected) >= 250, "ruff found too little to compare"
    misses: list[str] = []
    on_purpose: set[str] = set()
    for finding in sorted(expected, key=lambda f: (f.path, f.line, f.column)):
        if left[finding.key] > 0:
            left[finding.key] -= 1
        elif _entry(finding.key) in RUFF_ONLY:
            on_purpose.add(_entry(finding.key))
        else:
            misses.append(f"{finding}\n    {_source_line(finding.key)}")
    _fail_if(
        (f"{len(misses)} ruff findings asyncfix misses", misses),
        ("in RUFF_ONLY, but asyncfix finds it now or ruff no longer does",
         sorted(set(RUFF_ONLY) - on_purpose)),
    )


def test_asyncfix_finds_more_only_where_listed() -> None:
    ruff = Counter(f.key for f in _ruff() if _in_corpus(f))
    more = _asyncfix_keys(_corpus()) - ruff
    found = {_entry(key) for key in more}
    _fail_if(
        ("asyncfix finds more than ruff, not in FINDS_MORE",
         [f"{_entry(key)}\n    {_source_line(key)}" for key in sorted(more)
          if _entry(key) not in FINDS_MORE]),
        ("in FINDS_MORE, but ruff finds it too or asyncfix no longer does",
         sorted(set(FINDS_MORE) - found)),
    )


def _source_line(key: Key) -> str:
    path, line, _ = key
    return (ROOT / path).read_text("utf-8").splitlines()[line - 1].strip()


def _fail_if(*sections: tuple[str, list[str]]) -> None:
    """Fail with every non-empty section as a readable list."""
    text = "\n\n".join(f"{title}:\n" + "\n".join(items) for title, items in sections if items)
    if text:
        pytest.fail(text, pytrace=False)
