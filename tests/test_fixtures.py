"""Every folder ``tests/fixtures/<fixer>/`` is a spec, read by the tests below.

A case ``<case>`` in a fixer's folder is made of:

``<case>.py``
    The input.
``<case>.expected.py``
    The exact expected output.  **A case that must not change has no expected
    file**: its input is its expected output.  (An expected file identical to
    its input is rejected, so that the convention stays single.)
``<case>.findings``
    The calls reported and left alone, one per line as ``LINE:COL: CODE
    message`` (1-based, in the input's coordinates, the exact text of the
    reason).  No file: no findings expected.
``<case>.settings.toml``
    Optional :class:`asyncfix.Settings` fields, e.g. ``event_loop = "trio"``
    or ``select = ["ASYNC251"]``.  No file: the defaults.

For every case: the output is exactly the expected one; the findings are
exactly the listed ones; the staged pipeline (byte and ``ast`` pre-checks)
returns the same result as the full LibCST path; the expected output
compiles (here, and on Python 3.9 and 3.10 when such an interpreter can be
found: one subprocess per version for all cases) and is a fixed point.

Files are read as bytes and decoded as UTF-8, so line endings stay as written.
"""

from __future__ import annotations

import functools
import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from asyncfix import FixResult, Settings, fix_source
from asyncfix.model import BlockingCall

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).parent / "fixtures"
SIDECARS = (".expected.py", ".findings", ".settings.toml")
OLD_PYTHONS = ("3.9", "3.10")


@dataclass(frozen=True)
class Case:
    """One input file and what is expected of it."""

    path: Path

    def sidecar(self, suffix: str) -> Path:
        return self.path.with_name(self.path.stem + suffix)

    @property
    def source(self) -> str:
        return _read(self.path)

    @property
    def expected_path(self) -> Path:
        """Where the expected output is: the input itself for a no-change case."""
        expected = self.sidecar(".expected.py")
        return expected if expected.exists() else self.path

    @property
    def expected(self) -> str:
        return _read(self.expected_path)

    @property
    def findings(self) -> list[str]:
        path = self.sidecar(".findings")
        return _read(path).splitlines() if path.exists() else []

    @property
    def settings(self) -> Settings:
        path = self.sidecar(".settings.toml")
        if not path.exists():
            return Settings()
        fields: dict[str, Any] = tomllib.loads(_read(path))
        calls = tuple(BlockingCall(**call) for call in fields.pop("blocking_calls", ()))
        return Settings(
            **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()},
            blocking_calls=calls,
        )


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _discover() -> list[Case]:
    return [
        Case(path)
        for path in sorted(FIXTURES.glob("*/*.py"))
        if not path.name.endswith(".expected.py")
    ]


CASES = _discover()
PARAMS = [
    pytest.param(case, id=f"{case.path.parent.name}: {case.path.stem.replace('_', ' ')}")
    for case in CASES
]


@functools.lru_cache(maxsize=None)
def _fix(source: str, settings: Settings, staged: bool = True) -> FixResult:
    """fix_source, once per distinct call: several checks look at the same run."""
    return fix_source(source, settings=settings, staged=staged)


def _finding_lines(result: FixResult) -> list[str]:
    return [f"{f.line}:{f.column}: {f.code} {f.message}" for f in result.findings]


# -- the cases --------------------------------------------------------------------


def test_there_are_cases() -> None:
    assert len(CASES) >= 30
    assert {case.path.parent.name for case in CASES} >= {"sleep"}


def test_every_sidecar_belongs_to_a_case() -> None:
    inputs = {case.path for case in CASES}
    orphans = [
        str(path.relative_to(FIXTURES))
        for path in sorted(FIXTURES.glob("*/*"))
        for suffix in SIDECARS
        if path.name.endswith(suffix)
        and path.with_name(path.name[: -len(suffix)] + ".py") not in inputs
    ]
    assert orphans == []


@pytest.mark.parametrize("case", PARAMS)
def test_output(case: Case) -> None:
    expected_file = case.sidecar(".expected.py")
    assert not (expected_file.exists() and case.expected == case.source), (
        f"{expected_file.name} is identical to its input: delete it (no file means no change)"
    )
    result = _fix(case.source, case.settings)
    assert result.error is None
    assert result.source == case.expected
    assert result.changed is (case.expected != case.source)
    assert bool(result.fixes) is result.changed


@pytest.mark.parametrize("case", PARAMS)
def test_findings(case: Case) -> None:
    assert _finding_lines(_fix(case.source, case.settings)) == case.findings


@pytest.mark.parametrize("case", PARAMS)
def test_staged_pipeline_agrees_with_full_run(case: Case) -> None:
    # The cheap stages may only ever say "maybe": never skip a module the
    # LibCST run would change or report on.
    assert _fix(case.source, case.settings, staged=False) == _fix(case.source, case.settings)


@pytest.mark.parametrize("case", PARAMS)
def test_expected_output_compiles(case: Case) -> None:
    compile(case.expected, str(case.expected_path), "exec", dont_inherit=True)


@pytest.mark.parametrize("case", PARAMS)
def test_expected_output_is_a_fixed_point(case: Case) -> None:
    again = _fix(case.expected, case.settings)
    assert again.error is None
    assert again.source == case.expected
    assert again.fixes == ()


@pytest.mark.parametrize("version", OLD_PYTHONS)
@pytest.mark.parametrize("case", PARAMS)
def test_expected_output_compiles_on_old_python(case: Case, version: str) -> None:
    # ``await`` in a nested comprehension compiles on 3.11 but not on 3.9/3.10.
    errors = _old_python_compile_errors(version)
    if errors is None:
        pytest.skip(f"no Python {version} interpreter found")
    assert errors.get(str(case.expected_path)) is None


# -- compiling on older Pythons ---------------------------------------------------

_COMPILE_ALL = """
import json, sys
errors = {}
for path in json.load(sys.stdin):
    with open(path, "rb") as file:
        source = file.read()
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        errors[path] = "line %s: %s" % (error.lineno, error.msg)
print(json.dumps({"version": "%d.%d" % sys.version_info[:2], "errors": errors}))
"""


@functools.lru_cache(maxsize=None)
def _old_python_compile_errors(version: str) -> dict[str, str] | None:
    """Path -> SyntaxError for every expected output, compiled by one ``version``
    process; None when no interpreter for ``version`` is found.

    Looked for in ``$ASYNCFIX_PYTHON3_9`` (for 3.9), then ``python3.9`` on
    PATH, then pyenv's versions folder.
    """
    paths = json.dumps(sorted({str(case.expected_path) for case in CASES}))
    env_name = "ASYNCFIX_PYTHON" + version.replace(".", "_")
    candidates = [os.environ.get(env_name), shutil.which(f"python{version}")]
    pyenv = os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")
    candidates += sorted(glob.glob(pyenv))
    for exe in filter(None, candidates):
        try:
            done = subprocess.run(
                [exe, "-c", _COMPILE_ALL], input=paths, capture_output=True, text=True,
                timeout=60,
            )
            answer = json.loads(done.stdout)
        except (OSError, ValueError, subprocess.SubprocessError):
            continue  # e.g. a pyenv shim for a version that is not active
        if answer.get("version") == version:
            return dict(answer["errors"])
    return None
