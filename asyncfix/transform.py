"""Stage 3: the fixers on LibCST's concrete tree, imports fixed, result compiled.

Only files that the cheap stages (asyncfix/stages.py) let through get here, so
this is the only module that imports LibCST.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Optional, cast

import libcst as cst

from . import skeleton
from .fixers import (
    ADD_KEY,
    REMOVE_KEY,
    FileContext,
    Fixer,
    Layout,
    PlacedModule,
    Wrapper,
    load,
    transform_on,
)
from .model import Finding, Fix, FixResult, Settings
from .noqa import NoqaMap
from .rules import Rule
from .stages import Found


def run(
    source: str,
    filename: str,
    settings: Settings,
    rules: Sequence[Rule],
    *,
    whole: bool = False,
    found: Found | None = None,
) -> FixResult:
    """Run the fixers of ``rules`` on ``source``; never raises for bad input.

    ``whole``: never as a skeleton (whose stubs follow the ``ast`` stage's
    candidates), so that the tests can compare the stages with a run that
    owes them nothing.  ``found``: what the ``ast`` stage saw of ``source``
    for ``rules`` (its tree and candidate lines), for the skeleton.
    """
    head, tail = _blank_end(source)
    if tail:
        # LibCST drops some blank and comment lines after the last statement
        # ('x\n\n ' comes back as 'x\n ', 'x\n #\n\n #' as 'x\n #'): it
        # never sees them.  (The head has every statement: the same tree.)
        inner = run(head, filename, settings, rules, whole=whole, found=found)
        return replace(inner, source=inner.source + tail)
    try:
        if not whole and skeleton.applies(source, rules):
            result = _run_on_skeleton(source, filename, settings, rules, found)
            if result is not None:
                return result
        return _run_fixers(source, filename, settings, rules)
    except _LoneCarriageReturn:
        return FixResult(
            source,
            error="cannot parse: lines end with a bare carriage return (CR), which LibCST does not "
            "reproduce; convert the line endings to LF or CRLF",
        )
    except cst.ParserSyntaxError as error:
        return FixResult(source, error=f"cannot parse: {_describe_cst_error(source, error)}")
    except RecursionError:
        return FixResult(source, error="cannot parse: nested too deeply")
    except Exception as error:  # one bad module must never stop a run
        return FixResult(source, error=f"internal error: {type(error).__name__}: {error}")


class _LoneCarriageReturn(Exception):
    """The file has old Mac line endings (CR alone): LibCST prints them back as LF."""


_LONE_CR = re.compile(r"\r(?!\n)")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _blank_end(source: str) -> tuple[str, str]:
    """``source`` up to its last statement, and the blank and comment lines after it."""
    lines = _LINES.findall(source)
    end = len(lines)
    while end and _blank_or_comment(lines[end - 1]):
        end -= 1
    if end == len(lines):
        return source, ""  # the usual case: code on the last line, nothing to parse
    # A line that looks like a comment may be inside a string: ask the parser
    # where the last statement ends.
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source, ""
    end = max(end, body[-1].end_lineno or len(lines)) if body else len(lines)
    head = "".join(lines[:end])
    if end >= len(lines) or head.rstrip("\r\n").endswith("\\"):
        return source, ""
    return head, source[len(head):]


def _blank_or_comment(line: str) -> bool:
    text = line.strip(" \t\f\r\n")
    return not text or text.startswith("#")


def _run_fixers(
    source: str, filename: str, settings: Settings, rules: Sequence[Rule], *, compiled: bool = True
) -> FixResult:
    """The fixers, then the imports; ``compiled``: check that a changed result compiles.

    (A skeleton's result is not checked: what is written is the merged text,
    and that is.)
    """
    registry = load()
    original = cst.parse_module(source)
    module = original
    context = FileContext(filename=filename)
    noqa = NoqaMap(source)
    # One metadata wrapper while the tree does not change: most fixers only
    # report, and resolving scopes and positions again costs seconds on a
    # 7,000-line file.  The parsed tree is ours alone, so no copy of it.
    wrapper = Wrapper(original, unsafe_skip_copy=True)
    printed: str | None = None  # the original as LibCST prints it
    moved = False  # an earlier fixer moved lines
    fixes: list[Fix] = []
    findings: list[Finding] = []
    for rule in rules:
        fixer_class = registry[rule.key]
        fixer = fixer_class(context, settings, noqa)
        if wrapper.module is not module:
            wrapper = Wrapper(module)  # copied: a fix may use one node twice
        transformed = _transform(fixer, wrapper)
        if printed is None:
            # read now: the original's wrapper (its metadata for every node)
            # is dropped as soon as a fixer changes the tree
            printed = _printed(wrapper)
        found_fixes, found = fixer.fixes, fixer.findings
        if moved and (found_fixes or found):
            # The positions this fixer saw are not the file's (fixers that
            # keep lines run first: asyncfix/rules.py ``order``).  Ask it again
            # about the original tree, only for the positions; its decisions
            # stand when both runs agree on them.
            found_fixes, found = _original_positions(
                fixer_class, original, filename, settings, noqa, found_fixes, found
            )
        if fixer.fixes:
            module = transformed
            moved = moved or rule.order > 0
        fixes += found_fixes
        findings += found
    # Imports last and once: every fixer's requests, against the final tree.
    # Each of these passes walks the whole module again (seconds on a
    # 7,000-line file), so each runs only when it can change something.
    added: list[str] = context.scratch.get(ADD_KEY, [])
    if any(_missing(module, name) for name in added):
        module = _add_module_imports(module, set(added))
    removed = context.scratch.get(REMOVE_KEY, [])
    if removed:
        removed = context.scratch[REMOVE_KEY] = _removable(module.code, removed)
    if removed:
        from .removal import remove_imports  # LibCST's codemods: only when needed

        module = remove_imports(context, module)
    if not fixes:
        # Nothing was rewritten: the text stays byte for byte, whatever
        # LibCST's round trip makes of it ('x\n\n #' comes back as 'x\n #').
        return FixResult(source, (), tuple(sorted(findings, key=_order)))
    if printed != source:
        if _LONE_CR.search(source):
            raise _LoneCarriageReturn()
        raise RuntimeError("LibCST does not reproduce this file exactly; not touching it")
    new = module.code
    result = FixResult(
        new,
        tuple(sorted(fixes, key=_order)),
        tuple(sorted(findings, key=_order)),
        changed=new != source,
    )
    if result.changed and compiled:
        _check_compiles(source, new, filename)
    return result


def _printed(wrapper: Wrapper) -> str:
    """``wrapper.module.code``, from the print that placed its nodes if there was one."""
    placed = wrapper.resolve(Layout).get(wrapper.module)
    return placed.code if isinstance(placed, PlacedModule) else wrapper.module.code


def _order(item: Fix | Finding) -> tuple[int, int, str]:
    return (item.line, item.column, item.code)


def _run_on_skeleton(
    source: str, filename: str, settings: Settings, rules: Sequence[Rule], found: Found | None
) -> FixResult | None:
    """The fixers on a big module's skeleton (asyncfix/skeleton.py); None: run it whole."""
    outline = skeleton.make(source, rules, found)
    if outline is None:
        return None
    try:
        result = _run_fixers(outline.text, filename, settings, rules, compiled=False)
        if not result.changed:
            return replace(result, source=source)
        merged = outline.merge(source, result.source)
        if merged is None:
            return None
        tree = ast.parse(merged)  # once, for both checks
        if not outline.imports_kept(tree):
            return None
        compile(tree, filename, "exec", dont_inherit=True)
    except Exception:  # the whole module decides, and says why if it fails too
        return None
    return replace(result, source=merged, changed=merged != source)


