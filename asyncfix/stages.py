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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .rules import PATH_RETURNING, Rule


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
        re.compile(rb"import(?:[ \t\f]|\\\r?\n)+(?:[^\n#;]|\\\r?\n)*?\b" + name + rb"\b"),
        re.compile(rb"from(?:[ \t\f]|\\\r?\n)+" + name + rb"\b"),
    )


def _imports(package: str, data: bytes) -> bool:
    plain, plain_from, spelled, spelled_from = _import_patterns(package)
    if plain in data or plain_from in data:
        return True
    return spelled.search(data) is not None or spelled_from.search(data) is not None


def rules_for_bytes(data: bytes, rules: Sequence[Rule]) -> list[Rule]:
    """Stage 1: the rules whose markers are in the raw bytes.

    A rule may have work when the file has an ``async def`` (a call awaits
    nowhere else) and, for one of the packages its targets live in, imports
    that package and names one of its targets (the last part of the name is
    there at the call or in the ``from ... import``); or calls one of its
    builtins (``open(``).
    """
    if b"async" not in data or _ASYNC_DEF.search(data) is None:
        return []
    return [rule for rule in rules if _may_hold(rule, data)]


# ``async def``, whatever the spaces (and ``\``-continued lines) between
_ASYNC_DEF = re.compile(rb"async(?:[ \t\f]|\\(?:\r\n|\r|\n))+def\b")


def _may_hold(rule: Rule, data: bytes) -> bool:
    if not any(t in data for t in rule.triggers):
        return False
    for package, names in _groups(rule):
        if package.encode() in data and _imports(package, data) and _found(names, data, _WORD):
            return True
    builtin = _builtin_call(rule)
    return builtin is not None and _found(builtin, data, _WORD_OR_DOT)


# Bytes a word may not follow: the patterns end in ``\b`` and start with the
# names themselves (a leading lookbehind would make ``re`` try every offset).
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_WORD_OR_DOT = _WORD | {ord(".")}


def _found(pattern: re.Pattern[bytes], data: bytes, not_after: frozenset[int]) -> bool:
    """``pattern`` matches where the byte before is not in ``not_after``."""
    for match in pattern.finditer(data):
        start = match.start()
        if start == 0 or data[start - 1] not in not_after:
            return True
    return False


@lru_cache(maxsize=None)
def _groups(rule: Rule) -> tuple[tuple[str, re.Pattern[bytes]], ...]:
    """(package, a pattern of the last parts of its target names as words) per package."""
    groups: dict[str, set[str]] = {}
    for name in rule.targets:
        # builtins too: ``import builtins`` / ``from builtins import input as ask``
        groups.setdefault(name.split(".")[0], set()).add(name.rsplit(".", 1)[-1])
    for name in rule.receivers:
        names = groups.setdefault(name.split(".")[0], set())
        names.update(rule.methods)
        names.add(name.rsplit(".", 1)[-1])
    return tuple(
        (package, re.compile(rb"(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b"))
        for package, names in sorted(groups.items())
    )


@lru_cache(maxsize=None)
def _builtin_call(rule: Rule) -> re.Pattern[bytes] | None:
    """``open(`` / ``input(`` called bare (not as a method).

    Only a call: the fixers act on calls, and the bare words are common in
    strings and names (``"input"``, "open the file").  Spaces, line
    continuations, comments and closing parentheses may come between
    (``open (``, ``(open)(``, ``(open  # why\n)(``).  That no word character
    or dot comes before the name is checked by _found.
    """
    builtins = set(rule.builtins)
    # configured ``blocking-calls`` may name builtins too (``builtins.eval``)
    builtins.update(
        t.split(".", 1)[1] for t in rule.targets if t.count(".") == 1 and t.startswith("builtins.")
    )
    if not builtins:
        return None
    names = b"|".join(re.escape(n.encode()) for n in sorted(builtins))
    return re.compile(rb"(?:" + names + rb")(?:[\s\\)]|#[^\r\n]*)*\(")


def rules_for_source(source: str, rules: Sequence[Rule]) -> list[Rule]:
    """Stages 1 and 2 on decoded text: the rules that may have work in it."""
    return rules_for_ast(source, rules_for_bytes(source.encode("utf-8", "surrogatepass"), rules))


def rules_for_ast(source: str, rules: Sequence[Rule]) -> list[Rule]:
    """Stage 2 alone, for ``rules`` that already passed stage 1."""
    return find(source, rules).rules


@dataclass(frozen=True)
class Found:
    """What stage 2 found in a module, kept for the skeleton (asyncfix/skeleton.py)."""

    rules: list[Rule]  # the rules that may have work
    tree: ast.Module | None = None  # None: this Python cannot parse it
    lines: frozenset[int] = frozenset()  # every line of a call that may be their target


