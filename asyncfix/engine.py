"""One module in, one result out: the staged pipeline every file goes through.

1. bytes: a file without ``async`` and one of a fixer's trigger strings cannot
   hold anything to fix; it is not even decoded.
2. ``ast``: the stdlib parser (14x faster than LibCST) looks for calls inside an
   ``async def`` whose name could be a target.  No candidate, no LibCST.
3. LibCST: the fixers run on the concrete tree, imports are added and removed,
   the new code is checked to compile.

Stages 1 and 2 only ever say "maybe": they may let a file through that has
nothing to fix, never stop one that has.  Nothing here raises on bad input.
"""

from __future__ import annotations

import ast
import codecs
import io
import tokenize
from collections.abc import Sequence
from typing import cast

import libcst as cst
from libcst import CSTNodeT
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from .fixers import Fixer, selected
from .model import FixResult, Settings
from .noqa import NoqaMap

__all__ = ["fix_source", "fix_bytes", "decode", "candidate_fixers"]


class DecodeError(ValueError):
    """The bytes are not text in the encoding the file declares."""


def fix_source(
    source: str,
    *,
    filename: str = "<string>",
    settings: Settings | None = None,
    staged: bool = True,
) -> FixResult:
    """Fix every blocking call in ``source`` that can be fixed safely.

    Never raises for bad input: a module that cannot be parsed comes back
    unchanged with ``error`` set.  Raises ValueError only for ``settings``
    naming an unknown rule.  ``staged=False`` skips the cheap stages (the tests
    use it to prove the stages never skip a module that has work).
    """
    fixers = selected(settings or Settings())
    if staged:
        fixers = candidate_fixers(source, fixers)
        if not fixers:
            return FixResult(source)
    try:
        return _run_fixers(source, filename, settings or Settings(), fixers)
    except cst.ParserSyntaxError as error:
        return FixResult(source, error=f"cannot parse: {_describe_cst_error(source, error)}")
    except RecursionError:
        return FixResult(source, error="cannot parse: nested too deeply")
    except Exception as error:  # one bad module must never stop a run
        return FixResult(source, error=f"internal error: {type(error).__name__}: {error}")


def fix_bytes(
    data: bytes, *, filename: str, settings: Settings
) -> tuple[bytes, str, FixResult]:
    """:func:`fix_source` for a file's raw bytes, keeping encoding, BOM and newlines.

    Returns the new bytes, the decoded original text ("" when the file was
    skipped undecoded: it cannot hold a target) and the result.
    """
    fixers = selected(settings)
    if not _has_triggers(data, fixers):
        return data, "", FixResult("")
    try:
        source, encoding = decode(data)
    except DecodeError as error:
        return data, "", FixResult("", error=f"cannot parse: {error}")
    result = fix_source(source, filename=filename, settings=settings)
    if not result.changed:
        return data, source, result
    try:
        return result.source.encode(encoding), source, result
    except UnicodeEncodeError as error:
        failed = FixResult(source, error=f"internal error: cannot encode as {encoding}: {error}")
        return data, source, failed


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of a Python file, by PEP 263 (``utf-8-sig`` when it has a BOM).

    Newlines are not translated: CRLF stays CRLF.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # Bad UTF-8 in the first two lines comes back as "invalid or missing
        # encoding declaration"; further down it would be "not valid utf-8 ...
        # at byte N".  Say the second, the same wherever the byte is.
        encoding = "utf-8"
        if not str(error).startswith("invalid or missing encoding declaration"):
            raise DecodeError(str(error)) from None
    try:
        text = codecs.decode(data, encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"not valid {encoding}: {error.reason} at byte {error.start}") from None
    if "\0" in text:
        # Python refuses these too, and the parsers' own message has no position.
        line = text.count("\n", 0, text.index("\0")) + 1
        raise DecodeError(f"line {line}: source contains a null byte")
    return text, encoding


# -- stages 1 and 2 ---------------------------------------------------------------


def _has_triggers(data: bytes, fixers: Sequence[type[Fixer]]) -> bool:
    return b"async" in data and any(t in data for f in fixers for t in f.triggers)


def candidate_fixers(source: str, fixers: Sequence[type[Fixer]]) -> list[type[Fixer]]:
    """The fixers that may have work in ``source`` (a cheap over-estimate).

    A fixer may have work when a call inside an ``async def`` ends in the last
    name of one of its targets (or an import alias of it) and the module
    imports that target's package somewhere.
    """
    if "async" not in source:
        return []
    fixers = [f for f in fixers if any(t.decode() in source for t in f.triggers)]
    if not fixers:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Maybe newer syntax than this Python knows: LibCST decides.
        return list(fixers)
    calls = _names_called_in_async(tree)
    if not calls:
        return []
    aliases = _import_aliases(tree)
    packages = _imported_packages(tree)
    return [f for f in fixers if calls & _spellings(f.targets, aliases, packages)]


