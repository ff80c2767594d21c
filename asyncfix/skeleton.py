"""LibCST sees only the definitions that have work.

On a 7,000-line test module with one ``time.sleep`` to fix, LibCST's parse,
scope analysis and walks cost seconds for the 6,990 lines nobody touches.
Here what holds no candidate call (by the ``ast`` stage's own test) is
replaced, line for line:

- a function, decorators and signature too, by ``def name(): ...`` (its
  ``async`` kept) naming what it reads of the module's imports (so that no
  fixer takes them for unused), and one string spanning the rest of its lines;
- a class's body the same way (its own line and bases stay);
- the decorators of a function with work, or of a class, by one statement
  naming what they read of the imports.

Each import read is named once, by the first stub that reads it: one read
keeps an import as well as many.  Top-level definitions are stubbed, and
inside a class with work its methods and classes without work, recursively;
module- and class-level statements and the signatures of functions with work
stay.  The skeleton has the original's lines where it matters: same line
numbers, same columns, same module- and class-level names.  The fixers run on
the skeleton; the lines they change are put back into the original, and every
line they did not change is the original's own.

Every fixer runs this way: each decides a call from its own function (the
names it mentions, the bindings and uses of its names), the bindings made at
module level, and the module's imports; none reads another function's body,
signature or decorators, nor the decorators of its own.  (What those can
bind where the function is, with ``:=``, keeps them from being stubbed; a
method's decorators and defaults read its class's names, which are left
unnamed when they move into the stub's body.)
(The requests fixer takes fresh names from every name in the function, nested
definitions included: a function with work is never stubbed inside.)  A body
that imports something is not stubbed (event-loop choice and import
spellings read every import).  The skeleton is refused, and the whole module
goes to LibCST, when the module has a ``global`` (a stubbed body could rebind
a module name), when a change lands on a stubbed line, when an import the
fixers removed may still be used in the merged result, or when anything
fails on the skeleton.

Every module goes this way (``MIN_LINES = 0``): on no real file did the
skeleton cost more, from 63 lines up.  ``transform.run`` on the corpus files
that reach LibCST, CPU seconds, best of 3, whole module against the skeleton
(with the ``ast`` stage's findings), 2026-11-27 on the 2-CPU benchmark
machine, every result identical (at 8b03763, before functions were stubbed
with their decorators and signatures and the fixers' walks were cut, the
first file took 5.56 s on its skeleton and 18.75 s whole):

    file                                                lines  whole  skeleton
    aiohttp tests/test_client_functional.py              7064  12.63   1.15
    aiohttp tests/test_web_functional.py                 3194   1.93   0.19
    aiohttp tests/test_cookiejar.py                      3179   1.76   0.27
    discord discord/message.py                           3076   1.09   0.10
    homeassistant tests/test_core.py                     2887   1.46   0.20
    homeassistant tests/test_config.py                   2339   1.22   0.20
    aiohttp tests/test_multipart.py                      2092   1.07   0.09
    homeassistant homeassistant/config.py                1647   0.88   0.21
    aiohttp tests/test_urldispatch.py                    1439   0.84   0.18
    aiohttp tests/test_web_sendfile_functional.py        1226   0.63   0.24
    aiohttp tests/test_proxy_functional.py               1005   0.50   0.10
    django tests/asgi/tests.py                            891   0.47   0.08
    homeassistant components/frontend/__init__.py         777   0.38   0.18
    discord discord/asset.py                              555   0.15   0.03
    homeassistant components/xmpp/notify.py               378   0.15   0.14
    homeassistant components/freebox/router.py            324   0.19   0.07
    homeassistant components/velbus/__init__.py           217   0.14   0.06
    homeassistant components/demo/mailbox.py               91   0.04   0.02
    aiohttp examples/web_ws.py                             63   0.03   0.02

On the 323 fixture cases that reach LibCST (up to 40 lines, most with one
function, 13 with something to stub), per file, CPU, best of 3: nothing
measurable where there is nothing to stub (the ``ast`` stage's tree is
reused; 0.02 ms less, median, of 39 ms on average) and 0.9 ms less where
there is (median); 12.47 s against 12.56 s whole in all.
"""

from __future__ import annotations

import ast
import bisect
import difflib
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .rules import Rule
from .stages import IDENTIFIER, Found, candidate_lines, statements_of

MIN_LINES = 0  # every module: see the figures above
# The fixers checked to decide each call from its own function (every name,
# binding and use they look at is in the function, or bound at module level)
# and the module's imports.  A new fixer joins only once that is checked.
FIXERS = frozenset({"sleep", "blocking", "requests", "httpx", "urllib"})


