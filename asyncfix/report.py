"""How results look: finding lines, diffs, colours, the summary."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import click

from .model import FileResult, Finding


def finding_line(path: str, finding: Finding) -> str:
    """``PATH:LINE:COL: CODE message``, as ruff and flake8 print them."""
    return f"{path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"


def unified_diff(old: str, new: str, path: str) -> str:
    """A ``--- a/PATH`` / ``+++ b/PATH`` diff of two texts, git-style at EOF."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    lines: list[str] = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}"):
        lines.append(line)
        if not line.endswith("\n"):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)


def colour_diff(diff: str) -> str:
    """Headers bold, hunk markers cyan, removals red, additions green."""
    out: list[str] = []
    for line in diff.splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        if line.startswith(("+++", "---")):
            body = click.style(body, bold=True)
        elif line.startswith("@@"):
            body = click.style(body, fg="cyan")
        elif line.startswith("+"):
            body = click.style(body, fg="green")
        elif line.startswith("-"):
            body = click.style(body, fg="red")
        out.append(body + end)
    return "".join(out)


def summary(results: Sequence[FileResult], *, write: bool) -> str:
    """One closing line: what was (or would be) fixed, what is left, what failed.

    ``Fixed 3 calls in 2 files, 1 call left to fix by hand, 1 file could not
    be processed (5 files checked).`` or ``Nothing to fix (5 files checked).``
    """
    fixed_calls = sum(len(r.fixes) for r in results if r.changed)
    fixed_files = sum(1 for r in results if r.changed)
    left = sum(len(r.findings) for r in results)
    errors = sum(1 for r in results if r.error)
    parts: list[str] = []
    if fixed_files:
        verb = "Fixed" if write else "Would fix"
        parts.append(f"{verb} {_count(fixed_calls, 'call')} in {_count(fixed_files, 'file')}")
    if left:
        parts.append(f"{_count(left, 'call')} left to fix by hand")
    if errors:
        parts.append(f"{_count(errors, 'file')} could not be processed")
    text = ", ".join(parts) or "Nothing to fix"
    return f"{text[0].upper()}{text[1:]} ({_count(len(results), 'file')} checked)."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
