"""Removing the imports the fixers left unused: LibCST's RemoveImportsVisitor, kept apart.

Importing ``libcst.codemod`` imports LibCST's matchers (0.2 s), so this
module is imported only by a run that has an import to remove.
"""

from __future__ import annotations

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

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """``Codemod.transform_module``, with the metadata of a :class:`Wrapper`."""
        return transform_on(self, Wrapper(tree))  # copied: the fixers' tree may hold a node twice

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
