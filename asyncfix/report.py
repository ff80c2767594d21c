"""How results look: finding lines, diffs, colours, the summary, output formats.

The text format prints ``PATH:LINE:COL: CODE message`` per call left to fix
by hand, plus ``PATH:LINE:COL: CODE [*] message`` per call that would be fixed
when nothing is written (ruff marks fixable diagnostics with ``[*]``).  The
machine formats (``json``, ``github``, ``sarif``) are one document each, built
from every result of the run once it is over.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal
from urllib.parse import quote

import click

from . import __version__
from .model import FileResult, Finding, Fix
from .rules import CODES

OutputFormat = Literal["text", "json", "github", "sarif"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("text", "json", "github", "sarif")
INFORMATION_URI = "https://github.com/asyncfix/asyncfix"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def finding_line(path: str, finding: Finding | Fix) -> str:
    """``PATH:LINE:COL: CODE message``, as ruff and flake8 print them; ``CODE [*]`` for a fix."""
    mark = " [*]" if isinstance(finding, Fix) else ""
    return f"{path}:{finding.line}:{finding.column}: {finding.code}{mark} {finding.message}"


def text_lines(result: FileResult) -> list[str]:
    """One file's lines in the text format, in source order.

    A fix is listed only when it was not written (``--diff``, ``--check``): once
    written it is no longer a problem (``--show-fixes`` lists those).
    """
    rows: list[Fix | Finding] = [*_unapplied(result), *result.findings]
    rows.sort(key=lambda row: (row.line, row.column))
    return [finding_line(result.path, row) for row in rows]


def is_input_problem(error: str) -> bool:
    """The file itself is the problem (unreadable, undecodable, unparsable).

    ruff reports these as diagnostics (``E902``, ``invalid-syntax``), so
    ``--exit-zero`` covers them; an internal error or a failed write is
    asyncfix's own failure and is not covered.
    """
    return error.startswith(("cannot read:", "cannot parse:"))


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

    ``Fixed 3 calls in 2 files; 1 left (run with --diff to review).``,
    ``Would fix 3 calls in 2 files; 1 left to fix by hand.``,
    ``Nothing to fix automatically; 1 call left to fix by hand.``,
    ``Nothing to fix in 5 files.``; each with ``; 1 file could not be
    processed`` before the full stop when that happened.
    """
    fixed_calls = sum(len(r.fixes) for r in results if r.changed)
    fixed_files = sum(1 for r in results if r.changed)
    left = sum(len(r.findings) for r in results)
    errors = sum(1 for r in results if r.error)
    if fixed_files:
        verb = "Fixed" if write else "Would fix"
        text = f"{verb} {_count(fixed_calls, 'call')} in {_count(fixed_files, 'file')}"
        if left:
            hint = "(run with --diff to review)" if write else "to fix by hand"
            text += f"; {left} left {hint}"
    elif left:
        text = f"Nothing to fix automatically; {_count(left, 'call')} left to fix by hand"
    elif errors == len(results):
        return f"{_count(errors, 'file')} could not be processed."
    else:
        text = f"Nothing to fix in {_count(len(results) - errors, 'file')}"
    if errors:
        text += f"; {_count(errors, 'file')} could not be processed"
    return text + "."


def show_fixes(results: Sequence[FileResult], *, write: bool) -> str:
    """The fixes made (or that would be made) per file and code, as ruff's ``--show-fixes``.

    ``Fixed 3 calls:`` then ``- PATH:`` and ``    2 × ASYNC251 (blocking-sleep)``
    lines; empty when there is nothing to list.
    """
    changed = sorted((r for r in results if r.changed and r.fixes), key=lambda r: r.path)
    total = sum(len(r.fixes) for r in changed)
    if not total:
        return ""
    lines = [f"{'Fixed' if write else 'Would fix'} {_count(total, 'call')}:"]
    for result in changed:
        lines.append(f"- {result.path}:")
        for code, count in sorted(Counter(fix.code for fix in result.fixes).items()):
            lines.append(f"    {count} \u00d7 {code} ({_name(code)})")
    return "\n".join(lines)


def statistics(results: Sequence[FileResult], *, write: bool) -> str:
    """Counts per code, most frequent first, tab-separated as ruff's ``--statistics``.

    ``COUNT<TAB>CODE<TAB>[*]<TAB>NAME<TAB>F fixed, L left``: ``[*]`` when some
    were (or, without writing, could be) fixed, else ``[ ]``; ``fixable``
    instead of ``fixed`` when nothing is written.  Empty when nothing was found.
    """
    fixed = Counter(fix.code for r in results if r.changed for fix in r.fixes)
    left = Counter(finding.code for r in results for finding in r.findings)
    codes = sorted(set(fixed) | set(left), key=lambda c: (-(fixed[c] + left[c]), c))
    word = "fixed" if write else "fixable"
    return "\n".join(
        f"{fixed[c] + left[c]}\t{c}\t{'[*]' if fixed[c] else '[ ]'}\t{_name(c)}\t"
        f"{fixed[c]} {word}, {left[c]} left"
        for c in codes
    )


# -- machine-readable formats ------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    """One row of a machine-readable report: a fix, a finding, or a file that failed.

    Lines and columns are 1-based; the end column is exclusive, as in ruff's
    JSON; ``end_line`` and ``end_column`` are 0 when unknown.  ``code`` is None
    for a file that could not be processed (then placed at the line and column
    of a syntax error, else at 1:1 as ruff places its ``E902``).
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str | None
    message: str
    fixable: bool
    fix_applied: bool


