"""The cheap stages: which rules may have work in a file, without LibCST.

1. bytes: ``async``, one of the rule's trigger strings, and an import of the
   rule's package must all be in the raw bytes; otherwise the file is not even
   decoded.
2. ``ast``: the standard library's parser (about 14 times faster than LibCST)
   resolves the module's imports and looks for a call to one of the rule's
   targets whose innermost function is an ``async def``.

Both only ever say "maybe": they may let through a file with nothing to fix,
never stop one that has (the tests run the full LibCST path on every fixture
and compare).  Neither imports LibCST.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from .rules import Rule


@lru_cache(maxsize=None)
def _import_patterns(package: str) -> tuple[bytes, bytes, re.Pattern[bytes], re.Pattern[bytes]]:
    """``import a, pkg``, ``import pkg.x as y``, ``from pkg import ...``.

    Two quick substrings for the usual spellings, then two patterns that
    each start with a literal (so that ``re`` can skip ahead to it).  They
    may match in a comment or a string: stage 2 has the last word.
    """
    name = re.escape(package.encode())
    return (
        b"import " + package.encode(),
        b"from " + package.encode(),
        re.compile(rb"import[ \t]+(?:[^\n#;]|\\\r?\n)*?\b" + name + rb"\b"),
        re.compile(rb"from[ \t]+" + name + rb"\b"),
    )


def _imports(package: str, data: bytes) -> bool:
    plain, plain_from, spelled, spelled_from = _import_patterns(package)
    if plain in data or plain_from in data:
        return True
    return spelled.search(data) is not None or spelled_from.search(data) is not None


def rules_for_bytes(data: bytes, rules: Sequence[Rule]) -> list[Rule]:
    """Stage 1: the rules whose markers are in the raw bytes.

    A rule may have work when the file says ``async`` and, for one of the
    packages its targets live in, imports that package and names one of its
    targets (the last part of the name is there at the call or in the
    ``from ... import``); or calls one of its builtins (``open(``).
    """
    if b"async" not in data:
        return []
    words = _Words(data)
    return [rule for rule in rules if _may_hold(rule, data, words)]


class _Words:
    """The identifiers in a file, found once and only when asked for."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._words: frozenset[bytes] | None = None

    def __and__(self, names: frozenset[bytes]) -> frozenset[bytes]:
        if self._words is None:
            self._words = frozenset(_WORD.findall(self._data))
        return names & self._words


def _may_hold(rule: Rule, data: bytes, words: _Words) -> bool:
    if not any(t in data for t in rule.triggers):
        return False
    for package, names in _groups(rule):
        if package.encode() in data and _imports(package, data) and words & names:
            return True
    builtin = _builtin_call(rule)
    return (
        builtin is not None
        and bool(words & rule.builtin_bytes)
        and builtin.search(data) is not None
    )


_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=None)
def _groups(rule: Rule) -> tuple[tuple[str, frozenset[bytes]], ...]:
    """(package, the last parts of its target names) for each package the rule knows."""
    groups: dict[str, set[str]] = {}
    for name in rule.targets:
        # builtins too: ``import builtins`` / ``from builtins import input as ask``
        groups.setdefault(name.split(".")[0], set()).add(name.rsplit(".", 1)[-1])
    for name in rule.receivers:
        names = groups.setdefault(name.split(".")[0], set())
        names.update(rule.methods)
        names.add(name.rsplit(".", 1)[-1])
    return tuple(
        (package, frozenset(n.encode() for n in names)) for package, names in sorted(groups.items())
    )


@lru_cache(maxsize=None)
def _builtin_call(rule: Rule) -> re.Pattern[bytes] | None:
    """``open`` / ``input`` named bare (not as a method)."""
    if not rule.builtins:
        return None
    names = b"|".join(re.escape(n.encode()) for n in sorted(rule.builtins))
    # the bare name anywhere, not as an attribute: ``open(``, ``(open)(``, ``f = open``
    return re.compile(rb"(?<![\w.])(?:" + names + rb")\b")


def rules_for_source(source: str, rules: Sequence[Rule]) -> list[Rule]:
    """Stages 1 and 2 on decoded text: the rules that may have work in it."""
    return rules_for_ast(source, rules_for_bytes(source.encode("utf-8", "surrogatepass"), rules))