def find(source: str, rules: Sequence[Rule]) -> Found:
    """Stage 2: the rules of ``rules`` (past stage 1) that may have work in ``source``."""
    if not rules:
        return Found([])
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Found(list(rules))  # maybe newer syntax than this Python knows: LibCST decides
    try:
        calls = _calls_in_async(tree)
        if not calls:
            return Found([], tree)
        kept, lines = _candidates(_Module(tree), calls, rules)
        return Found(kept, tree, frozenset(lines))
    except RecursionError:
        return Found(list(rules))


def candidate_lines(tree: ast.AST, rules: Sequence[Rule]) -> set[int]:
    """The lines of every call in an async context that may be one of ``rules``' targets.

    Raises RecursionError for a tree nested too deeply.
    """
    return _candidates(_Module(tree), _calls_in_async(tree), rules)[1]


def _candidates(
    module: _Module, calls: list[ast.Call], rules: Sequence[Rule]
) -> tuple[list[Rule], set[int]]:
    """The rules some call may be a target of (in ``rules``' order), and those calls' lines."""
    applying: set[Rule] = set()
    lines: set[int] = set()
    for call in calls:
        hits = [rule for rule in rules if module.may_apply(rule, call)]
        if hits:
            applying.update(hits)
            lines.update(range(call.lineno, (call.end_lineno or call.lineno) + 1))
    return [rule for rule in rules if rule in applying], lines


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Statements with bodies: where a sync stretch of code can hold an ``async def``.
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _calls_in_async(tree: ast.AST) -> list[ast.Call]:
    """The calls whose innermost enclosing function is an ``async def``.

    Decorators, defaults and annotations run in the enclosing function; a
    lambda's or a class's body is sync code (as in asyncfix/scope.py).  In
    sync code only the statements are walked (an expression cannot hold an
    ``async def``), which skips most of a module.
    """
    calls: list[ast.Call] = []
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    pop, push = stack.pop, stack.append
    while stack:
        node, in_async = pop()
        if isinstance(node, _FUNCTIONS):
            if in_async:
                outer: list[ast.AST] = [*node.decorator_list, node.args]
                if node.returns is not None:
                    outer.append(node.returns)
                for part in outer:
                    push((part, True))
            inner = isinstance(node, ast.AsyncFunctionDef)
            for statement in node.body:
                push((statement, inner))
        elif isinstance(node, ast.ClassDef):
            if in_async:
                for part in (*node.decorator_list, *node.bases, *node.keywords):
                    push((part, True))
            for statement in node.body:
                push((statement, False))
        elif isinstance(node, ast.Lambda):
            if in_async:
                push((node.args, True))
            # its body is sync code: it holds no statement, so nothing to look at
        elif in_async:
            if isinstance(node, ast.Call):
                calls.append(node)
            for child in ast.iter_child_nodes(node):
                push((child, True))
        else:
            for field in _BODIES:
                for child in getattr(node, field, ()):
                    push((child, False))
    return calls


