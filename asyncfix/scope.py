"""Where am I? The async-context stack shared by the fixers.

Every ``def``, ``lambda`` and ``class`` pushes a frame for its *body* only: a
decorator, a parameter default, an annotation or a class base runs in the
enclosing scope.  Likewise the first ``for ... in`` iterable of a comprehension
runs in the enclosing scope, and a variable annotation inside a function never
runs at all.  A blocking call may take an ``await`` only when the innermost
function frame is an ``async def`` body and nothing between it and the call
forbids or changes the meaning of ``await``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import libcst as cst


class Frame(enum.Enum):
    ASYNC_BODY = "async"
    SYNC_BODY = "sync"
    GENEXP = "a generator expression (an await there turns it into an async generator)"
    COMPREHENSION = "comprehension"
    DEFAULT = "a parameter default or annotation (it runs once, when the function is defined)"
    DECORATOR = "a decorator (it runs once, when the function is defined)"
    # ``x: <annotation> = v`` in a function: the annotation is never evaluated,
    # so nothing there blocks (and with ``from __future__ import annotations``
    # an ``await`` there is a SyntaxError).
    UNEVALUATED = "unevaluated"
    # ``f"{expr=}"`` prints the text of ``expr``: a rewrite changes the output,
    # ``await`` or not.
    SHOWN = "an f-string `=` expression (its source text is printed)"


@dataclass(frozen=True)
class Context:
    """The answer for one call site."""

    in_async: bool
    # Why an ``await`` cannot be added here, when in_async but not fixable.
    blocker: str | None = None
    # Why the call cannot be rewritten at all, even when already awaited
    # (``f"{await time.sleep(1)=}"``); when set, ``blocker`` is set too.
    always: str | None = None


NESTED_COMPREHENSION = (
    "a comprehension nested in another comprehension "
    "(Python before 3.11 rejects await there)"
)


class AsyncContextTracker(cst.CSTTransformer):
    """Mixin keeping ``self.frames`` in step with the tree walk."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.frames: list[Frame] = []
        # The first ``for`` clause of every comprehension seen, and the frames
        # taken off the stack while its iterable (which runs outside) is walked.
        self._outermost: set[cst.CompFor] = set()
        self._suspended: list[Frame] = []

    def async_context(self) -> Context:
        """Classify the node being visited now."""
        blocker: str | None = None
        always: str | None = None
        comprehensions = 0
        for frame in reversed(self.frames):
            if frame is Frame.ASYNC_BODY:
                if blocker is None and comprehensions > 1:
                    blocker = NESTED_COMPREHENSION
                return Context(in_async=True, blocker=always or blocker, always=always)
            if frame is Frame.SYNC_BODY or frame is Frame.UNEVALUATED:
                return Context(in_async=False)
            if frame is Frame.COMPREHENSION:
                comprehensions += 1
            elif frame is Frame.SHOWN:
                always = always or frame.value
            elif blocker is None:
                blocker = frame.value
        return Context(in_async=False)

    def _push(self, frame: Frame) -> None:
        self.frames.append(frame)

    def _pop(self) -> None:
        self.frames.pop()

    # def / async def: the body is the function's own; the rest runs outside.
    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._push(Frame.ASYNC_BODY if node.asynchronous else Frame.SYNC_BODY)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_FunctionDef_params(self, node: cst.FunctionDef) -> None:
        self._push(Frame.DEFAULT)

    def leave_FunctionDef_params(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_FunctionDef_returns(self, node: cst.FunctionDef) -> None:
        self._push(Frame.DEFAULT)

    def leave_FunctionDef_returns(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_FunctionDef_decorators(self, node: cst.FunctionDef) -> None:
        self._push(Frame.DECORATOR)

    def leave_FunctionDef_decorators(self, node: cst.FunctionDef) -> None:
        self._pop()

    # lambda: a sync function; its defaults run where the lambda is written.
    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._push(Frame.SYNC_BODY)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._pop()

    def visit_Lambda_params(self, node: cst.Lambda) -> None:
        self._push(Frame.DEFAULT)

    def leave_Lambda_params(self, node: cst.Lambda) -> None:
        self._pop()

    # class: the body is a sync scope (await there is a SyntaxError).
    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._push(Frame.SYNC_BODY)

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._pop()

    def visit_ClassDef_decorators(self, node: cst.ClassDef) -> None:
        self._push(Frame.DECORATOR)

    def leave_ClassDef_decorators(self, node: cst.ClassDef) -> None:
        self._pop()

    # x: annotation = value
    def visit_AnnAssign_annotation(self, node: cst.AnnAssign) -> None:
        self._push(Frame.UNEVALUATED)

    def leave_AnnAssign_annotation(self, node: cst.AnnAssign) -> None:
        self._pop()

    # f"{expr=}": the text of ``expr`` is part of the output.
    def visit_FormattedStringExpression_expression(self, node: cst.FormattedStringExpression) -> None:
        if node.equal is not None:
            self._push(Frame.SHOWN)

    def leave_FormattedStringExpression_expression(self, node: cst.FormattedStringExpression) -> None:
        if node.equal is not None:
            self._pop()

    # comprehensions: ``[elt for x in first for y in other if cond]`` runs all
    # but ``first`` in its own scope; ``first`` is evaluated where it is written.
    def _push_comprehension(self, frame: Frame, node: cst.BaseComp) -> None:
        self._push(frame)
        self._outermost.add(node.for_in)

    def visit_CompFor_iter(self, node: cst.CompFor) -> None:
        if node in self._outermost:
            self._suspended.append(self.frames.pop())

    def leave_CompFor_iter(self, node: cst.CompFor) -> None:
        if node in self._outermost:
            self.frames.append(self._suspended.pop())

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        self._push_comprehension(Frame.GENEXP, node)
        return True

    def leave_GeneratorExp(
        self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp
    ) -> cst.BaseExpression:
        self._pop()
        return updated_node

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        self._push_comprehension(Frame.COMPREHENSION, node)
        return True

    def leave_ListComp(
        self, original_node: cst.ListComp, updated_node: cst.ListComp
    ) -> cst.BaseExpression:
        self._pop()
        return updated_node

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        self._push_comprehension(Frame.COMPREHENSION, node)
        return True

    def leave_SetComp(
        self, original_node: cst.SetComp, updated_node: cst.SetComp
    ) -> cst.BaseExpression:
        self._pop()
        return updated_node

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        self._push_comprehension(Frame.COMPREHENSION, node)
        return True

    def leave_DictComp(
        self, original_node: cst.DictComp, updated_node: cst.DictComp
    ) -> cst.BaseExpression:
        self._pop()
        return updated_node
