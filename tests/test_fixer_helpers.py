"""Helpers the fixers share (asyncfix/fixers/__init__.py), checked against LibCST's own walk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)
from libcst.metadata.base_provider import LazyValue

from asyncfix import Settings
from asyncfix.fixers import Contexts, ParentProvider, Scopes, imports_in, load
from asyncfix.noqa import NoqaMap

FIXTURES = Path(__file__).parent / "fixtures"

NESTED = textwrap.dedent(
    """\
    import a
    if x:
        import b
    elif y:
        import c
    else:
        import d
    for i in x:
        import e
    else:
        import f
    while x:
        from g import h
    try:
        import i
    except E:
        import j
    else:
        import k
    finally:
        from . import l
    with x:
        import m; import n
    if x: import o
    def f():
        class C:
            async def g(self):
                from p.q import *
    match x:
        case 1:
            import r
        case _:
            import s
    x = lambda: __import__("t")
    """
)


def _walked(module: cst.Module) -> list[cst.CSTNode]:
    """Every import LibCST's full walk visits, in tree order."""
    found: list[cst.CSTNode] = []

    class Collector(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.append(node)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            found.append(node)

    module.visit(Collector())
    return found


def test_imports_in_finds_every_import_statement() -> None:
    module = cst.parse_module(NESTED)
    found = imports_in(module)
    assert len(found) == 17  # the lambda calls __import__: not a statement
    assert {id(node) for node in found} == {id(node) for node in _walked(module)}


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.glob("*/*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_imports_in_agrees_with_a_full_walk_on_every_fixture(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    assert {id(node) for node in imports_in(module)} == {id(node) for node in _walked(module)}


def _all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collector(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.append(node)
            return True

    module.visit(Collector())
    return found


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.glob("*/*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_the_metadata_the_fixers_use_is_libcst_s_own(path: Path) -> None:
    """ParentProvider and Fixer.qualified_names give what LibCST's providers give, for every node."""
    wrapper = MetadataWrapper(cst.parse_module(path.read_text(encoding="utf-8")))
    theirs = wrapper.resolve(ParentNodeProvider)
    ours = wrapper.resolve(ParentProvider)
    assert dict(ours) == dict(theirs)
    names = wrapper.resolve(QualifiedNameProvider)
    fixer = load()["sleep"](CodemodContext(), Settings(), NoqaMap(""))
    nodes = _all_nodes(wrapper.module)
    assert len(nodes) == len(theirs) + 1  # the module has no parent
    with fixer.resolve(wrapper):  # what the fixer's walk would see
        for node in nodes:
            value = names.get(node, set())
            expected = set(value() if isinstance(value, LazyValue) else value)
            assert fixer.qualified_names(node) == expected


def _scope_facts(scope: Scope | None) -> object:
    """What the fixers read of a scope, comparable across two runs of the scope walk."""
    if scope is None:
        return None
    return (
        type(scope).__name__,
        id(getattr(scope, "node", None)),
        sorted(
            (a.name, id(getattr(a, "node", None)), sorted(id(r.node) for r in a.references))
            for a in scope.assignments
        ),
        sorted(id(access.node) for access in scope.accesses),
        _scope_facts(scope.parent) if scope.parent is not scope else "self",
    )


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.glob("*/*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_scopes_and_contexts_are_libcst_s_own(path: Path) -> None:
    """Contexts and Scopes record what ExpressionContextProvider and ScopeProvider do."""
    wrapper = MetadataWrapper(cst.parse_module(path.read_text(encoding="utf-8")))
    assert dict(wrapper.resolve(Contexts)) == dict(wrapper.resolve(ExpressionContextProvider))
    ours, theirs = wrapper.resolve(Scopes), wrapper.resolve(ScopeProvider)
    # (string annotations are parsed into trees of their own, new on each walk)
    assert len(ours) == len(theirs)
    for node in _all_nodes(wrapper.module):
        assert (node in ours) == (node in theirs)
        if node in ours:
            assert _scope_facts(ours[node]) == _scope_facts(theirs[node])