def _transform(fixer: Fixer, wrapper: Wrapper) -> cst.Module:
    """``fixer.transform_module`` on a tree whose metadata ``wrapper`` holds (and caches)."""
    return transform_on(fixer, wrapper)


def _original_positions(
    fixer_class: type[Fixer],
    original: cst.Module,
    filename: str,
    settings: Settings,
    noqa: NoqaMap,
    fixes: list[Fix],
    findings: list[Finding],
) -> tuple[list[Fix], list[Finding]]:
    probe = fixer_class(FileContext(filename=filename), settings, noqa)
    probe.transform_module(original)
    mine: list[Fix | Finding] = [*fixes, *findings]
    theirs: list[Fix | Finding] = [*probe.fixes, *probe.findings]
    same = [(f.code, type(f)) for f in mine] == [(f.code, type(f)) for f in theirs]
    if not same:
        return fixes, findings
    return (
        [replace(new, message=old.message) for new, old in zip(probe.fixes, fixes)],
        [replace(new, message=old.message) for new, old in zip(probe.findings, findings)],
    )


def _add_module_imports(module: cst.Module, names: set[str]) -> cst.Module:
    """``AddImportsVisitor`` for ``import x`` requests alone, without its walks.

    Its rules, for these: the imports already there are the ``import`` and
    ``from`` lines at the top (after a docstring or ``__strict__`` line,
    which :func:`_docstring_or_strict` knows better);
    a module imported there without ``as`` is not imported again; the others
    go after those lines, sorted; the statement after them gets a blank line
    above unless it has one.  Walking and matching every node of the head
    for that cost as much as a tenth of a skeleton's time in LibCST.
    """
    body = list(module.body)
    end = 1 if body and _docstring_or_strict(body[0]) else 0
    present: set[str] = set()
    while end < len(body) and _an_import_line(body[end]):
        small = cast(cst.SimpleStatementLine, body[end]).body[0]
        if isinstance(small, cst.Import):
            present.update(alias.evaluated_name for alias in small.names if alias.asname is None)
        end += 1
    missing = sorted(names - present)
    if not missing:
        return module
    after = body[end:]
    if after:
        after[0] = _blank_line_above(after[0])
    config = module.config_for_parsing
    new = [cst.parse_statement(f"import {name}", config=config) for name in missing]
    return module.with_changes(body=[*body[:end], *new, *after])