@dataclass(frozen=True)
class Skeleton:
    """A module with the bodies that have no work replaced, line for line."""

    text: str
    stubbed: frozenset[int]  # 0-based numbers of the lines replaced
    bindings: Counter[str]  # the original's import bindings (``_import_bindings``)

    def merge(self, original: str, fixed: str) -> str | None:
        """``original`` with the changes the fixers made to the skeleton (``fixed``).

        None when a change touches a stubbed line: the caller runs the whole
        module instead.
        """
        old, new, source = _lines(self.text), _lines(fixed), _lines(original)
        out: list[str] = []
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out += source[i1:i2]
                continue
            if any(line in self.stubbed for line in range(i1, i2)):
                return None
            out += new[j1:j2]
        return "".join(out)

    def imports_kept(self, merged: ast.Module) -> bool:
        """:func:`imports_kept` for this skeleton's original and the ``merged`` tree."""
        return _none_lost(self.bindings, merged)


def applies(source: str, rules: Sequence[Rule]) -> bool:
    return source.count("\n") >= MIN_LINES and all(rule.key in FIXERS for rule in rules)


def make(source: str, rules: Sequence[Rule], found: Found | None = None) -> Skeleton | None:
    """The skeleton of ``source`` for ``rules``; None when it would not be faithful.

    ``found``: the ``ast`` stage's tree of ``source`` and its candidate lines
    for ``rules``, when it has them.
    """
    try:
        if found is None or found.tree is None:
            tree = ast.parse(source)
            wanted = candidate_lines(tree, rules)
        else:
            tree, wanted = found.tree, set(found.lines)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    statements = statements_of(tree)
    if any(isinstance(node, ast.Global) for node in statements):
        return None
    bindings = _import_bindings(statements)
    stubber = _Stubber(_lines(source), wanted, {binding.split(".")[0] for binding in bindings})
    stubber.block(tree.body)
    if not stubber.stubbed:
        return None
    return Skeleton("".join(stubber.lines), frozenset(stubber.stubbed), bindings)


