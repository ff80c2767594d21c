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
    """One closing line: what was (or would be) fixed, what is left, what failed."""
    fixed_calls = sum(len(r.fixes) for r in results if r.changed)
    fixed_files = sum(1 for r in results if r.changed)
    left = sum(len(r.findings) for r in results)
    errors = sum(1 for r in results if r.error)
    verb = "Fixed" if write else "Would fix"
    calls = "call" if fixed_calls == 1 else "calls"
    files = "file" if fixed_files == 1 else "files"
    parts = [f"{verb} {fixed_calls} {calls} in {fixed_files} {files}"]
    if left:
        parts.append(f"{left} left to fix by hand (see the lines above)")
    if errors:
        parts.append(f"{errors} {'file' if errors == 1 else 'files'} could not be processed")
    checked = len(results)
    return "; ".join(parts) + f" ({checked} {'file' if checked == 1 else 'files'} checked)."
