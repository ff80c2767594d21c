"""Helpers the fixers share (asyncfix/fixers/__init__.py), checked against LibCST's own walk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper, ParentNodeProvider, QualifiedNameProvider
from libcst.metadata.base_provider import LazyValue

from asyncfix import Settings
from asyncfix.fixers import ParentProvider, imports_in, load
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