def rules_for_ast(source: str, rules: Sequence[Rule]) -> list[Rule]:
    """Stage 2 alone, for ``rules`` that already passed stage 1."""
    if not rules:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return list(rules)  # maybe newer syntax than this Python knows: LibCST decides
    try:
        calls = [dotted for dotted, _ in _calls_in_async(tree, in_async=False)]
    except RecursionError:
        return list(rules)
    if not calls:
        return []
    bindings = _import_bindings(tree)
    resolved = {q for call in calls for q in _resolve(call, bindings)}
    # A name no import binds may be a builtin (``open``, ``input``).
    resolved |= {f"builtins.{call}" for call in calls if call not in bindings}
    return [rule for rule in rules if _may_apply(rule, calls, resolved, bindings)]


def _may_apply(
    rule: Rule, calls: list[str], resolved: set[str], bindings: dict[str, set[str]]
) -> bool:
    if resolved & rule.targets:
        return True
    if not rule.receivers or not _creates_receiver(rule, bindings):
        return False
    # obj.get(...) / Path(p).exists() where obj may be a session or a path
    # made somewhere in the module
    return any("." in call and call.rsplit(".", 1)[1] in rule.methods for call in calls)


def _creates_receiver(rule: Rule, bindings: dict[str, set[str]]) -> bool:
    for qualified in bindings.values():
        for name in qualified:
            if name in rule.receivers or any(r.startswith(name + ".") for r in rule.receivers):
                return True
    return False


def candidate_lines(tree: ast.AST, rules: Sequence[Rule]) -> set[int]:
    """The lines of every call in an async context that may be one of ``rules``' targets.

    Raises RecursionError for a tree nested too deeply.
    """
    bindings = _import_bindings(tree)
    lines: set[int] = set()
    for dotted, call in _calls_in_async(tree, in_async=False):
        resolved = _resolve(dotted, bindings)
        if dotted not in bindings:
            resolved.add(f"builtins.{dotted}")
        if any(_may_apply(rule, [dotted], resolved, bindings) for rule in rules):
            lines.update(range(call.lineno, (call.end_lineno or call.lineno) + 1))
    return lines


def _calls_in_async(node: ast.AST, *, in_async: bool) -> Iterator[tuple[str, ast.Call]]:
    """Dotted names (and nodes) of the calls whose innermost enclosing function is async.

    Decorators, defaults and annotations run in the enclosing function; a
    lambda's or a class's body is sync code (as in asyncfix/scope.py).
    """
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for outer in (*node.decorator_list, node.args, *([node.returns] if node.returns else [])):
            yield from _calls_in_async(outer, in_async=in_async)
        inner = isinstance(node, ast.AsyncFunctionDef)
        for statement in node.body:
            yield from _calls_in_async(statement, in_async=inner)
        return
    if isinstance(node, ast.Lambda):
        yield from _calls_in_async(node.args, in_async=in_async)
        yield from _calls_in_async(node.body, in_async=False)
        return
    if isinstance(node, ast.ClassDef):
        for outer in (*node.decorator_list, *node.bases, *node.keywords):
            yield from _calls_in_async(outer, in_async=in_async)
        for statement in node.body:
            yield from _calls_in_async(statement, in_async=False)
        return
    if in_async and isinstance(node, ast.Call):
        dotted = _dotted(node.func)
        if dotted is not None:
            yield dotted, node
        elif isinstance(node.func, ast.Attribute):
            yield f"?.{node.func.attr}", node  # a method of something made by a call
    for child in ast.iter_child_nodes(node):
        yield from _calls_in_async(child, in_async=in_async)


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _import_bindings(tree: ast.AST) -> dict[str, set[str]]:
    """Every name any import in the module binds -> the qualified names it may mean."""
    bindings: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings.setdefault(alias.asname, set()).add(alias.name)
                else:
                    first = alias.name.split(".")[0]
                    bindings.setdefault(first, set()).add(first)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                local = alias.asname or alias.name
                bindings.setdefault(local, set()).add(f"{node.module}.{alias.name}")
    return bindings


def _resolve(call: str, bindings: dict[str, set[str]]) -> set[str]:
    first, _, rest = call.partition(".")
    return {q + ("." + rest if rest else "") for q in bindings.get(first, ())}
