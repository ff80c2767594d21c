"""Big modules: LibCST sees only the top-level statements that have work.

On a 7,000-line test module with one ``time.sleep`` to fix, LibCST's parse,
scope analysis and walks cost seconds for the 6,990 lines nobody touches.
Here the bodies of the top-level functions and classes that hold no
candidate call (by the ``ast`` stage's own test) are replaced by ``pass`` and
unique comment lines, so the skeleton has exactly the original's lines where
it matters: same line numbers, same columns, same module-level names.  The
fixers run on the skeleton; the lines they change are put back into the
original, and every line they did not change is the original's own.

Only the call-by-call fixers (``sleep``, ``blocking``) run this way: they
decide each call from its own function and the module's bindings.  The
skeleton is refused (and the whole module goes to LibCST) when a stubbed body
imports something (event-loop choice and import spellings read every
import), when the module has a ``global`` (a stubbed body could rebind a
module name), when a change lands on a stubbed line, or when an
import the fixers removed is still used in the merged result.
"""

from __future__ import annotations

import ast
import difflib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from .rules import Rule
from .stages import candidate_lines

MIN_LINES = 1500  # smaller modules go to LibCST whole: the skeleton would not pay
FIXERS = frozenset({"sleep", "blocking"})


@dataclass(frozen=True)
class Skeleton:
    """A module with the bodies that have no work replaced, line for line."""

    text: str
    stubbed: frozenset[int]  # 0-based numbers of the lines replaced

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


def applies(source: str, rules: Sequence[Rule]) -> bool:
    return source.count("\n") >= MIN_LINES and all(rule.key in FIXERS for rule in rules)


def make(source: str, rules: Sequence[Rule]) -> Skeleton | None:
    """The skeleton of ``source`` for ``rules``; None when it would not be faithful."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if any(isinstance(node, ast.Global) for node in ast.walk(tree)):
        return None
    try:
        wanted = candidate_lines(tree, rules)
    except RecursionError:
        return None
    lines = _lines(source)
    imported = _imported(tree)
    token = uuid.uuid4().hex
    stubbed: set[int] = set()
    for statement in tree.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        first = min([statement.lineno, *(d.lineno for d in statement.decorator_list)])
        last = statement.end_lineno or statement.lineno
        if any(first <= line <= last for line in wanted):
            continue
        body = statement.body[0]
        if body.lineno <= statement.lineno or _imports(statement):
            continue  # a one-line def; or imports the fixers must see
        start, end = body.lineno - 1, last  # 0-based, end exclusive
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip(" \t"))]
        # The imported names the body uses stay named, so that no fixer takes
        # their imports for unused.
        # (as words: a string annotation names them too)
        body_text = "".join(lines[start:end])
        used = sorted(imported & set(_WORD.findall(body_text)))
        keep = ", ".join(used) + "," if used else "pass"
        for number in range(start, end):
            ending = _ending(lines[number])
            if number == start:
                lines[number] = f"{indent}{keep}  # {token}{ending}"
            else:
                lines[number] = f"# {token} {number}{ending}"
            stubbed.add(number)
    if not stubbed:
        return None
    return Skeleton("".join(lines), frozenset(stubbed))


def imports_kept(original: str, merged: str) -> bool:
    """Every name an import bound in ``original`` and still used in ``merged`` is bound there.

    The fixers saw no uses inside the stubbed bodies, so they may have
    dropped an import those bodies still need.
    """
    try:
        before, after = ast.parse(original), ast.parse(merged)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    lost = _imported(before) - _imported(after)
    return not (lost & set(_WORD.findall(merged)))  # as words: string annotations too


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names}
    return names


def _imports(statement: ast.stmt) -> bool:
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(statement))


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> list[str]:
    """Lines as Python counts them (``str.splitlines`` also splits at \\f, \\x1c, ...)."""
    return _LINE.findall(text)


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""