def statements_of(tree: ast.AST) -> list[ast.AST]:
    """Every statement of the module, at any depth (expressions hold none)."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        for field in _BODIES:
            stack.extend(getattr(node, field, ()))
    return found


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class _Module:
    """What stage 2 knows of a module: its imports, and which names may hold a receiver.

    Every test here is a superset of the fixers' own (asyncfix/fixers/):
    they resolve a name through LibCST's scopes and want all its bindings to
    agree; here a name is resolved through the same Python scoping rules
    (asyncfix/stages.py ``_Scopes``) and counts when any of its bindings in
    the scope it resolves to might make the object.
    """

    def __init__(self, tree: ast.AST) -> None:
        self._tree = tree
        self._statements = statements_of(tree)
        self.bindings = _import_bindings(self._statements)
        self._scopes: _Scopes | None = None
        self._creates: dict[Rule, bool] = {}

    def resolve(self, dotted: str) -> set[str]:
        first, _, rest = dotted.partition(".")
        return {q + ("." + rest if rest else "") for q in self.bindings.get(first, ())}

    def may_apply(self, rule: Rule, call: ast.Call) -> bool:
        dotted = _dotted(call.func)
        if dotted is not None:
            resolved = self.resolve(dotted)
            # ``open``, ``input``: a builtin, unless an import in its scope rebinds it
            # (imports are not resolved by scope here: a builtin always counts)
            resolved.add(f"builtins.{dotted}")
            if resolved & rule.targets:
                return True
            # ``Path.cwd()``: a method called on the class itself
            if any(q.rsplit(".", 1)[0] in rule.receivers for q in resolved if "." in q):
                if dotted.rsplit(".", 1)[-1] in rule.methods:
                    return True
        func = call.func
        if not (rule.receivers and isinstance(func, ast.Attribute) and func.attr in rule.methods):
            return False
        creates = self._creates.get(rule)
        if creates is None:
            creates = self._creates[rule] = _creates_receiver(rule, self.bindings)
        if not creates:
            return False
        if self._scopes is None:
            self._scopes = _Scopes(self._tree)
        return self._receiver(rule, func.value, self._scopes.of(call), set())

    def _receiver(
        self, rule: Rule, node: ast.expr, scope: _Scope, seen: set[tuple[int, str]], depth: int = 0
    ) -> bool:
        """``node``, read in ``scope``, may be an object one of ``rule``'s receivers made.

        The shapes asyncfix/fixers/blocking.py's ``_made_by`` follows: a call
        of the class, a path method that returns a path, ``.parent``, ``/``,
        and a name bound to one of those (or annotated with the class).
        """
        if depth > 8:
            return False
        if isinstance(node, ast.Name):
            home = scope.lookup(node.id)
            if home is None or (id(home), node.id) in seen:
                return False  # unbound here; or ``p = p.resolve()``: the other bindings decide
            seen.add((id(home), node.id))
            try:
                return any(
                    (annotation is not None and self._names_receiver(rule, annotation))
                    or (value is not None and self._receiver(rule, value, where, seen, depth + 1))
                    for annotation, value, where in home.sites.get(node.id, ())
                )
            finally:
                seen.discard((id(home), node.id))
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in PATH_RETURNING:
                if self._receiver(rule, func.value, scope, seen, depth + 1):
                    return True
            dotted = _dotted(func)
            return dotted is not None and bool(self.resolve(dotted) & rule.receivers)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return self._receiver(rule, node.value, scope, seen, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._receiver(rule, node.left, scope, seen, depth + 1)
        return False

    def _names_receiver(self, rule: Rule, annotation: ast.expr) -> bool:
        """An annotation that mentions one of ``rule``'s receiver classes (in any way)."""
        last = {name.rsplit(".", 1)[-1] for name in rule.receivers}
        for node in ast.walk(annotation):
            if isinstance(node, (ast.Name, ast.Attribute)):
                dotted = _dotted(node)
                if dotted is not None and self.resolve(dotted) & rule.receivers:
                    return True
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                # a string annotation: any word that may name the class
                if last & set(IDENTIFIER.findall(node.value)):
                    return True
        return False


class _Scope:
    """One Python scope: the names bound in it, and how (for the receiver test)."""

    __slots__ = (
        "parent", "module", "kind", "bound", "sites", "declared_global", "declared_nonlocal",
        "deferred",
    )

    def __init__(self, parent: _Scope | None, kind: str = "function") -> None:
        self.parent = parent  # where its free names are looked up
        # "function" (or the module), "class" (the functions defined in it
        # skip it), "comprehension"
        self.kind = kind
        self.module: _Scope = parent.module if parent is not None else self
        self.bound: set[str] = set()
        # name -> (annotation, value, the scope the value is read in) of each
        # parameter, assignment, ``with ... as``
        self.sites: dict[str, list[_Site]] = {}
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()
        # bindings of ``nonlocal`` names: placed once the whole module is seen
        self.deferred: list[tuple[str, _Site | None]] = []

    def bind(self, name: str, annotation: ast.expr | None = None, value: ast.expr | None = None) -> None:
        site = (annotation, value, self) if annotation is not None or value is not None else None
        if name in self.declared_nonlocal and self.parent is not None:
            self.deferred.append((name, site))
            return
        home = self.module if name in self.declared_global else self
        home.add(name, site)

    def add(self, name: str, site: _Site | None) -> None:
        self.bound.add(name)
        if site is not None:
            self.sites.setdefault(name, []).append(site)

    def lookup(self, name: str) -> _Scope | None:
        """The scope whose bindings ``name`` read here means (None: a builtin or unbound)."""
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.declared_global:
                return scope.module if name in scope.module.bound else None
            if name in scope.bound and name not in scope.declared_nonlocal:
                return scope
            scope = scope.parent
        return None


_Site = tuple["ast.expr | None", "ast.expr | None", _Scope]