def _names_called_in_async(tree: ast.AST) -> set[str]:
    """Last name part of every call anywhere inside an ``async def``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    if isinstance(func, ast.Name):
                        names.add(func.id)
                    elif isinstance(func, ast.Attribute):
                        names.add(func.attr)
    return names


def _import_aliases(tree: ast.AST) -> dict[str, set[str]]:
    """``from m import x as y`` anywhere: "m.x" -> {"y"}."""
    aliases: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.asname:
                    aliases.setdefault(f"{node.module}.{alias.name}", set()).add(alias.asname)
    return aliases


def _imported_packages(tree: ast.AST) -> set[str]:
    """First name part of every absolute import anywhere: ``import a.b`` -> "a"."""
    packages: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            packages.add(node.module.split(".")[0])
    return packages


def _spellings(
    targets: frozenset[str], aliases: dict[str, set[str]], packages: set[str]
) -> set[str]:
    names: set[str] = set()
    for target in targets:
        # A target is a qualified name bound by an import: a module that never
        # imports its package cannot call it (``asyncio.sleep`` in fixed code
        # is not ``time.sleep``, and needs no LibCST run).
        if target.split(".")[0] not in packages:
            continue
        names.add(target.rsplit(".", 1)[-1])
        names |= aliases.get(target, set())
    return names


# -- stage 3 ---------------------------------------------------------------------


def _run_fixers(
    source: str, filename: str, settings: Settings, fixers: Sequence[type[Fixer]]
) -> FixResult:
    module = cst.parse_module(source)
    context = CodemodContext(filename=filename)
    noqa = NoqaMap(source)
    fixes, findings = [], []
    for fixer_class in fixers:
        fixer = fixer_class(context, settings, noqa)
        module = fixer.transform_module(module)
        fixes += fixer.fixes
        findings += fixer.findings
    # Imports last and once: every fixer's requests, against the final tree.
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        module = AddImportsVisitor(context).transform_module(module)
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        module = _RemoveImports(context).transform_module(module)
    new = module.code
    order = lambda item: (item.line, item.column, item.code)  # noqa: E731
    result = FixResult(
        new,
        tuple(sorted(fixes, key=order)),
        tuple(sorted(findings, key=order)),
        changed=new != source,
    )
    if result.changed:
        _check_compiles(source, new, filename)
    return result


_Statement = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_Block = (cst.Module, cst.IndentedBlock)


class _RemoveImports(RemoveImportsVisitor):
    """RemoveImportsVisitor that leaves the blank lines between statements in place.

    LibCST drops a removed line together with the blank lines above it: after
    a docstring / blank / ``import time`` the docstring would be glued to the
    next line, and a removed first line would leave the file opening with the
    blank line that followed it.  Here the next line of the same block takes
    over the removed line's blank lines: exactly those when nothing above it
    was kept, else the larger of the two counts.
    """

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._kept: list[bool] = []  # per open block: has a statement been kept?
        self._carry: tuple[int, int] | None = None  # (block depth, blank lines)
        self._inherit: dict[cst.CSTNode, int] = {}  # next line -> blank lines

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _Block):
            self._kept.append(False)
        elif isinstance(node, _Statement):
            if self._carry is not None and self._carry[0] == len(self._kept):
                self._inherit[node] = self._carry[1]
            self._carry = None
        return super().on_visit(node)

    def on_leave(
        self, original_node: CSTNodeT, updated_node: CSTNodeT
    ) -> CSTNodeT | cst.RemovalSentinel:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, _Block):
            self._kept.pop()
            self._carry = None
            return result
        if not isinstance(original_node, _Statement):
            return result
        inherited = self._inherit.pop(original_node, None)
        first = not self._kept[-1]
        if isinstance(result, cst.RemovalSentinel) or (
            isinstance(result, cst.SimpleStatementLine) and not result.body
        ):
            own = _leading_blank_lines(original_node)
            if inherited is not None:
                own = inherited if first else max(inherited, own)
            self._carry = (len(self._kept), own)
            return result
        self._kept[-1] = True
        if inherited is None or not isinstance(result, _Statement):
            return result
        own = _leading_blank_lines(result)
        blank = inherited if first else max(inherited, own)
        return cast(CSTNodeT, _with_blank_lines(result, blank))


def _leading_blank_lines(statement: cst.CSTNode) -> int:
    """How many comment-less empty lines come first above ``statement``."""
    lines = getattr(statement, "leading_lines", ())
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return count


def _with_blank_lines(
    statement: cst.SimpleStatementLine | cst.BaseCompoundStatement, count: int
) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
    lines = list(statement.leading_lines)
    rest = lines[_leading_blank_lines(statement):]
    blank = lines[:count] + [cst.EmptyLine(indent=False)] * (count - len(lines[:count]))
    return statement.with_changes(leading_lines=[*blank[:count], *rest])


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
