"""The fixer registry and the base class every fixer builds on.

One fixer per module in this package, registered with :func:`register`; the
modules are imported by :func:`load` so that adding a fixer touches its own
module, its fixtures and a README line, nothing else.
"""

from __future__ import annotations

import importlib
import itertools
import re
import pkgutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from contextlib import AbstractContextManager
from typing import Any, ClassVar, Optional, Protocol, cast

import libcst as cst
from libcst import CSTNodeT
from libcst.helpers import get_absolute_module_from_package_for_import, get_full_name_for_node
from libcst.metadata import (
    Assignment,
    BaseMetadataProvider,
    BatchableMetadataProvider,
    CodeRange,
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    ProviderT,
    QualifiedName,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)
from libcst.metadata.expression_context_provider import ExpressionContextVisitor
from libcst.metadata.position_provider import PositionProvidingCodegenState
from libcst.metadata.scope_provider import ScopeVisitor

from ..model import Finding, Fix, Settings
from ..rules import RULES, enabled_codes
from ..noqa import NoqaMap
from ..scope import AsyncContextTracker

LOOP_LIBRARIES = ("asyncio", "trio", "anyio")
_UNSET = object()


@dataclass(frozen=True)
class Placed(CodeRange):
    """Where a node is (as LibCST's ``PositionProvider`` says) and its parent node."""

    parent: Optional[cst.CSTNode] = field(default=None, compare=False)


@dataclass(frozen=True)
class PlacedModule(Placed):
    """The module's place, and its text as printing gave it (what ``module.code`` is)."""

    code: str = field(default="", compare=False)


class Layout(BaseMetadataProvider[Placed]):
    """Positions, as ``PositionProvider`` gives them, and parents, in one pass.

    ``PositionProvider`` prints the module to know where each node is;
    ``ParentNodeProvider`` walks it and asks every node for its children
    (which rebuilds each node once more): together a fifth of a fixer's
    time.  Printing goes through every node from the root down as well, so
    here it also notes the node above each one, and keeps the text it made
    (the module's :class:`PlacedModule`).
    """

    def _gen_impl(self, module: cst.Module) -> None:
        state = _LayoutState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=self,
        )
        state.path = []
        state.parents = {}
        module._codegen(state)
        parents = state.parents
        for node, value in list(self._computed.items()):
            where = cast(CodeRange, value)  # printing records plain ranges
            self.set_metadata(node, Placed(where.start, where.end, parents.get(node)))
        where = cast(CodeRange, self._computed[module])
        self.set_metadata(module, PlacedModule(where.start, where.end, None, "".join(state.tokens)))


