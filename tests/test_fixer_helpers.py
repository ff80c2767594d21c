"""Helpers the fixers share (asyncfix/fixers/__init__.py), checked against LibCST's own walk."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.codemod.visitors._add_imports import _skip_first
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)
import libcst.metadata.wrapper as libcst_wrapper
from libcst.metadata.base_provider import LazyValue

from asyncfix import Settings, transform
from asyncfix.engine import fix_source
from asyncfix.fixers import (
    REMOVE_KEY,
    Contexts,
    FileContext,
    Layout,
    PlacedModule,
    Scopes,
    Wrapper,
    imports_in,
    load,
    remove_unused_import_by_node,
)
from asyncfix.noqa import NoqaMap
from asyncfix.rules import RULES
from test_properties import GRAMMAR_SETTINGS

FIXTURES = Path(__file__).parent / "fixtures"
EVERY_FIXTURE = pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("*/*.py")), ids=lambda p: f"{p.parent.name}/{p.name}"
)

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


@EVERY_FIXTURE
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


@EVERY_FIXTURE
def test_the_metadata_the_fixers_use_is_libcst_s_own(path: Path) -> None:
    """Layout and Fixer.qualified_names give what LibCST's providers give, for every node."""
    wrapper = MetadataWrapper(cst.parse_module(path.read_text(encoding="utf-8")))
    _layout_is_libcst_s(wrapper.module)
    theirs = wrapper.resolve(ParentNodeProvider)
    names = wrapper.resolve(QualifiedNameProvider)
    fixer = load()["sleep"](FileContext(), Settings(), NoqaMap(""))
    nodes = _all_nodes(wrapper.module)
    assert len(nodes) == len(theirs) + 1  # the module has no parent
    with fixer.resolve(wrapper):  # what the fixer's walk would see
        for node in nodes:
            value = names.get(node, set())
            expected = set(value() if isinstance(value, LazyValue) else value)
            assert fixer.qualified_names(node) == expected


def _layout_is_libcst_s(module: cst.Module) -> None:
    wrapper = MetadataWrapper(module)
    layout = wrapper.resolve(Layout)
    parents = wrapper.resolve(ParentNodeProvider)
    assert {node: placed.parent for node, placed in layout.items() if placed.parent} == dict(parents)
    positions = wrapper.resolve(PositionProvider)
    assert {node: (p.start, p.end) for node, p in layout.items()} == {
        node: (p.start, p.end) for node, p in positions.items()
    }
    printed = layout[wrapper.module]
    assert isinstance(printed, PlacedModule) and printed.code == wrapper.module.code


@GRAMMAR_SETTINGS
@given(hypothesmith.from_grammar())
def test_layout_is_libcst_s_on_programs_from_the_grammar(source: str) -> None:
    try:
        module = cst.parse_module(source)
    except Exception:  # the grammar allows what LibCST's parser may refuse
        return
    _layout_is_libcst_s(module)


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


@EVERY_FIXTURE
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


def test_the_wrapper_computes_each_provider_once_and_walks_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Wrapper resolves what MetadataWrapper does, without its empty batched walks."""
    module = cst.parse_module(
        "import time as t\n\n\nasync def f(x):\n    t.sleep(x)\n    return [y for y in x]\n"
    )
    batched: list[list[object]] = []
    gen_batchable = libcst_wrapper._gen_batchable
    monkeypatch.setattr(
        libcst_wrapper, "_gen_batchable",
        lambda wrapper, providers: batched.append(list(providers)) or gen_batchable(wrapper, providers),
    )
    made: list[type] = []
    for provider in (Layout, Contexts, Scopes):
        monkeypatch.setattr(provider, "_gen_impl", _counted(provider, made))
    fixer = load()["sleep"](FileContext(), Settings(), NoqaMap(""))

    theirs = MetadataWrapper(module, unsafe_skip_copy=True)
    with fixer.resolve(theirs):
        pass
    assert batched and all(providers == [] for providers in batched)  # LibCST's empty walks
    assert sorted(p.__name__ for p in made) == ["Contexts", "Layout", "Scopes"]
    batched.clear()
    made.clear()

    ours = Wrapper(module, unsafe_skip_copy=True)
    with fixer.resolve(ours):
        pass
    assert batched == []
    assert sorted(p.__name__ for p in made) == ["Contexts", "Layout", "Scopes"]
    assert dict(ours.resolve(Contexts)) == dict(theirs.resolve(Contexts))
    assert dict(ours.resolve(Layout)) == dict(theirs.resolve(Layout))
    assert dict(ours.resolve(Scopes)).keys() == dict(theirs.resolve(Scopes)).keys()
    assert len(made) == 3  # resolved once, then looked up
    # a batchable provider still goes LibCST's way
    assert dict(ours.resolve(ParentNodeProvider)) == dict(theirs.resolve(ParentNodeProvider))
    assert [[type(p) for p in providers] for providers in batched] == [[ParentNodeProvider]] * 2


def test_libcst_s_scope_and_context_providers_are_answered_by_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked for ScopeProvider (LibCST's import removal is), Wrapper hands over Scopes' walk."""
    module = cst.parse_module(
        "import time\nfrom os import path as p\n\n\nasync def f(x):\n    t = time\n    return p.join(x)\n"
    )
    theirs = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = {node: _evaluated(value) for node, value in theirs.resolve(QualifiedNameProvider).items()}

    def never(self: object, node: cst.Module) -> None:
        raise AssertionError(f"{type(self).__name__} walked the module")

    monkeypatch.setattr(ScopeProvider, "visit_Module", never)
    monkeypatch.setattr(ExpressionContextProvider, "visit_Module", never)
    ours = Wrapper(module, unsafe_skip_copy=True)
    assert ours.resolve(ScopeProvider) is ours.resolve(Scopes)
    assert ours.resolve(ExpressionContextProvider) is ours.resolve(Contexts)
    # a batchable provider built on them (LibCST's way) gets them too
    names = ours.resolve(QualifiedNameProvider)
    assert {node: _evaluated(value) for node, value in names.items()} == expected
    # end to end: `import time` removed by RemoveImportsVisitor, on Scopes
    source = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
    fixed = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
    assert fix_source(source).source == fixed
    assert fix_source(source, staged=False).source == fixed


