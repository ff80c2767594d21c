"""ASYNC251: ``time.sleep()`` inside ``async def`` -> ``await asyncio.sleep()``."""

from __future__ import annotations

import math

import libcst as cst
from libcst.metadata import BaseAssignment, QualifiedNameSource

from . import (
    Fixer,
    Scopes,
    add_needed_import,
    exception_parts,
    is_dotted_name,
    register,
    remove_unused_import_by_node,
)

TARGET = "time.sleep"


@register
class SleepFixer(Fixer):
    """``time.sleep(x)`` stalls every task on the loop for ``x`` seconds.

    Directly inside an ``async def`` it becomes ``await asyncio.sleep(x)`` (or
    ``trio.sleep`` / ``anyio.sleep``, following the module).  An already-awaited
    ``await time.sleep(x)`` (which sleeps, then raises TypeError) gets the right
    callee and no second ``await``.
    """

    key = "sleep"  # asyncfix/rules.py says what the cheap stages look for
    code = "ASYNC251"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._forgotten: set[frozenset[BaseAssignment]] = set()

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self.could_be_target(original_node.func):
            return updated_node
        where = self.async_context()
        if not where.in_async:
            return updated_node
        binding = self._binding(original_node.func)
        if binding is None or self.silenced(original_node):
            return updated_node
        awaited = self.awaited(original_node)
        reason = binding or self._argument_problem(original_node) or self._delay_problem(original_node)
        if reason is None and (where.always is not None or (where.blocker is not None and not awaited)):
            reason = f"it is inside {where.blocker}"
        if reason is None:
            reason = self.loop_problem
        reference = self.loop_reference(original_node) if reason is None else None
        if reason is None and reference is None:
            reason = f"the name `{self.loop}` means something else here"
        if reason is not None or reference is None:
            self.report(original_node, f"`time.sleep()` blocks the event loop; not fixed: {reason}")
            return updated_node
        return self._rewrite(original_node, updated_node, reference, awaited)

    def _binding(self, func: cst.BaseExpression) -> str | None:
        """None: not time.sleep. "": surely time.sleep. Else why it is unclear."""
        if not is_dotted_name(func):
            # LibCST names a call or subscript after what it starts with, so
            # ``time.sleep(1)(2)`` and ``time().sleep(4)`` would pass for
            # time.sleep and lose their inner call in the rewrite.
            return None
        names = self.qualified_names(func)
        is_sleep = {q.name == TARGET and q.source is QualifiedNameSource.IMPORT for q in names}
        if is_sleep != {True, False} and is_sleep != {True}:
            return None
        if is_sleep == {True}:
            return ""
        others = sorted(q.name for q in names if q.name != TARGET)
        also = f" (also {', '.join(others)})" if others else ""
        return f"the name is bound to more than time.sleep{also}; cannot tell which one runs"

    @staticmethod
    def _argument_problem(call: cst.Call) -> str | None:
        args = call.args
        if len(args) == 1 and args[0].keyword is None and not args[0].star:
            return None
        return "expected exactly one positional argument (the seconds)"

    def _delay_problem(self, call: cst.Call) -> str | None:
        """A delay ``time.sleep()`` refuses (an exception) and the loop's sleep does not."""
        sleep = f"`{self.loop}.sleep()`"
        value = self._constant(call.args[0].value)
        if value is not None and math.isnan(value):
            # trio 0.35 raises ValueError too; older releases did not check
            forever = "sleeps forever"
            if self.loop == "trio":
                forever = "may sleep forever (depending on the trio version)"
            return f"the delay is NaN: `time.sleep()` raises ValueError, {sleep} {forever}"
        if value is not None and math.isinf(value) and value > 0:
            return f"the delay is infinite: `time.sleep()` raises OverflowError, {sleep} sleeps forever"
        if self.loop == "trio":
            return None  # trio.sleep raises ValueError for a negative delay too
        if value is not None and math.isinf(value):
            return f"the delay is -inf: `time.sleep()` raises OverflowError, {sleep} returns at once"
        if value is not None and value < 0:
            return f"the delay is negative: `time.sleep()` raises ValueError, {sleep} returns at once"
        if value is not None:
            return None  # a delay known to be fine: no handler can see a ValueError from it
        catcher = self._value_error_caught(call)
        if catcher is not None:
            return (
                f"it is inside {catcher} catching ValueError, which `time.sleep()` raises for a "
                f"negative delay and {sleep} does not"
            )
        return None

    def _constant(self, node: cst.BaseExpression) -> float | None:
        """The number a literal delay is: ``-1``, ``+2.5``, ``float("nan")``, ``math.inf``."""
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
            inner = self._constant(node.expression)
            if inner is None:
                return None
            return -inner if isinstance(node.operator, cst.Minus) else inner
        if isinstance(node, (cst.Integer, cst.Float)):
            try:
                return float(node.evaluated_value)
            except OverflowError:
                return math.inf
        if is_dotted_name(node):
            names = {q.name for q in self.qualified_names(node) if q.source is QualifiedNameSource.IMPORT}
            if names == {"math.nan"}:
                return math.nan
            if names == {"math.inf"}:
                return math.inf
            return None
        if (
            isinstance(node, cst.Call)
            and len(node.args) == 1
            and node.args[0].keyword is None
            and not node.args[0].star
            and isinstance(node.args[0].value, cst.SimpleString)
            and is_dotted_name(node.func)
            and {q.name for q in self.qualified_names(node.func)} == {"builtins.float"}
        ):
            text = node.args[0].value.evaluated_value
            try:
                return float(text) if isinstance(text, str) else None
            except ValueError:
                return None
        return None

    def _value_error_caught(self, call: cst.Call) -> str | None:
        """``try:`` (or ``with suppress(...)``) around ``call`` in its function that catches ValueError."""
        child: cst.CSTNode = call
        current = self.parent(call)
        while current is not None and not isinstance(
            current, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
        ):
            if isinstance(current, (cst.Try, cst.TryStar)) and child is current.body:
                if any(
                    self._names_value_error(part)
                    for handler in current.handlers
                    for part in exception_parts(handler.type)
                ):
                    return "a `try`"
            if isinstance(current, cst.With) and any(
                self._names_value_error(part)
                for item in current.items
                for part in self.suppressed(item) or ()
            ):
                return "a `with suppress(...)`"
            child, current = current, self.parent(current)
        return None

    def _names_value_error(self, node: cst.BaseExpression) -> bool:
        """``ValueError``, or a tuple holding it."""
        if isinstance(node, cst.Tuple):
            return any(self._names_value_error(element.value) for element in node.elements)
        return is_dotted_name(node) and "builtins.ValueError" in {
            q.name for q in self.qualified_names(node)
        }

    def _rewrite(
        self, original: cst.Call, updated: cst.Call, reference: str, awaited: bool
    ) -> cst.BaseExpression:
        func = cst.Attribute(value=cst.Name(reference), attr=cst.Name("sleep"))
        if reference == self.loop:
            add_needed_import(self.context, self.loop)
        self._forget_import(original.func)
        self.record_fix(original, f"`time.sleep()` -> `await {reference}.sleep()`")
        if awaited:
            return updated.with_changes(func=func)
        lpar, rpar = updated.lpar, updated.rpar
        if not lpar and self.needs_parentheses(original):
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        call = updated.with_changes(func=func, lpar=[], rpar=[])
        return cst.Await(expression=call, lpar=lpar, rpar=rpar)

    def _forget_import(self, func: cst.BaseExpression) -> None:
        """Queue the import that binds ``func`` for removal (it stays if still used).

        Once per binding: LibCST's helper builds a new visitor on every call,
        which costs more than the rest of a fix (~6 ms each).
        """
        root = func
        while isinstance(root, cst.Attribute):
            root = root.value
        scope = self.get_metadata(Scopes, root, None)
        if scope is not None and isinstance(root, cst.Name):
            binding = frozenset(scope[root.value])
            if binding in self._forgotten:
                return
            self._forgotten.add(binding)
        remove_unused_import_by_node(self.context, func)