class _LayoutState(PositionProvidingCodegenState):
    __slots__ = ("path", "parents")  # set after LibCST's dataclass __init__

    path: list[cst.CSTNode]
    parents: dict[cst.CSTNode, cst.CSTNode]

    def before_codegen(self, node: cst.CSTNode) -> None:
        if self.path:
            self.parents[node] = self.path[-1]
        self.path.append(node)
        super().before_codegen(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        super().after_codegen(node)
        self.path.pop()


class Contexts(BaseMetadataProvider[ExpressionContext]):
    """LibCST's ``ExpressionContextProvider``, without a batched walk for nothing.

    Both it and ``ScopeProvider`` do their work in one walk of their own,
    started from ``visit_Module``; as batchable providers, LibCST then walks
    the whole tree again calling nobody.  These run the same walks alone.
    """

    def _gen_impl(self, module: cst.Module) -> None:
        # it only records through the provider it is given
        module.visit(ExpressionContextVisitor(self, ExpressionContext.LOAD))  # type: ignore[arg-type]


class Scopes(BaseMetadataProvider[Optional[Scope]]):
    """LibCST's ``ScopeProvider`` (see :class:`Contexts`)."""

    METADATA_DEPENDENCIES = (Contexts,)

    def _gen_impl(self, module: cst.Module) -> None:
        visitor = ScopeVisitor(self)  # type: ignore[arg-type]  # it only records and asks
        module.visit(visitor)
        visitor.infer_accesses()

    def get_metadata(self, key: ProviderT, node: cst.CSTNode, default: Any = _UNSET) -> Any:
        # The scope walk asks ExpressionContextProvider: it is Contexts here.
        if key is ExpressionContextProvider:
            key = Contexts
        if default is _UNSET:
            return super().get_metadata(key, node)
        return super().get_metadata(key, node, default)


class Wrapper(MetadataWrapper):
    """LibCST's ``MetadataWrapper``, without an empty walk per round of resolving.

    LibCST resolves providers in rounds; each round ends with a batched walk
    of the whole tree for the batchable providers of the round, made even
    when there are none.  Every provider here computes its own metadata in
    its own walk (or print), so those walks were for nothing: one or two per
    fixer run.  Here a provider's dependencies are resolved first, then the
    provider, and nothing else; a batchable or cached provider goes LibCST's
    way.

    LibCST's scope and expression-context providers are answered by the
    same walks here (:class:`Scopes`, :class:`Contexts`): asked for them,
    LibCST's import removal no longer analyses a module's scopes a second
    time.
    """

    __slots__ = ()

    def resolve_many(
        self, providers: Collection[ProviderT]
    ) -> Mapping[ProviderT, Mapping[cst.CSTNode, object]]:
        for provider in providers:
            self._resolve_alone(provider)
        return {provider: self._metadata[provider] for provider in providers}

    def _resolve_alone(self, provider: ProviderT) -> None:
        if provider in self._metadata:
            return
        ours = _THE_SAME.get(provider)
        if ours is not None:
            self._resolve_alone(ours)
            self._metadata[provider] = self._metadata[ours]
            return
        for dependency in provider.METADATA_DEPENDENCIES:
            self._resolve_alone(dependency)
        if issubclass(provider, BatchableMetadataProvider) or provider.gen_cache:
            super().resolve_many([provider])
        else:
            self._metadata[provider] = provider()._gen(self)


# LibCST's providers, and those here that record the same for every node
# (tests/test_fixer_helpers.py compares them on every fixture).
_THE_SAME: dict[ProviderT, ProviderT] = {ScopeProvider: Scopes, ExpressionContextProvider: Contexts}


@dataclass(frozen=True)
class FileContext:
    """What the fixers of one file share: its name, the imports to add and remove, the metadata.

    LibCST's ``CodemodContext``, without importing ``libcst.codemod``: that
    imports LibCST's matchers, 0.2 s of every process that gets a file this
    far.  ``scratch`` holds the import requests under the keys LibCST's
    import visitors read (asyncfix/transform.py hands them over when it
    needs them).
    """

    filename: Optional[str] = None
    full_package_name: Optional[str] = None
    scratch: dict[str, Any] = field(default_factory=dict)
    wrapper: Optional[Wrapper] = None


ADD_KEY = "AddImportsVisitor"  # LibCST's AddImportsVisitor.CONTEXT_KEY: modules to ``import``
REMOVE_KEY = "RemoveImportsVisitor"  # RemoveImportsVisitor.CONTEXT_KEY: (module, obj, asname)


def add_needed_import(context: FileContext, module: str) -> None:
    """``import module`` is needed (``AddImportsVisitor.add_needed_import`` for a plain import)."""
    context.scratch.setdefault(ADD_KEY, []).append(module)


def remove_unused_import_by_node(context: FileContext, node: cst.CSTNode) -> None:
    """LibCST's ``RemoveImportsVisitor.remove_unused_import_by_node``, on :class:`Scopes`.

    The imports ``node`` (a reference the fixer removed) was bound by may no
    longer be used: ask for their removal, which happens only if nothing
    uses them in the end.
    """
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        for imported, _ in _imported(context, node):
            _remove(context, imported)
        return
    wrapper = context.wrapper
    if wrapper is None:
        raise ValueError("Cannot look up import, metadata is not computed for node!")
    scopes = wrapper.resolve(Scopes)
    for reference in _names_in(node):
        local_name = get_full_name_for_node(reference)
        scope = scopes.get(reference)
        if local_name is None or scope is None:
            continue
        while True:
            for assignment in scope.assignments[reference] or set():
                bound = getattr(assignment, "node", None)
                if isinstance(assignment, Assignment) and isinstance(bound, (cst.Import, cst.ImportFrom)):
                    for imported, prefix in _imported(context, bound):
                        if local_name == prefix or local_name.startswith(f"{prefix}."):
                            _remove(context, imported)
            if scope is scope.parent:
                break
            scope = scope.parent


def _names_in(node: cst.CSTNode) -> list[cst.Name | cst.Attribute]:
    """The names and attributes in ``node``, outermost first, as a LibCST walk meets them."""
    collector = _NamesAndAttributes()
    node.visit(collector)
    return collector.found


class _NamesAndAttributes(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.Name | cst.Attribute] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.found.append(node)


_Imported = tuple[tuple[str, Optional[str], Optional[str]], str]


def _imported(context: FileContext, node: cst.Import | cst.ImportFrom) -> list[_Imported]:
    """Per name an import binds: (module, obj, asname) as LibCST schedules it, and the local name."""
    if isinstance(node, cst.Import):
        return [
            ((name.evaluated_name, None, name.evaluated_alias), name.evaluated_alias or name.evaluated_name)
            for name in node.names
        ]
    names = node.names
    if isinstance(names, cst.ImportStar):
        return []  # LibCST does not remove these either
    module = get_absolute_module_from_package_for_import(context.full_package_name, node)
    if module is None:
        raise ValueError("Cannot look up absolute module from relative import!")
    return [
        ((module, alias.evaluated_name, alias.evaluated_alias), alias.evaluated_alias or alias.evaluated_name)
        for alias in names
    ]


def _remove(context: FileContext, imported: tuple[str, Optional[str], Optional[str]]) -> None:
    context.scratch.setdefault(REMOVE_KEY, []).append(imported)


class _Walker(Protocol):
    """A transformer with a codemod context: ours, or one of LibCST's codemods."""

    context: Any

    def resolve(self, wrapper: MetadataWrapper) -> AbstractContextManager[None]: ...

    def transform_module_impl(self, tree: cst.Module) -> cst.Module: ...


def transform_on(transformer: _Walker, wrapper: Wrapper) -> cst.Module:
    """Walk ``wrapper``'s tree with ``transformer``, its metadata from ``wrapper``.

    What ``Codemod.transform_module`` does with a wrapper of its own making:
    the context names the wrapper during the walk (LibCST's import helpers
    read it there).
    """
    with transformer.resolve(wrapper):
        transformer.context = replace(transformer.context, wrapper=wrapper)
        try:
            return transformer.transform_module_impl(wrapper.module)
        finally:
            transformer.context = replace(transformer.context, wrapper=None)


class _Transformer(cst.CSTTransformer):
    """LibCST's ``ContextAwareTransformer``, without the matcher machinery (or its import).

    That one is also a ``MatcherDecoratableTransformer``: for decorators no
    fixer uses, it checks every node of every walk (a sixth of a fixer's
    time) and inspects the class on every construction.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """``Codemod.transform_module``: the metadata resolved on a copy of ``tree``, then the walk."""
        return transform_on(self, Wrapper(tree))  # copied: a transformed tree may hold a node twice

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return tree.visit(self)


class Fixer(AsyncContextTracker, _Transformer):
    """One rule: finds its blocking calls, rewrites the safe ones, reports the rest.

    Subclasses set the class attributes below and record what they do with
    :meth:`record_fix` and :meth:`report`; a call they cannot prove safe is
    reported and returned unchanged.
    """

    # Its entry in asyncfix/rules.py RULES (what the cheap stages check before
    # a fixer ever runs) and the code it reports unless it says otherwise.
    key: ClassVar[str]
    code: ClassVar[str]

    # No QualifiedNameProvider: it walks the whole module to ask every node's
    # scope for its names; :meth:`qualified_names` asks for the few callees
    # that matter, the same way.
    METADATA_DEPENDENCIES = (
        Layout,
        Scopes,
    )

    def __init__(self, context: FileContext, settings: Settings, noqa: NoqaMap) -> None:
        super().__init__(context)
        self.settings = settings
        self.noqa = noqa
        self.fixes: list[Fix] = []
        self.findings: list[Finding] = []
        self._loop: str = "asyncio"
        self._loop_problem: str | None = None
        self._binding_cache: dict[cst.CSTNode, _Bindings] = {}
        self._hidden: bool | None = None  # see _module_may_hide_bindings
        self._function_name_cache: dict[cst.CSTNode, frozenset[str]] = {}
        self.enabled = enabled_codes(settings)

    # -- module-wide facts ---------------------------------------------------

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self.prepare(tree)
        return super().transform_module_impl(tree)

    def prepare(self, tree: cst.Module) -> None:
        """Module-wide facts, computed once before the walk."""
        self._loop, self._loop_problem = event_loop_of(tree, self.settings)
        self._spellings = target_spellings(tree, RULES[self.key].targets)

    def could_be_target(self, func: cst.BaseExpression) -> bool:
        """A cheap syntactic test before the (costly) qualified-name lookup.

        On a 7,000-line file, asking LibCST for the qualified name of every
        call's callee costs seconds; ``x.sleep`` / ``sleep`` / an alias
        imported from the target's module are the only spellings worth asking
        about.
        """
        if isinstance(func, cst.Attribute):
            return func.attr.value in self._spellings
        return isinstance(func, cst.Name) and func.value in self._spellings

    @property
    def loop(self) -> str:
        """The event-loop library this module's rewrites await."""
        return self._loop

    @property
    def loop_problem(self) -> str | None:
        """Why the module's event loop is unclear (None: it is clear, or set by the user)."""
        return self._loop_problem

    def loop_reference(self, node: cst.CSTNode) -> str | None:
        """How to spell the loop library at ``node``, or None if the name is taken."""
        return self.module_reference(node, self.loop)

    def module_reference(self, node: cst.CSTNode, module: str) -> str | None:
        """How to spell ``module`` at ``node``, or None if the name is taken.

        An existing ``import asyncio as aio`` is reused; otherwise the plain
        name must be free (or already the module) wherever ``node`` can see.
        """
        scope = self.get_metadata(Scopes, node, None)
        if scope is None:
            return None
        for alias in _module_aliases(self.context, module):
            if _names_only(scope.get_qualified_names_for(alias), module) and not self._rebound(
                node, alias, module
            ):
                return alias
        if _names_only(scope.get_qualified_names_for(module), module) and not self._rebound(
            node, module, module
        ):
            return module
        return None

    def _rebound(self, node: cst.CSTNode, name: str, module: str) -> bool:
        """``name`` may not be the module-level import of ``module`` where ``node`` runs.

        LibCST's scopes miss some bindings (``match`` captures, a walrus in
        a comprehension, ``del``) and count an ``import`` later in the same
        function as binding only below it, though it makes the name local
        to the whole function.  So, by the statements themselves: any
        binding of ``name`` in a function around ``node`` (an import of
        ``module`` included), or a module-level one that is not an import
        of ``module``, and the name is not used.
        """
        current = self.parent(node)
        while current is not None:
            if isinstance(current, (cst.FunctionDef, cst.Lambda)):
                kinds = self._bindings(current).kinds
                if name in kinds:
                    # `import asyncio` at the top of the function, above the call, and
                    # no other binding: the name is that module wherever the call runs
                    return kinds[name] != {f"import {module}"} or not self._imported_above(
                        current, node, name, module
                    )
            elif isinstance(current, cst.Module):
                if not self._module_may_hide_bindings(current):
                    return False  # none of what LibCST misses: no walk of a big module
                bound = self._bindings(current)
                return bool(bound.kinds.get(name, set()) - {f"import {module}"}) or name in bound.declared
            current = self.parent(current)
        return False

    def _imported_above(
        self, function: cst.FunctionDef | cst.Lambda, node: cst.CSTNode, name: str, module: str
    ) -> bool:
        """An ``import module`` binding ``name`` among the function's own statements above ``node``'s."""
        body = function.body
        if not isinstance(body, cst.IndentedBlock):
            return False
        statement: cst.CSTNode | None = node
        while statement is not None and self.parent(statement) is not body:
            statement = self.parent(statement)
        if statement is None:
            return False
        for earlier in body.body:
            if earlier is statement:
                return False
            if isinstance(earlier, cst.SimpleStatementLine) and any(
                isinstance(small, cst.Import)
                and any(
                    alias.evaluated_name == module
                    and (alias.evaluated_alias or alias.evaluated_name.split(".")[0]) == name
                    for alias in small.names
                )
                for small in earlier.body
            ):
                return True
        return False

    def _module_may_hide_bindings(self, module: cst.Module) -> bool:
        """Whether the module's text has any of what LibCST's scopes miss (searched once)."""
        if self._hidden is None:
            placed = self.get_metadata(Layout, module, None)
            code = placed.code if isinstance(placed, PlacedModule) else module.code
            self._hidden = _UNSEEN_BINDING.search(code) is not None
        return self._hidden

    def _bindings(self, scope: cst.FunctionDef | cst.Lambda | cst.Module) -> _Bindings:
        found = self._binding_cache.get(scope)
        if found is None:
            found = self._binding_cache[scope] = _Bindings.of(scope)
        return found

    # -- call sites ----------------------------------------------------------

    def qualified_names(self, node: cst.CSTNode) -> set[QualifiedName]:
        """What LibCST's ``QualifiedNameProvider`` would give for ``node``."""
        scope = self.get_metadata(Scopes, node, None)
        return set(scope.get_qualified_names_for(node)) if scope else set()

    def silenced(self, node: cst.CSTNode, code: str | None = None) -> bool:
        """A ``# noqa`` (bare or naming this code) on the call's first or last line."""
        pos = self.get_metadata(Layout, node)
        return self.noqa.silenced(code or self.code, pos.start.line, pos.end.line)

    def record_fix(self, node: cst.CSTNode, message: str, code: str | None = None) -> None:
        self.fixes.append(Fix(*self._where(node, message, code)))

    def report(self, node: cst.CSTNode, message: str, code: str | None = None) -> None:
        self.findings.append(Finding(*self._where(node, message, code)))

    def _where(
        self, node: cst.CSTNode, message: str, code: str | None
    ) -> tuple[int, int, str, str, int, int]:
        """The fields of a Fix or Finding: 1-based start, code, message, end."""
        pos = self.get_metadata(Layout, node)
        start, end = pos.start, pos.end
        return (start.line, start.column + 1, code or self.code, message, end.line, end.column + 1)

    def awaited(self, call: cst.Call) -> bool:
        """``await call(...)`` already (parentheses belong to the call in LibCST)."""
        return isinstance(self.parent(call), cst.Await)

    def fresh_name(self, node: cst.CSTNode, candidates: tuple[str, ...]) -> str:
        """The first of ``candidates`` (then ``candidate_2``, ...) the function around ``node`` does not use.

        Not bound or read in its scope (or seen from it), and not named
        anywhere in the function, nested scopes included: a comprehension or
        a nested function reading a global of that name would see the new
        binding instead.
        """
        taken = self._function_names(node)
        if isinstance(node, cst.SimpleStatementLine):
            node = node.body[0]
        scope = self.get_metadata(Scopes, node, None)
        for number in range(1, 100):
            for candidate in candidates:
                name = candidate if number == 1 else f"{candidate}_{number}"
                if name not in taken and (scope is None or not name_used(scope, name)):
                    return name
        raise ValueError(f"no free name like {candidates[0]!r} in this function")

    def _function_names(self, node: cst.CSTNode) -> frozenset[str]:
        """Every identifier the function around ``node`` mentions (nested scopes included)."""
        function = self.parent(node)
        while function is not None and not isinstance(function, cst.FunctionDef):
            function = self.parent(function)
        if function is None:
            return frozenset()
        names = self._function_name_cache.get(function)
        if names is None:
            names = frozenset(n.value for n in nodes_of(function, cst.Name))
            self._function_name_cache[function] = names
        return names

    def assigned_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of ``name = <value>``, when that is the only binding of ``name`` in reach."""
        scope = self.get_metadata(Scopes, name, None)
        assignments = list(scope[name.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        target = self.parent(assignments[0].node)
        statement = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement.value
        return None

    def suppressed(self, item: cst.WithItem) -> list[cst.BaseExpression] | None:
        """The exceptions of a ``with contextlib.suppress(...)`` item (None: another item)."""
        call = item.item
        if not (
            isinstance(call, cst.Call)
            and is_dotted_name(call.func)
            and {q.name for q in self.qualified_names(call.func)} == {"contextlib.suppress"}
        ):
            return None
        return [part for arg in call.args for part in exception_parts(arg.value)]

    def shown_in_fstring(self, node: cst.CSTNode) -> bool:
        """``node`` is in the expression of an f-string ``{expr=}``, whose text is printed.

        The walk's own contexts say the same (``Context.always``, Frame.SHOWN)
        for the node being visited; this answers for any node, after the walk.
        """
        child: cst.CSTNode = node
        current = self.parent(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
            if (
                isinstance(current, cst.FormattedStringExpression)
                and current.equal is not None
                and child is current.expression
            ):
                return True
            child, current = current, self.parent(current)
        return False

    def contains(self, container: cst.CSTNode, node: cst.CSTNode) -> bool:
        """``node`` is ``container`` or inside it (climbing the parent links)."""
        current: cst.CSTNode | None = node
        while current is not None:
            if current is container:
                return True
            current = self.parent(current)
        return False

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        placed = self.get_metadata(Layout, node, None)
        return placed.parent if placed is not None else None

    def needs_parentheses(self, node: cst.CSTNode) -> bool:
        """An ``await`` put where ``node`` is needs parentheses.

        ``await`` binds looser than ``.attr``, ``[i]`` and ``(...)`` after it:
        ``await x.y`` awaits ``x.y``, not ``x``.
        """
        parent = self.parent(node)
        if isinstance(parent, (cst.Attribute, cst.Subscript)):
            return parent.value is node
        if isinstance(parent, cst.Call):
            return parent.func is node
        return False


# What may bind a module-level name where LibCST's scopes do not see it (and
# ``global``): a line starting ``match``/``case``/``del``/``global``, or ``:=``.
_UNSEEN_BINDING = re.compile(r"^[ \t]*(?:match|case|del|global)\b|:=", re.MULTILINE)


class _Bindings(cst.CSTVisitor):
    """The names a function (or the module) binds, by the statements that bind them.

    ``kinds[name]``: ``"import <module>"`` for ``import module`` (or ``import
    module as name``), ``"other"`` for every other binding: assignments of
    every kind (a walrus in a comprehension too), ``for``/``with``/``except``
    targets, ``del``, ``def`` and ``class`` names, ``match`` captures,
    parameters, ``nonlocal`` (the enclosing function's binding is found
    there too).  ``declared``: names
    some function declares ``global`` (it may rebind the module's name).
    """

    def __init__(self) -> None:
        super().__init__()
        self.kinds: dict[str, set[str]] = {}
        self.declared: set[str] = set()
        self._depth = 0  # nested def/class/lambda bodies: not this scope's names

    @classmethod
    def of(cls, scope: cst.FunctionDef | cst.Lambda | cst.Module) -> _Bindings:
        found = cls()
        if isinstance(scope, cst.Module):
            scope.visit(found)
            return found
        for param in _params(scope.params):
            found._bind(param.name.value)
        scope.body.visit(found)
        return found

    def _bind(self, name: str, kind: str = "other") -> None:
        self.kinds.setdefault(name, set()).add(kind)

    def _bind_target(self, target: cst.BaseExpression) -> None:
        """The names an assignment target binds (not ``a.b`` or ``a[i]``)."""
        if isinstance(target, cst.Name):
            self._bind(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Global):
            self.declared.update(item.name.value for item in node.names)
            if self._depth == 0:
                for item in node.names:
                    self._bind(item.name.value)
        if self._depth == 0:
            self._own(node)
        return True

    # Only the body of a nested def, class or lambda is its own scope: its
    # decorators, defaults and bases (a walrus there) run out here.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if attribute == "body" and isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            self._depth += 1

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if attribute == "body" and isinstance(original_node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            self._depth -= 1

    def _own(self, node: cst.CSTNode) -> None:
        """The bindings ``node`` makes in this scope."""
        if isinstance(node, cst.Assign):
            for target in node.targets:
                self._bind_target(target.target)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For)):
            self._bind_target(node.target)
        elif isinstance(node, cst.Del):
            self._bind_target(node.target)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._bind_target(node.asname.name)
        elif isinstance(node, cst.ExceptHandler) and node.name is not None:
            self._bind_target(node.name.name)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self._bind(node.name.value)
        elif isinstance(node, cst.Import):
            for alias in node.names:
                local = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
                module = alias.evaluated_name if alias.asname else local
                self._bind(local, f"import {module}")
        elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self._bind(alias.evaluated_alias or alias.evaluated_name)
        elif isinstance(node, cst.Nonlocal):
            for item in node.names:
                self._bind(item.name.value)
        elif isinstance(node, cst.NamedExpr):  # in a comprehension too: it binds here
            self._bind_target(node.target)
        elif isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            self._bind(node.name.value)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            self._bind(node.rest.value)


def _params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def _names_only(names: Collection[QualifiedName], module: str) -> bool:
    """Every binding is an import of ``module`` itself (or there is none)."""
    return all(q.name == module and q.source is QualifiedNameSource.IMPORT for q in names)


def _module_aliases(context: FileContext, module: str) -> list[str]:
    """Names bound by top-level ``import module as name`` statements."""
    wrapper = context.wrapper
    if wrapper is None:
        return []
    aliases: list[str] = []
    for statement in wrapper.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                if alias.evaluated_name == module and alias.asname is not None:
                    aliases.append(alias.evaluated_alias or module)
    return aliases


def target_spellings(module: cst.Module, targets: frozenset[str]) -> frozenset[str]:
    """The last names of ``targets`` and the local names imports give them.

    ``time.sleep`` -> {"sleep"}, plus "nap" for ``from time import sleep as nap``.
    """
    spellings = {target.rsplit(".", 1)[-1] for target in targets}
    for node in imports_in(module):
        if (
            not isinstance(node, cst.ImportFrom)
            or node.module is None
            or node.relative
            or isinstance(node.names, cst.ImportStar)
        ):
            continue
        module_name = cst.helpers.get_full_name_for_node(node.module) or ""
        for alias in node.names:
            if f"{module_name}.{alias.evaluated_name}" in targets and alias.asname:
                spellings.add(alias.evaluated_alias or "")
    return frozenset(spellings)


def imported_roots(module: cst.Module) -> set[str]:
    """Top-level package names imported anywhere in ``module``."""
    roots: set[str] = set()
    for node in imports_in(module):
        if isinstance(node, cst.Import):
            roots.update(alias.evaluated_name.split(".")[0] for alias in node.names)
        elif node.module is not None and not node.relative:
            name = cst.helpers.get_full_name_for_node(node.module) or ""
            roots.add(name.split(".")[0])
    return roots


# Where statements hold statements: bodies, ``else``/``elif``, handlers,
# ``finally``, ``case`` blocks.  An import is a statement, never inside an
# expression, so these are all there is to look through.
_BLOCKS = ("body", "orelse", "handlers", "finalbody", "cases")


def imports_in(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    """Every ``import`` statement in ``module``, nested ones too.

    Through the statements only: a full walk of a big module costs LibCST a
    second, and no import is inside an expression.
    """
    found: list[cst.Import | cst.ImportFrom] = []
    todo: list[cst.CSTNode] = list(module.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            found += [small for small in node.body if isinstance(small, (cst.Import, cst.ImportFrom))]
            continue
        for block in _BLOCKS:
            part = getattr(node, block, None)
            if isinstance(part, cst.CSTNode):
                todo.append(part)
            elif isinstance(part, (list, tuple)):
                todo += part
    return found


def choose_event_loop(module: cst.Module, settings: Settings) -> str:
    """asyncio, trio or anyio: what the rewritten code should await (see :func:`event_loop_of`)."""
    return event_loop_of(module, settings)[0]


def event_loop_of(module: cst.Module, settings: Settings) -> tuple[str, str | None]:
    """The event-loop library rewrites await, and why the module's own is unclear (None: clear).

    ``auto`` follows the module's unconditional top-level imports: anyio when
    it imports anyio (anyio's calls run on either backend), trio when it
    imports trio and not asyncio, else asyncio.  An import in a ``try``, an
    ``if`` (``TYPE_CHECKING`` too) or a function says only that the library
    may be there: when counting it could change the answer, the answer is
    unclear, and the rewrites that need one are reported.
    """
    if settings.event_loop != "auto":
        return settings.event_loop, None
    loops = set(LOOP_LIBRARIES)
    sure = _top_level_roots(module) & loops
    chosen = _loop_for(sure)
    maybe = sorted((imported_roots(module) & loops) - sure)
    changing = [
        library
        for size in range(1, len(maybe) + 1)
        for some in itertools.combinations(maybe, size)
        if _loop_for(sure | set(some)) != chosen
        for library in some
    ]
    if not changing:
        return chosen, None
    libraries = " and ".join(f"`{name}`" for name in sorted(set(changing)))
    return chosen, (
        f"the module imports {libraries} only conditionally (in a `try`, an `if` or a function), "
        "so its event loop is unclear; pass `--event-loop` (or set `event-loop` in [tool.asyncfix])"
    )


def _loop_for(roots: Collection[str]) -> str:
    if "anyio" in roots:
        return "anyio"
    if "trio" in roots and "asyncio" not in roots:
        return "trio"
    return "asyncio"


def _top_level_roots(module: cst.Module) -> set[str]:
    """Top-level package names imported by the module's own unconditional statements.

    The body of ``if __name__ == "__main__":`` counts too: a script that
    imports trio there to run itself is a trio program.
    """
    roots: set[str] = set()
    statements: list[cst.CSTNode] = []
    for statement in module.body:
        if isinstance(statement, cst.If) and statement.orelse is None and _is_main_guard(statement.test):
            body = statement.body
            statements += body.body if isinstance(body, cst.IndentedBlock) else [body]
        else:
            statements.append(statement)
    for line in statements:
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            continue
        for node in line.body:
            if isinstance(node, cst.Import):
                roots.update(alias.evaluated_name.split(".")[0] for alias in node.names)
            elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                name = cst.helpers.get_full_name_for_node(node.module) or ""
                roots.add(name.split(".")[0])
    return roots


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Equal)
    ):
        return False
    sides = (test.left, test.comparisons[0].comparator)
    return any(isinstance(n, cst.Name) and n.value == "__name__" for n in sides) and any(
        isinstance(n, cst.SimpleString) and n.evaluated_value == "__main__" for n in sides
    )


def nodes_of(container: cst.CSTNode, kind: type[CSTNodeT]) -> list[CSTNodeT]:
    """Every node of ``kind`` in ``container`` (itself included), in tree order."""
    found: list[CSTNodeT] = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, candidate: cst.CSTNode) -> bool:
            if isinstance(candidate, kind):
                found.append(candidate)
            return True

    container.visit(Finder())
    return found


def is_dotted_name(node: cst.BaseExpression) -> bool:
    """``name`` or ``name.attr.attr``: nothing is called or indexed on the way.

    LibCST names a call or subscript after what it starts with, so
    ``time.sleep(1)(2)`` and ``time().sleep(4)`` would pass for time.sleep.
    """
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def exception_parts(caught: cst.BaseExpression | None) -> list[cst.BaseExpression]:
    """The classes ``except caught`` names: a tuple's elements, else ``caught`` (none for ``except:``)."""
    if caught is None:
        return []
    if isinstance(caught, cst.Tuple):
        return [element.value for element in caught.elements]
    return [caught]


def name_used(scope: Scope, name: str) -> bool:
    """``name`` is bound or read in ``scope`` (or seen from it)."""
    if name in scope and scope[name]:
        return True
    return any(
        isinstance(access.node, cst.Name) and access.node.value == name for access in scope.accesses
    )


def union_members(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """``A | B``, ``Optional[A]``, ``Union[A, B]``: the members; else the node itself."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return [*union_members(node.left), *union_members(node.right)]
    if isinstance(node, cst.Subscript):
        base = node.value
        name = base.attr.value if isinstance(base, cst.Attribute) else getattr(base, "value", "")
        if name in ("Optional", "Union"):
            members: list[cst.BaseExpression] = []
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    members += union_members(element.slice.value)
            return members
    return [node]


# -- registry ----------------------------------------------------------------

REGISTRY: dict[str, type[Fixer]] = {}
_loaded = False


def register(cls: type[Fixer]) -> type[Fixer]:
    """Class decorator: make ``cls`` known by its key in asyncfix/rules.py RULES."""
    if cls.key in REGISTRY:
        raise RuntimeError(f"two fixers claim {cls.key}")
    REGISTRY[cls.key] = cls
    return cls


def load() -> dict[str, type[Fixer]]:
    """Import every fixer module (once: imports are cached) and return the registry.

    Not "if the registry is empty": a fixer module imported directly would
    make it look complete and hide the others.
    """
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True
    return REGISTRY


