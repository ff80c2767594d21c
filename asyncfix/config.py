"""``[tool.asyncfix]`` in pyproject.toml, read and checked."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from .files import pattern_error
from .rules import select_rules
from .model import EVENT_LOOPS, BlockingCall, Settings
from .report import OUTPUT_FORMATS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9 and 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A config file that cannot be used; the message says what to change."""


_PATTERNS = ("exclude", "extend-exclude")
_CODES = ("select", "ignore")
_LISTS = ("exclude", "extend-exclude", "select", "ignore")
_BOOLS = ("force-exclude", "respect-gitignore")
KEYS = (
    *_LISTS, *_BOOLS, "event-loop", "output-format", "blocking-calls", "target-version"
)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(path: Path) -> dict[str, Any]:
    """The validated ``[tool.asyncfix]`` table of ``path`` (empty when absent).

    Raises ConfigError for unreadable TOML, an unknown key or a bad value.
    """
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        # tomllib decodes the whole file first; TOML must be UTF-8.
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):  # `tool = 3` is valid TOML
        raise ConfigError(f"{path}: [tool] must be a table")
    table = tool.get("asyncfix", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.asyncfix] must be a table")
    for key, value in table.items():
        _check(path, key, value)
    if "target-version" not in table:
        # Like ruff: the oldest Python the project supports, from [project].
        project = document.get("project", {})
        requires = project.get("requires-python") if isinstance(project, dict) else None
        if isinstance(requires, str):
            low = _lowest_python(requires)
            table = {**table, "target-version": f"py{low[0]}{low[1]}"}
    return table


def target_version(value: str) -> tuple[int, int]:
    """``py38`` -> (3, 8)."""
    match = re.fullmatch(r"py3(\d+)", value)
    if match is None:
        raise ValueError(value)
    return (3, int(match.group(1)))


def _lowest_python(requires: str) -> tuple[int, int]:
    """The oldest minor version a ``requires-python`` specifier allows.

    Only lower bounds matter here (``>=3.8``, ``>3.8``, ``~=3.8``, ``==3.8.*``);
    without one the project claims every version, so the answer is 3.0.
    """
    lowest = (3, 0)
    for clause in requires.split(","):
        match = re.match(r"\s*(>=|>|~=|==|===)\s*(\d+)\.(\d+)", clause)
        if match is not None and match.group(2) == "3":
            lowest = max(lowest, (3, int(match.group(3))))
    return lowest


def blocking_calls(value: dict[str, Any]) -> tuple[BlockingCall, ...]:
    """``blocking-calls`` (already checked) as Settings wants it."""
    calls = []
    for name, spec in sorted(value.items()):
        if isinstance(spec, str):
            calls.append(BlockingCall(name, spec))
        else:
            calls.append(BlockingCall(name, spec.get("message", ""), bool(spec.get("offload"))))
    return tuple(calls)


def _blocking_calls_problem(value: object) -> str | None:
    if not isinstance(value, dict):
        return f'expected a table like {{"mylib.fetch" = "use mylib.afetch"}}, got {value!r}'
    for name, spec in value.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+", name):
            return f"{name!r} is not a dotted name like 'mylib.fetch'"
        if isinstance(spec, str):
            continue
        if not isinstance(spec, dict):
            return f"{name}: expected a message string or a table, got {spec!r}"
        unknown = sorted(set(spec) - {"message", "offload"})
        if unknown:
            return f"{name}: unknown key {unknown[0]!r} (known: message, offload)"
        if not isinstance(spec.get("message", ""), str):
            return f"{name}: message must be a string"
        if not isinstance(spec.get("offload", False), bool):
            return f"{name}: offload must be true or false"
    return None


def _check(path: Path, key: str, value: object) -> None:
    where = f"{path}: [tool.asyncfix] {key}"
    if key in _LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        problem = _list_problem(key, value)
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")
    elif key in _BOOLS:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
    elif key == "event-loop":
        if value not in EVENT_LOOPS:
            raise ConfigError(f"{where}: expected one of {', '.join(EVENT_LOOPS)}, got {value!r}")
    elif key == "blocking-calls":
        problem = _blocking_calls_problem(value)
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")
    elif key == "target-version":
        if not isinstance(value, str) or not re.fullmatch(r"py3\d+", value):
            raise ConfigError(f"{where}: expected a version like \"py39\", got {value!r}")
    elif key == "output-format":
        if value not in OUTPUT_FORMATS:
            raise ConfigError(
                f"{where}: expected one of {', '.join(OUTPUT_FORMATS)}, got {value!r}"
            )
    else:
        raise ConfigError(
            f"{path}: [tool.asyncfix] has an unknown key {key!r} (known: {', '.join(KEYS)})"
        )


def _list_problem(key: str, values: list[str]) -> str | None:
    """What is wrong with one of the patterns or rule codes, if anything."""
    if key in _PATTERNS:
        return next((e for e in map(pattern_error, values) if e is not None), None)
    if key in _CODES:
        try:
            select_rules(Settings(select=tuple(values)))
        except ValueError as error:
            return str(error)
    return None
