"""The fixer registry and the base class every fixer builds on.

One fixer per module in this package, registered with :func:`register`; the
modules are imported by :func:`load` so that adding a fixer touches its own
module, its fixtures and a README line, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Collection
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.metadata import (
    ParentNodeProvider,
    PositionProvider,
    QualifiedName,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from ..model import Finding, Fix, Settings
from ..noqa import NoqaMap
from ..scope import AsyncContextTracker

LOOP_LIBRARIES = ("asyncio", "trio", "anyio")


class Fixer(AsyncContextTracker, ContextAwareTransformer):
    """One rule: finds its blocking calls, rewrites the safe ones, reports the rest.

    Subclasses set the class attributes below and record what they do with
    :meth:`record_fix` and :meth:`report`; a call they cannot prove safe is
    reported and returned unchanged.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    # The file must contain ``async`` and one of these byte strings for the
    # fixer to have anything to do: files without them are never decoded.
    triggers: ClassVar[tuple[bytes, ...]]
    # Qualified names the fixer rewrites; the cheap ``ast`` stage looks for
    # calls inside an async def whose last name part (or an import alias of
    # it) matches, in a module that imports the target's package somewhere.
    targets: ClassVar[frozenset[str]]
    # Fixers that keep every line where it is run first, so that line numbers
    # seen by later fixers are still those of the original file.
    order: ClassVar[int] = 0

    METADATA_DEPENDENCIES = (
        ParentNodeProvider,
        PositionProvider,
        QualifiedNameProvider,
        ScopeProvider,
    )

    def __init__(self, context: CodemodContext, settings: Settings, noqa: NoqaMap) -> None:
        super().__init__(context)
        self.settings = settings
        self.noqa = noqa
        self.fixes: list[Fix] = []
        self.findings: list[Finding] = []
        self._loop: str = "asyncio"

    # -- module-wide facts ---------------------------------------------------

    def visit_Module(self, node: cst.Module) -> bool:
        self._loop = choose_event_loop(node, self.settings)
        return True

    @property
    def loop(self) -> str:
        """The event-loop library this module's rewrites await."""
        return self._loop

    def loop_reference(self, node: cst.CSTNode) -> str | None:
        """How to spell the loop library at ``node``, or None if the name is taken.

        An existing ``import asyncio as aio`` is reused; otherwise the plain
        name must be free (or already the module) wherever ``node`` can see.
        """
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return None
        for alias in _module_aliases(self.context, self.loop):
            if _names_only(scope.get_qualified_names_for(alias), self.loop):
                return alias
        if _names_only(scope.get_qualified_names_for(self.loop), self.loop):
            return self.loop
        return None

    # -- call sites ----------------------------------------------------------

    def qualified_names(self, node: cst.CSTNode) -> set[QualifiedName]:
        return set(self.get_metadata(QualifiedNameProvider, node, set()))

    def silenced(self, node: cst.CSTNode) -> bool:
        """A ``# noqa`` (bare or naming this code) on the call's first or last line."""
        pos = self.get_metadata(PositionProvider, node)
        return self.noqa.silenced(self.code, pos.start.line, pos.end.line)

    def record_fix(self, node: cst.CSTNode, message: str) -> None:
        pos = self.get_metadata(PositionProvider, node).start
        self.fixes.append(Fix(pos.line, pos.column + 1, self.code, message))

    def report(self, node: cst.CSTNode, message: str) -> None:
        pos = self.get_metadata(PositionProvider, node).start
        self.findings.append(Finding(pos.line, pos.column + 1, self.code, message))

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

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


def _names_only(names: Collection[QualifiedName], module: str) -> bool:
    """Every binding is an import of ``module`` itself (or there is none)."""
    return all(q.name == module and q.source is QualifiedNameSource.IMPORT for q in names)


def _module_aliases(context: CodemodContext, module: str) -> list[str]:
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


def imported_roots(module: cst.Module) -> set[str]:
    """Top-level package names imported anywhere in ``module``."""
    roots: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            for alias in node.names:
                roots.add(alias.evaluated_name.split(".")[0])
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            if node.module is not None and not node.relative:
                name = cst.helpers.get_full_name_for_node(node.module) or ""
                roots.add(name.split(".")[0])
            return False

    module.visit(Collector())
    return roots


def choose_event_loop(module: cst.Module, settings: Settings) -> str:
    """asyncio, trio or anyio: what the rewritten code should await.

    ``auto`` follows the module: anyio when it imports anyio (anyio's calls run
    on either backend), trio when it imports trio and not asyncio, else asyncio.
    """
    if settings.event_loop != "auto":
        return settings.event_loop
    roots = imported_roots(module) & set(LOOP_LIBRARIES)
    if "anyio" in roots:
        return "anyio"
    if "trio" in roots and "asyncio" not in roots:
        return "trio"
    return "asyncio"


# -- registry ----------------------------------------------------------------

REGISTRY: dict[str, type[Fixer]] = {}
_loaded = False


def register(cls: type[Fixer]) -> type[Fixer]:
    """Class decorator: make ``cls`` known by its rule code."""
    if cls.code in REGISTRY:
        raise RuntimeError(f"two fixers claim {cls.code}")
    REGISTRY[cls.code] = cls
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


def selected(settings: Settings) -> list[type[Fixer]]:
    """The fixers ``settings`` turns on, in run order.

    Raises ValueError for a selector that matches no rule.
    """
    registry = load()
    codes = sorted(registry)
    for selector in (*settings.select, *settings.ignore):
        if not any(_matches(selector, code) for code in codes):
            raise ValueError(f"unknown rule selector {selector!r} (known: {', '.join(codes)})")
    chosen = [
        registry[code]
        for code in codes
        if any(_matches(s, code) for s in settings.select)
        and not any(_matches(s, code) for s in settings.ignore)
    ]
    return sorted(chosen, key=lambda cls: (cls.order, cls.code))


def _matches(selector: str, code: str) -> bool:
    selector = selector.strip().upper()
    return selector == "ALL" or code.startswith(selector)