class _Scopes:
    """Every scope of a module, and the scope each call is made in.

    Python's rules, as LibCST's ScopeProvider follows them: a name bound
    anywhere in a function is local to all of it (unless declared
    ``global`` / ``nonlocal``); a class body's names are not seen from its
    methods; a comprehension has its own scope.  Where LibCST and Python
    differ, or may (``:=``, ``del``, ``except ... as``, ``case`` captures), no
    binding is recorded: the name then resolves further out, to more
    candidates.
    """

    def __init__(self, tree: ast.AST) -> None:
        self._call_scope: dict[ast.Call, _Scope] = {}
        self.module = _Scope(None)
        self._with_nonlocals: list[_Scope] = []
        self._visit(tree, self.module, self.module)
        for scope in self._with_nonlocals:
            assert scope.parent is not None
            for name, site in scope.deferred:
                (scope.parent.lookup(name) or scope.parent).add(name, site)

    def of(self, call: ast.Call) -> _Scope:
        return self._call_scope.get(call, self.module)

    def _visit(self, node: ast.AST, scope: _Scope, function: _Scope) -> None:
        """``function``: the nearest enclosing function or module scope (for ``:=`` and defs)."""
        for child in ast.iter_child_nodes(node):
            self._node(child, scope, function)

    def _node(self, node: ast.AST, scope: _Scope, function: _Scope) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not isinstance(node, ast.Lambda):
                scope.bind(node.name)
                for outer in node.decorator_list:
                    self._node(outer, scope, function)
                if node.returns is not None:
                    self._node(node.returns, scope, function)
            arguments = node.args
            for default in (*arguments.defaults, *arguments.kw_defaults):
                if default is not None:
                    self._node(default, scope, function)
            inner = _Scope(_lookup_parent(scope))
            self._with_nonlocals.append(inner)
            for arg in (
                *arguments.posonlyargs, *arguments.args, arguments.vararg,
                *arguments.kwonlyargs, arguments.kwarg,
            ):
                if arg is not None:
                    if arg.annotation is not None:
                        self._node(arg.annotation, scope, function)
                    inner.bind(arg.arg, annotation=arg.annotation)
            if isinstance(node, ast.Lambda):
                self._node(node.body, inner, inner)
            else:
                self._declarations(node.body, inner)
                for statement in node.body:
                    self._node(statement, inner, inner)
            return
        if isinstance(node, ast.ClassDef):
            scope.bind(node.name)
            for heading in (*node.decorator_list, *node.bases, *node.keywords):
                self._node(heading, scope, function)
            body = _Scope(scope, "class")
            self._declarations(node.body, body)
            for statement in node.body:
                self._node(statement, body, function)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            # the first iterable is evaluated outside
            self._node(node.generators[0].iter, scope, function)
            inner = _Scope(scope, "comprehension")
            for number, generator in enumerate(node.generators):
                if number:
                    self._node(generator.iter, inner, function)
                self._node(generator.target, inner, function)
                for condition in generator.ifs:
                    self._node(condition, inner, function)
            parts: list[ast.AST] = (
                [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            )
            for part in parts:
                self._node(part, inner, function)
            return
        if isinstance(node, ast.Call):
            self._call_scope[node] = scope
        elif isinstance(node, ast.NamedExpr):
            # ``:=`` binds no name here: LibCST's scopes keep one in a
            # comprehension to the comprehension (Python: to the function),
            # and leaving a binding out only makes more candidates
            self._node(node.value, scope, function)
            return
        elif isinstance(node, ast.Name):
            # ``del x`` is no binding for LibCST's scopes: x stays the outer one
            if isinstance(node.ctx, ast.Store):
                scope.bind(node.id)
            return
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _stored(target):
                    scope.bind(name, value=node.value)
        elif isinstance(node, ast.AnnAssign):
            for name in _stored(node.target):
                scope.bind(name, annotation=node.annotation, value=node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    for name in _stored(item.optional_vars):
                        scope.bind(name, value=item.context_expr)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    scope.bind(alias.asname or alias.name.split(".")[0])
        # ``except ... as e`` and ``case [x]`` bind no name here: a binding left
        # out can only make a name resolve further out, to more candidates
        self._visit(node, scope, function)

    def _declarations(self, body: list[ast.stmt], scope: _Scope) -> None:
        """``global`` and ``nonlocal`` hold for the whole body, nested blocks included."""
        stack: list[ast.AST] = list(body)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Global):
                scope.declared_global.update(node.names)
            elif isinstance(node, ast.Nonlocal):
                scope.declared_nonlocal.update(node.names)
            elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for field in _BODIES:
                    stack.extend(getattr(node, field, ()))


def _lookup_parent(scope: _Scope) -> _Scope:
    """Where a function defined in ``scope`` looks up its free names: class bodies are skipped."""
    while scope.kind == "class" and scope.parent is not None:
        scope = scope.parent
    return scope


def _stored(target: ast.expr) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a word in a string (annotations)


def _creates_receiver(rule: Rule, bindings: dict[str, set[str]]) -> bool:
    for qualified in bindings.values():
        for name in qualified:
            if name in rule.receivers or any(r.startswith(name + ".") for r in rule.receivers):
                return True
    return False


def _import_bindings(statements: list[ast.AST]) -> dict[str, set[str]]:
    """Every name any import in the module binds -> the qualified names it may mean."""
    bindings: dict[str, set[str]] = {}
    for node in statements:
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