class _Stubber:
    """Replaces the bodies without work in one module's lines, in place."""

    def __init__(self, lines: list[str], wanted: set[int], imported: set[str]) -> None:
        self.lines = lines
        self.stubbed: set[int] = set()
        self._wanted = sorted(wanted)
        self._imported = imported
        self._token = uuid.uuid4().hex
        self._named: set[str] = set()  # what the stubs so far name

    def block(self, statements: list[ast.stmt], bound: frozenset[str] = frozenset()) -> None:
        """The definitions among ``statements``: stubbed, or looked into when a class.

        ``bound``: the names the class whose body this is binds (none at
        module level).  Its decorators, defaults and annotations read those,
        not the module's.
        """
        for statement in statements:
            if not isinstance(statement, _DEFINITIONS):
                continue  # module- and class-level statements stay as they are
            work = self._holds_work(statement)
            if (
                not work
                and not isinstance(statement, ast.ClassDef)
                and self._stub_function(statement, bound)
            ):
                continue
            # Decorators run where the definition is, never in an ``async def``
            # (a function with work is not looked into), and no fixer reads them.
            self._stub_decorators(statement, bound)
            if not work:
                self._stub_body(statement)
            elif isinstance(statement, ast.ClassDef):
                # its methods, and its classes' methods
                self.block(statement.body, frozenset(_class_bindings(statement)))
            # A function with work stays whole, nested definitions too: the
            # requests fixer takes fresh names from every name in the function.

    def _holds_work(self, statement: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
        first = min([statement.lineno, *(d.lineno for d in statement.decorator_list)])
        return self._wanted_in(first, statement.end_lineno or statement.lineno)

    def _wanted_in(self, first: int, last: int) -> bool:
        """A candidate call on one of the (1-based) lines ``first`` to ``last``."""
        index = bisect.bisect_left(self._wanted, first)
        return index < len(self._wanted) and self._wanted[index] <= last

    def _stub_function(
        self, statement: ast.FunctionDef | ast.AsyncFunctionDef, bound: frozenset[str]
    ) -> bool:
        """Decorators, signature and body as ``def name(): ...``; False when it cannot be."""
        lines = self.lines
        start = self._first_line(statement)
        end = statement.end_lineno or statement.lineno  # 0-based, end exclusive
        if start is None or _binds(_outside(statement)):
            # A ``:=`` in a decorator, default or annotation binds a name
            # where the function is: the fixers must see it.
            return False
        # Nothing in them is the fixers' business but the name the ``def``
        # binds (with its ``async``) and what it reads of the imports.  (Its
        # decorators and signature move into a body: reads of the class's
        # own names stay unnamed, as they never reach the module.)
        used = _accessed(statement, self._imported, whole=True, outer=bound)
        if used is None:
            return False  # it imports: the fixers must see that
        head = "async def" if isinstance(statement, ast.AsyncFunctionDef) else "def"
        self._replace(start, end, f"{_indent(lines[start])}{head} {statement.name}(): ", self._new(used))
        return True

    def _stub_decorators(
        self, statement: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, bound: frozenset[str]
    ) -> None:
        """The decorators' lines as one statement naming what they read of the imports."""
        if not statement.decorator_list or _binds(statement.decorator_list):
            return
        start, end = self._first_line(statement), statement.lineno - 1
        if start is None or self._wanted_in(start + 1, end):
            return
        used = _reads(statement.decorator_list, set(bound), self._imported)
        if used is None:
            return
        self._replace(start, end, _indent(self.lines[start]), self._new(used))

    def _first_line(self, statement: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int | None:
        """The 0-based line of the first decorator's ``@`` (or of the ``def``).

        ``ast`` gives where a decorator's expression starts: in ``@(`` /
        ``time.x)`` that is the line after the ``@``; only parentheses and
        comments can come between.  None when a ``\\`` joins that line to the
        one above (kept simple: no stub).
        """
        if not statement.decorator_list:
            start = statement.lineno - 1
        else:
            start = statement.decorator_list[0].lineno - 1
            while start > 0 and not self.lines[start].lstrip(" \t\f").startswith("@"):
                start -= 1
        if start and _continued(self.lines[start - 1]):
            return None
        return start

    def _stub_body(self, statement: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        lines = self.lines
        body = statement.body[0]
        if body.lineno <= statement.lineno:
            return  # a one-line def
        start, end = body.lineno - 1, statement.end_lineno or statement.lineno  # 0-based, end exclusive
        if isinstance(body, _DEFINITIONS) and body.decorator_list:
            # from its first decorator's ``@`` (a decorator has a line of its own)
            first = self._first_line(body)
            if first is None:
                return
            start = first
        elif lines[start].encode("utf-8", "surrogatepass")[: body.col_offset].strip(b" \t\f"):
            return  # the body starts on the line that ends the signature: ``a): x = 1``
        # What the body reads of the module's imports stays named, so that no
        # fixer takes those imports for unused; only that: a name kept that
        # the body does not read would keep an import the whole module loses.
        used = _accessed(statement, self._imported)
        if used is None:
            return  # it imports: the fixers must see that
        self._replace(start, end, _indent(lines[start]), self._new(used))

    def _new(self, used: list[str]) -> list[str]:
        """The names of ``used`` no stub names yet: one read keeps an import as well as many."""
        fresh = [name for name in used if name not in self._named]
        self._named.update(fresh)
        return fresh

    def _replace(self, start: int, end: int, head: str, keep: list[str]) -> None:
        """Lines ``start`` to ``end`` (exclusive): ``head`` naming ``keep``, and one string."""
        lines = self.lines
        if end - start == 1:
            named = ", ".join(keep) + "," if keep else "pass"
            lines[start] = f"{head}{named}  # {self._token}{_ending(lines[start])}"
            self.stubbed.add(start)
            return
        # More lines: one string spans them, one node for LibCST however long
        # the body (a comment per line cost it four: a third of the skeleton).
        # Never a string alone but after a ``def``: first in a module, it
        # would be the module's docstring.
        named = "".join(f"{name}, " for name in keep) or ("" if head.endswith(": ") else "0, ")
        for number in range(start, end):
            ending = _ending(lines[number])
            if number == start:
                lines[number] = f'{head}{named}"""{self._token}{ending}'
            elif number == end - 1:
                lines[number] = f'{self._token} {number}"""{ending}'
            else:
                lines[number] = f"{self._token} {number}{ending}"
            self.stubbed.add(number)


def imports_kept(original: str, merged: str) -> bool:
    """No import the fixers removed may still be used in ``merged``.

    The fixers saw only the names a stubbed body reads (``_accessed``), not
    its string annotations nor the imports it could reach another way, so
    they may have dropped an import the whole module keeps.  An import is
    "maybe used" when the name it binds (its first part) is read anywhere
    in ``merged`` or is a word in any string (an annotation, ``__all__``).
    """
    try:
        before, after = ast.parse(original), ast.parse(merged)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return _none_lost(_import_bindings(statements_of(before)), after)


def _none_lost(before: Counter[str], after: ast.Module) -> bool:
    """:func:`imports_kept`, from the original's import bindings and the merged tree."""
    lost = before - _import_bindings(statements_of(after))
    if not lost:
        return True
    roots = {binding.split(".")[0] for binding in lost}
    nodes = list(ast.walk(after))
    # An f-string's text is no name: not an annotation nor an `__all__` entry
    # (and `f"{requests.get(u)=}"` prints `get` as text).
    text = {id(part) for node in nodes if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in nodes:
        if isinstance(node, ast.Name) and node.id in roots:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in text:
            if roots & set(IDENTIFIER.findall(node.value)):
                return False
    return True


def _import_bindings(statements: list[ast.AST]) -> Counter[str]:
    """Each import's binding, as LibCST names it (``a.b`` for ``import a.b``), counted."""
    bindings: Counter[str] = Counter()
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bindings.update(a.asname or a.name for a in node.names)
    return bindings


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _outside(definition: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """What of a function runs where it is defined: decorators, defaults, annotations."""
    parts: list[ast.AST] = [*definition.decorator_list, definition.args]
    return parts + [definition.returns] if definition.returns is not None else parts


def _binds(nodes: Sequence[ast.AST]) -> bool:
    """A ``:=`` anywhere in ``nodes`` (in a lambda too: kept simple)."""
    return any(isinstance(node, ast.NamedExpr) for part in nodes for node in ast.walk(part))


def _class_bindings(definition: ast.ClassDef) -> set[str]:
    """Every name the class body may bind in its own scope (more is safe: fewer names named).

    Function and lambda bodies and nested classes' bodies bind elsewhere;
    everything else in the class body is looked through.
    """
    names: set[str] = set()
    todo: list[ast.AST] = list(definition.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
            todo += _outside(node)
            continue
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            todo += [*node.decorator_list, *node.bases, *node.keywords]
            continue
        elif isinstance(node, ast.Lambda):
            todo.append(node.args)
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            names.update(_captured(node))
        todo.extend(ast.iter_child_nodes(node))
    return names


def _captured(node: ast.AST) -> list[str]:
    """What ``except ... as``, a ``case`` pattern or ``global``/``nonlocal`` binds (or claims)."""
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return [node.name] if node.name else []
    if isinstance(node, ast.MatchMapping):
        return [node.rest] if node.rest else []
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    return []


def _accessed(
    definition: ast.stmt, imported: set[str], *, whole: bool = False, outer: frozenset[str] = frozenset()
) -> list[str] | None:
    """What the body of ``definition`` reads of ``imported``, spelled as LibCST resolves it.

    ``whole``: its decorators, annotations and defaults too; ``outer``: the
    names bound where those run (a class's), left out like the others.

    None when the body imports something: event-loop choice and import
    spellings read every import in the module, so the fixers must see it.

    ``os.path.join(p)`` is an access of ``os.path.join`` to LibCST (it binds
    it to ``import os.path`` before ``import os``), so the chain is kept
    whole.  A name bound anywhere in the definition (a parameter, an
    assignment, a nested ``def``, ...) is left out, even where a read of it
    would reach the module: leaving a name out can only make the fixers drop
    an import, which ``imports_kept`` catches.
    """
    bound: set[str] = set(outer)
    arguments = getattr(definition, "args", None)
    if arguments is not None:
        bound.update(a.arg for a in ast.walk(arguments) if isinstance(a, ast.arg))
    nodes: list[ast.AST] = list(getattr(definition, "body", ()))
    if whole:
        nodes += getattr(definition, "decorator_list", [])
        nodes += [part for part in (arguments, getattr(definition, "returns", None)) if part]
    return _reads(nodes, bound, imported)


def _reads(nodes: Sequence[ast.AST], bound: set[str], imported: set[str]) -> list[str] | None:
    """What ``nodes`` read of ``imported`` but not of ``bound`` (nor what they bind): :func:`_accessed`."""
    parents: dict[ast.AST, ast.AST] = {}
    reads: list[ast.Name] = []
    todo = list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                reads.append(node)
            else:
                bound.add(node.id)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return None
        if isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, _DEFINITIONS):
            bound.add(node.name)
        else:
            bound.update(_captured(node))
        for child in ast.iter_child_nodes(node):
            parents[child] = node
            todo.append(child)
    return sorted(
        {_spelling(name, parents) for name in reads if name.id in imported and name.id not in bound}
    )


def _spelling(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> str:
    """``name`` with the attributes after it, as far as LibCST's scope analysis reads them.

    LibCST resolves a name through the outermost attribute around it that no
    call separates from it (``a.b.c``); when that attribute is not a plain
    chain down to the name (``a[0].b``, ``(a + b).c``), through the name alone.
    """
    node: ast.AST = name
    parts = [name.id]
    parent = parents.get(node)
    while isinstance(parent, ast.Attribute) and parent.value is node:
        parts.append(parent.attr)
        node, parent = parent, parents.get(parent)
    while parent is not None and not isinstance(parent, (ast.Call, ast.stmt)):
        if isinstance(parent, ast.Attribute):
            return name.id
        parent = parents.get(parent)
    return ".".join(parts)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> list[str]:
    """Lines as Python counts them (``str.splitlines`` also splits at \\f, \\x1c, ...)."""
    return _LINE.findall(text)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def _continued(line: str) -> bool:
    """``line`` ends in a backslash: the next line continues it."""
    return line.rstrip("\r\n").endswith("\\")


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""