_PARSE_POSITION = re.compile(r"cannot parse: line (\d+)(?:, column (\d+))?")


def diagnostics(results: Sequence[FileResult], *, applied: bool = True) -> list[Diagnostic]:
    """Every fix, finding and error of the run, sorted by path, line and column.

    ``applied=False`` leaves out the fixes that were written: they are no
    longer problems (the ``github`` and ``sarif`` formats).
    """
    rows: list[Diagnostic] = []
    for result in results:
        fixes = result.fixes if result.changed else ()
        for fix in fixes:
            if result.written and not applied:
                continue
            rows.append(_row(result.path, fix, fixable=True, applied=result.written))
        rows.extend(_row(result.path, f, fixable=False, applied=False) for f in result.findings)
        if result.error:
            rows.append(_error_row(result.path, result.error))
    rows.sort(key=lambda d: (d.path, d.line, d.column, d.code or "", d.message))
    return rows


def render(output_format: OutputFormat, results: Sequence[FileResult]) -> str:
    """The whole document of a machine format, without a final newline."""
    if output_format == "json":
        return json_document(results)
    if output_format == "github":
        return github_document(results)
    if output_format == "sarif":
        return sarif_document(results)
    raise ValueError(f"not a document format: {output_format!r}")


def json_document(results: Sequence[FileResult]) -> str:
    """A JSON list of objects: ``path``, ``line``, ``column``, ``end_line``,
    ``end_column``, ``code``, ``message``, ``fixable``, ``fix_applied``."""
    rows = [
        {
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "end_line": d.end_line,
            "end_column": d.end_column,
            "code": d.code,
            "message": d.message,
            "fixable": d.fixable,
            "fix_applied": d.fix_applied,
        }
        for d in diagnostics(results)
    ]
    return json.dumps(rows, indent=2)


def github_document(results: Sequence[FileResult]) -> str:
    """GitHub Actions ``::error`` workflow commands, one per line, as ruff prints them.

    ``::error title=asyncfix (CODE),file=PATH,line=L,col=C,endLine=EL,endColumn=EC::``
    followed by the line the text format prints; escaped as GitHub's toolkit does.
    """
    return "\n".join(_github_line(d) for d in diagnostics(results, applied=False))


def sarif_document(results: Sequence[FileResult]) -> str:
    """SARIF 2.1.0: one run, every rule of ``CODES``, one result per call left.

    Files that could not be processed are tool execution notifications, not
    results: they break no rule.
    """
    rule_ids = sorted(CODES)
    rows = diagnostics(results, applied=False)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "asyncfix",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_sarif_rule(code) for code in rule_ids],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not any(
                    r.error and not is_input_problem(r.error) for r in results
                ),
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": d.message},
                        "locations": [_sarif_location(d)],
                    }
                    for d in rows
                    if d.code is None
                ],
            }
        ],
        "results": [
            {
                "ruleId": d.code,
                "ruleIndex": rule_ids.index(d.code),
                "level": "error",
                "message": {"text": d.message},
                "locations": [_sarif_location(d)],
                "properties": {"fixable": d.fixable},
            }
            for d in rows
            if d.code is not None and d.code in CODES
        ],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2)


def _unapplied(result: FileResult) -> tuple[Fix, ...]:
    return result.fixes if result.changed and not result.written else ()


def _row(path: str, item: Fix | Finding, *, fixable: bool, applied: bool) -> Diagnostic:
    return Diagnostic(
        path,
        item.line,
        item.column,
        item.end_line,
        item.end_column,
        item.code,
        item.message,
        fixable=fixable,
        fix_applied=applied,
    )


def _error_row(path: str, error: str) -> Diagnostic:
    match = _PARSE_POSITION.match(error)
    line = int(match.group(1)) if match else 1
    column = int(match.group(2)) if match and match.group(2) else 1
    return Diagnostic(path, line, column, 0, 0, None, error, fixable=False, fix_applied=False)


def _github_line(d: Diagnostic) -> str:
    title = f"asyncfix ({d.code})" if d.code else "asyncfix"
    properties = [("title", title), ("file", d.path), ("line", d.line), ("col", d.column)]
    if d.end_line:
        properties += [("endLine", d.end_line), ("endColumn", d.end_column)]
    if d.code is None:
        text = f"{d.path}: {d.message}"
    else:
        mark = " [*]" if d.fixable else ""
        text = f"{d.path}:{d.line}:{d.column}: {d.code}{mark} {d.message}"
    joined = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties)
    return f"::error {joined}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    """As ``escapeData`` in GitHub's @actions/core: the message of a command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """As ``escapeProperty`` in @actions/core: also ``:`` and ``,``."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _sarif_rule(code: str) -> dict[str, Any]:
    from .explain import TEXTS  # the long texts: only the sarif format needs them

    rule = CODES[code]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": TEXTS[code]},
        "help": {"text": f"asyncfix: {rule.fix}"},
        "defaultConfiguration": {"level": "error"},
    }


def _sarif_location(d: Diagnostic) -> dict[str, Any]:
    region = {"startLine": d.line, "startColumn": d.column}
    if d.end_line:
        region.update(endLine=d.end_line, endColumn=d.end_column)
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(d.path)}, "region": region}}


def _uri(path: str) -> str:
    """A relative path as a relative URI reference; an absolute one as a file: URI."""
    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return quote(path)


def _name(code: str) -> str:
    rule = CODES.get(code)
    return rule.name if rule else ""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