def _docstring_or_strict(statement: cst.BaseStatement) -> bool:
    """A first line new imports never go above: the module's docstring, or ``__strict__ = ...``.

    The docstring as Python reads it: a string literal, concatenated or not,
    first on the line.  LibCST's ``_skip_first`` wants one plain string
    alone on its line: above ``"a" "b"`` or ``"Doc."; import os`` it adds
    the imports, and the module loses its docstring.
    """
    if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Expr):
        return _string_literal(small.value)
    return (
        len(statement.body) == 1
        and isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value == "__strict__"
    )


def _string_literal(node: cst.BaseExpression) -> bool:
    """A docstring's expression: strings (not f-strings), maybe concatenated."""
    if isinstance(node, cst.SimpleString):
        return True
    return (
        isinstance(node, cst.ConcatenatedString)
        and _string_literal(node.left)
        and _string_literal(node.right)
    )


def _blank_line_above(
    statement: cst.SimpleStatementLine | cst.BaseCompoundStatement,
) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
    """A blank line first above ``statement``, as AddImportsVisitor leaves it."""
    lines = statement.leading_lines
    if lines and lines[0].comment is None:
        return statement
    return statement.with_changes(leading_lines=(cst.EmptyLine(), *lines))


def _an_import_line(statement: cst.BaseStatement) -> bool:
    """``import x`` or ``from x import y`` alone on its line, as AddImportsVisitor tests it."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    )


def _missing(module: cst.Module, name: str) -> bool:
    """``import name`` is to be added: not a plain top-level ``import name`` already there."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import) and any(
                    alias.asname is None and alias.evaluated_name == name for alias in small.names
                ):
                    return False
    return True


_Removal = tuple[str, Optional[str], Optional[str]]


def _removable(code: str, removals: Sequence[_Removal]) -> list[_Removal]:
    """The import removals worth asking LibCST's RemoveImportsVisitor for.

    Never an explicit re-export (``import time as time``, ``from time import
    sleep as sleep``), nor an import whose name a string may stand for:
    ``globals()["time"]``, ``__all__.append("time")``, ``__all__ += ["time"]``
    (a string whose whole value is the name, or a word of a string that is
    ``.split()``), which the scope analysis cannot follow.  None at all when
    every name left is still read somewhere: a cheap ``ast`` look that only
    answers "nothing to do" when sure (RemoveImportsVisitor, with full scope
    analysis, decides the rest).
    """
    kept = [removal for removal in removals if not _reexported(removal)]
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return kept
    names: set[str] = set()
    strings: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "split"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            strings.update(node.value.value.split())
    kept = [removal for removal in kept if _local_name(removal) not in strings]
    if all(_local_name(removal) in names for removal in kept):
        return []
    return kept


def _local_name(removal: _Removal) -> str:
    module_name, obj, alias = removal
    return alias or obj or module_name.split(".")[0]


def _reexported(removal: _Removal) -> bool:
    """``import x as x`` / ``from m import x as x``: the typing convention for a re-export."""
    module_name, obj, alias = removal
    return alias is not None and alias == (obj if obj is not None else module_name)


def _check_compiles(old: str, new: str, filename: str) -> None:
    """The fixed module must compile wherever the original did."""
    try:
        compile(new, filename, "exec", dont_inherit=True)
        return
    except SyntaxError as error:
        problem = error
    try:
        compile(old, filename, "exec", dont_inherit=True)
    except SyntaxError:
        # The original is newer than this Python: settle for LibCST re-parsing it.
        cst.parse_module(new)
        return
    raise RuntimeError(f"the fix produced code that does not compile: {problem}")


def _describe_cst_error(source: str, error: cst.ParserSyntaxError) -> str:
    """One line, in Python's words where Python can say it."""
    try:
        ast.parse(source)
    except SyntaxError as py_error:
        return f"line {py_error.lineno}, column {py_error.offset}: {py_error.msg}"
    except (ValueError, RecursionError, MemoryError) as py_error:
        return str(py_error)
    return f"line {error.raw_line}, column {error.raw_column + 1}: {error.message}"