def _evaluated(value: object) -> object:
    return value() if isinstance(value, LazyValue) else value


def _counted(provider: type, made: list[type]) -> object:
    gen_impl = provider._gen_impl

    def counting(self: object, module: cst.Module) -> None:
        made.append(provider)
        gen_impl(self, module)

    return counting


REMOVING = pytest.mark.parametrize(
    "path",
    [
        path
        for path in sorted(FIXTURES.glob("*/*.py"))
        if path.parent.name != "blocking" and not path.name.endswith(".expected.py")
    ],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)


@REMOVING
def test_imports_are_scheduled_for_removal_as_libcst_schedules_them(path: Path) -> None:
    """remove_unused_import_by_node asks what RemoveImportsVisitor's would, for every callee and import."""
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    ours = FileContext(wrapper=Wrapper(module, unsafe_skip_copy=True))
    theirs = CodemodContext(wrapper=MetadataWrapper(module, unsafe_skip_copy=True))
    for node in _all_nodes(module):
        if isinstance(node, cst.Call):
            node = node.func
        elif not isinstance(node, (cst.Import, cst.ImportFrom)):
            continue
        ours.scratch.clear()
        theirs.scratch.clear()
        try:
            RemoveImportsVisitor.remove_unused_import_by_node(theirs, node)
        except ValueError:
            with pytest.raises(ValueError):
                remove_unused_import_by_node(ours, node)
            continue
        remove_unused_import_by_node(ours, node)
        expected = theirs.scratch.get(RemoveImportsVisitor.CONTEXT_KEY, [])
        assert sorted(ours.scratch.get(REMOVE_KEY, []), key=repr) == sorted(expected, key=repr)


def test_what_a_removed_reference_asks_to_remove() -> None:
    module = cst.parse_module(
        "import time\nfrom os import path as p\nimport a.b\nfrom . import rel\n\n\n"
        "def f(time=time):\n    p.join(); a.b.c(); rel.x(); time.sleep(1)\n"
    )
    context = FileContext(full_package_name="pkg", wrapper=Wrapper(module, unsafe_skip_copy=True))
    calls = [node for node in _all_nodes(module) if isinstance(node, cst.Call)]
    asked = []
    for call in calls:
        context.scratch.clear()
        remove_unused_import_by_node(context, call.func)
        asked.append(context.scratch.get(REMOVE_KEY, []))
    assert asked == [
        [("os", "path", "p")],
        [("a.b", None, None)],
        [("pkg", "rel", None)],
        [("time", None, None)],  # LibCST asks in every enclosing scope; removal checks use
    ]
    context.scratch.clear()
    remove_unused_import_by_node(context, module.body[1].body[0])
    assert context.scratch[REMOVE_KEY] == [("os", "path", "p")]


