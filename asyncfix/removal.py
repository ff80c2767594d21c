"""Removing the imports the fixers left unused: LibCST's RemoveImportsVisitor, kept apart.

Importing ``libcst.codemod`` imports LibCST's matchers (0.2 s), so this
module is imported only by a run that has an import to remove.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import libcst as cst
from libcst import CSTNodeT
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor

from .fixers import REMOVE_KEY, FileContext, Wrapper, transform_on

assert REMOVE_KEY == RemoveImportsVisitor.CONTEXT_KEY  # where the fixers leave their requests


def remove_imports(context: FileContext, module: cst.Module) -> cst.Module:
    """The imports the fixers asked to remove, removed where nothing uses them any more."""
    codemod_context = CodemodContext(
        filename=context.filename, full_package_name=context.full_package_name, scratch=context.scratch
    )
    return _RemoveImports(codemod_context).transform_module(module)


_Statement = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_Block = (cst.Module, cst.IndentedBlock)


class _RemoveImports(RemoveImportsVisitor):
    """RemoveImportsVisitor that leaves blank lines and comments in place.

    LibCST drops a removed line together with the blank and comment lines
    above it: after a docstring / blank / ``import time`` the docstring would
    be glued to the next line, and a removed first line would leave the file
    opening with the blank line that followed it.  Here the next line of the
    same block takes over the removed line's blank lines: exactly those when
    nothing above it was kept, else the larger of the two counts.  When a
    comment line is among them, the next line takes them all as they were,
    above its own (the block's last lines, after its statements, when no
    line follows): only the import's own line goes.  An import on a line with
    a comment (``import time  # used by plugins``, or one inside its
    parentheses) is kept whole: the comment is about it.
    """

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._kept: list[bool] = []  # per open block: has a statement been kept?
        self._carry: _Carry | None = None  # lines the next statement of the block takes over
        self._inherit: dict[cst.CSTNode, _Carry] = {}  # next line -> what it takes over
        self._commented: set[cst.CSTNode] = set()  # imports on a line with a comment

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """``Codemod.transform_module``, with the metadata of a :class:`Wrapper`."""
        return transform_on(self, Wrapper(tree))  # copied: the fixers' tree may hold a node twice

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _Block):
            self._kept.append(False)
        elif isinstance(node, _Statement):
            if self._carry is not None and self._carry.depth == len(self._kept):
                self._inherit[node] = self._carry
            self._carry = None
            if isinstance(node, cst.SimpleStatementLine) and _has_comment(node):
                self._commented.update(
                    small for small in node.body if isinstance(small, (cst.Import, cst.ImportFrom))
                )
        return super().on_visit(node)

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        if original_node in self._commented:
            return updated_node
        return super().leave_Import(original_node, updated_node)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if original_node in self._commented:
            return updated_node
        return super().leave_ImportFrom(original_node, updated_node)

    def on_leave(
        self, original_node: CSTNodeT, updated_node: CSTNodeT
    ) -> CSTNodeT | cst.RemovalSentinel:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, _Block):
            self._kept.pop()
            carry, self._carry = self._carry, None
            if (
                carry is not None
                and carry.lines is not None
                and isinstance(result, (cst.Module, cst.IndentedBlock))
            ):
                # comments above the block's last statements, removed: after its statements
                return cast(CSTNodeT, result.with_changes(footer=[*carry.lines, *result.footer]))
            return result
        if not isinstance(original_node, _Statement):
            return result
        inherited = self._inherit.pop(original_node, None)
        first = not self._kept[-1]
        if isinstance(result, cst.RemovalSentinel) or (
            isinstance(result, cst.SimpleStatementLine) and not result.body
        ):
            self._carry = _removed(original_node, inherited, first, len(self._kept))
            return result
        self._kept[-1] = True
        if inherited is None or not isinstance(result, _Statement):
            return result
        if inherited.lines is not None:
            lines = [*inherited.lines, *result.leading_lines]
            return cast(CSTNodeT, result.with_changes(leading_lines=lines))
        own = _leading_blank_lines(result)
        blank = inherited.blank if first else max(inherited.blank, own)
        return cast(CSTNodeT, _with_blank_lines(result, blank))


@dataclass(frozen=True)
class _Carry:
    """What a removed statement leaves to the next one of its block."""

    depth: int  # the block's depth
    blank: int  # blank lines, when there is no comment among them
    lines: tuple[cst.EmptyLine, ...] | None  # else every line, as it was


def _removed(
    statement: cst.SimpleStatementLine | cst.BaseCompoundStatement,
    inherited: _Carry | None,
    first: bool,
    depth: int,
) -> _Carry:
    """What ``statement``, removed, leaves to the next line, with what it inherited itself."""
    own = _leading_blank_lines(statement)
    lines = tuple(statement.leading_lines)
    if inherited is not None and inherited.lines is not None:
        return _Carry(depth, 0, inherited.lines + lines)
    if inherited is not None:
        blank = inherited.blank if first else max(inherited.blank, own)
    else:
        blank = own
    if len(lines) == own:  # no comment
        return _Carry(depth, blank, None)
    blanks = (cst.EmptyLine(indent=False),) * blank
    return _Carry(depth, 0, blanks + lines[own:])


def _has_comment(line: cst.SimpleStatementLine) -> bool:
    """A comment on the statement's own line(s), leading lines aside."""
    if line.trailing_whitespace.comment is not None:
        return True
    # imports hold no strings: a ``#`` in one is a comment inside its parentheses
    return any(
        "#" in _EMPTY.code_for_node(small)
        for small in line.body
        if isinstance(small, (cst.Import, cst.ImportFrom))
    )


_EMPTY = cst.Module([])


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