def test_libcst_s_codemods_are_imported_only_to_remove_an_import() -> None:
    """``libcst.codemod`` imports LibCST's matchers (0.2 s): only a removal needs it."""
    program = textwrap.dedent(
        """\
        import sys
        from asyncfix.engine import fix_source
        fixed = fix_source("import os\\n\\n\\nasync def f(p):\\n    return os.path.exists(p)\\n")
        print(fixed.changed, "libcst" in sys.modules, "libcst.codemod" in sys.modules)
        fixed = fix_source("import time\\n\\n\\nasync def f():\\n    time.sleep(1)\\n")
        print(fixed.source.startswith("import asyncio\\n"), "libcst.codemod" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "False", "True", "True"], done.stderr


def test_a_changed_tree_s_metadata_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """When a fixer changes the tree, the wrapper of the old one (metadata for every node) goes."""
    alive: set[int] = set()

    class Tracked(Wrapper):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            alive.add(id(self))

        def __del__(self) -> None:
            alive.discard(id(self))

    seen: list[int] = []
    transform_one = transform._transform

    def counting(fixer: object, wrapper: Wrapper) -> cst.Module:
        seen.append(len(alive))
        return transform_one(fixer, wrapper)  # type: ignore[arg-type]

    monkeypatch.setattr(transform, "Wrapper", Tracked)
    monkeypatch.setattr(transform, "_transform", counting)
    source = "import time\nimport requests\n\n\nasync def f(url):\n    time.sleep(1)\n    return requests.get(url).json()\n"
    result = transform._run_fixers(source, "f.py", Settings(), [RULES["sleep"], RULES["requests"]])
    assert result.changed and len(result.fixes) == 2
    assert seen == [1, 1]  # the second fixer's tree is the only one with metadata


HEADS = {
    "empty": "",
    "a docstring only": '"""Doc."""\n',
    "docstring, imports, code": '"""Doc."""\nimport os\nimport sys\n\nx = 1\n',
    "__strict__": "__strict__ = True\nimport os\nx = 1\n",
    "__future__": "from __future__ import annotations\n\nimport os\n\n\ndef f():\n    pass\n",
    "a from-import to extend": "from functools import wraps\nimport os\n# a comment\nx = 1\n",
    "imports only": "import os\nimport sys\n",
    "code first": "x = 1\nimport os\n",
    "a comment above the code": "import os\n# why\n\n\nclass A:\n    pass\n",
    "two imports on a line": "import os; import sys\nimport time\nx = 1\n",
    "an import under if": "import os\nif x:\n    import asyncio\ny = 2\n",
    "a class first": "# top\nclass A:\n    import os\n    from functools import wraps\n",
    "docstring, then a def": '"""Doc."""\ndef f():\n    from functools import wraps\n',
    "a decorated def after the imports": "import os\n# why\n@dec\ndef f():\n    pass\nx = 1\n",
    "a def between imports": "import os\ndef f():\n    pass\nimport sys\n",
    "a second statement on the docstring's line": '"""Doc."""; import os\nimport sys\n',
    "a concatenated string first": '"a" "b"\nimport os\nx = 1\n',
    "an f-string first": 'f"doc"\nimport os\n',
    "__strict__ with two targets": "__strict__ = y = True\nimport os\n",
    "__strict__ annotated": "__strict__: bool = True\nimport os\n",
    "an aliased import": "import asyncio as aio\nimport aiohttp.web\nx = 1\n",
    "two names on one import": "import os, asyncio\n\nx = 1\n",
    "a from-import of the module": "from asyncio import sleep\n# note\nx = 1\n",
    "a docstring, then a comment and code": '"""Doc."""\n# c\nx = 1\n',
    "CRLF": "import os\r\n\r\nx = 1\r\n",
}
REQUESTS = [
    pytest.param(["asyncio"], id="import asyncio"),
    pytest.param(["asyncio", "aiohttp"], id="two modules"),
    pytest.param(["os"], id="already there"),
    pytest.param(["aiohttp", "asyncio", "aiohttp"], id="twice"),
    pytest.param(["functools"], id="functools"),
    pytest.param(["asyncio.subprocess"], id="a dotted module"),
]


def _head_cases() -> list[tuple[str, str]]:
    cases = list(HEADS.items())
    # every 25th fixture input, and those about imports, docstrings, __future__
    inputs = [p for p in sorted(FIXTURES.glob("*/*.py")) if not p.name.endswith(".expected.py")]
    for n, path in enumerate(inputs):
        if n % 25 == 0 or any(word in path.name for word in ("import", "docstring", "future")):
            cases.append((f"{path.parent.name}/{path.name}", path.read_text(encoding="utf-8")))
    return cases


@pytest.mark.parametrize("requests", REQUESTS)
def test_plain_imports_are_added_as_add_imports_visitor_adds_them(requests: list[str]) -> None:
    """The fixers' ``import x`` requests: transform adds them by AddImportsVisitor's rules."""
    for name, text in _head_cases():
        module = cst.parse_module(text)
        context = CodemodContext()
        for module_name in requests:
            AddImportsVisitor.add_needed_import(context, module_name)
        expected = AddImportsVisitor(context).transform_module(module).code
        ours = transform._add_module_imports(module, set(requests)).code
        if module.body and transform._docstring_or_strict(module.body[0]) != _skip_first(module):
            # LibCST adds above a docstring it does not see as one ("a" "b",
            # '"Doc."; x = 1'), and the module loses it; asyncfix adds below
            assert ast.get_docstring(ast.parse(ours)) == ast.get_docstring(ast.parse(text)), name
            assert ast.get_docstring(ast.parse(expected)) is None, name
            continue
        assert ours == expected, name
