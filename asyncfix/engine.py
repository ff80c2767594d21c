"""One module in, one result out: the staged pipeline every file goes through.

1. bytes: a file without ``async``, one of a rule's trigger strings and an
   import of its package cannot hold anything to fix; it is not even decoded.
2. ``ast``: the stdlib parser (14x faster than LibCST) resolves the imports
   and looks for a call to a target inside an ``async def``.  No candidate, no
   LibCST (stages 1 and 2: asyncfix/stages.py).
3. LibCST: the fixers run on the concrete tree, imports are added and removed,
   the new code is checked to compile (asyncfix/transform.py).

Stages 1 and 2 only ever say "maybe": they may let a file through that has
nothing to fix, never stop one that has.  Nothing here raises on bad input.
"""

from __future__ import annotations

import ast
import codecs
import io
import tokenize

from .model import FixResult, Settings
from .rules import Rule, select_rules
from .stages import Found, find, rules_for_bytes

__all__ = ["fix_source", "fix_bytes", "decode"]


class DecodeError(ValueError):
    """The bytes are not text in the encoding the file declares."""


def fix_source(
    source: str,
    *,
    filename: str = "<string>",
    settings: Settings | None = None,
    staged: bool = True,
) -> FixResult:
    """Fix every blocking call in ``source`` that can be fixed safely.

    Never raises for bad input: a module that cannot be parsed comes back
    unchanged with ``error`` set.  Raises ValueError only for ``settings``
    naming an unknown rule.  ``staged=False`` skips the cheap stages and the
    skeleton (which stubs what the ``ast`` stage finds no candidate in): the
    tests use it to prove the stages never skip anything that has work.
    """
    settings = settings or Settings()
    rules = select_rules(settings)
    if not staged:
        return _run(source, filename, settings, rules, whole=True)
    found = find(source, rules_for_bytes(source.encode("utf-8", "surrogatepass"), rules))
    return _run(source, filename, settings, found.rules, found=found)


def _run(
    source: str,
    filename: str,
    settings: Settings,
    rules: list[Rule],
    *,
    whole: bool = False,
    found: Found | None = None,
) -> FixResult:
    """Stage 3 for the rules that are left, if any (``found``: what stage 2 saw)."""
    if not rules:
        return FixResult(source)
    from . import transform  # LibCST: imported only when a file gets this far

    return transform.run(source, filename, settings, rules, whole=whole, found=found)


def fix_bytes(
    data: bytes, *, filename: str, settings: Settings
) -> tuple[bytes, str, FixResult]:
    """:func:`fix_source` for a file's raw bytes, keeping encoding, BOM and newlines.

    Returns the new bytes, the decoded original text ("" when the file was
    skipped undecoded: it cannot hold a target) and the result.
    """
    rules = rules_for_bytes(data, select_rules(settings))
    if not rules:
        return data, "", FixResult("")
    try:
        source, encoding = decode(data)
    except DecodeError as error:
        return data, "", FixResult("", error=f"cannot parse: {error}")
    # stage 1 ran on the raw bytes above: only stage 2 is left to run on the text
    found = find(source, rules)
    result = _run(source, filename, settings, found.rules, found=found)
    if not result.changed:
        return data, source, result
    try:
        return result.source.encode(encoding), source, result
    except UnicodeEncodeError as error:
        failed = FixResult(source, error=f"internal error: cannot encode as {encoding}: {error}")
        return data, source, failed


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of a Python file, by PEP 263 (``utf-8-sig`` when it has a BOM).

    Newlines are not translated: CRLF stays CRLF.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # Bad UTF-8 in the first two lines comes back as "invalid or missing
        # encoding declaration"; further down it would be "not valid utf-8 ...
        # at byte N".  Say the second, the same wherever the byte is.
        encoding = "utf-8"
        if not str(error).startswith("invalid or missing encoding declaration"):
            raise DecodeError(str(error)) from None
    try:
        text = codecs.decode(data, encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"not valid {encoding}: {error.reason} at byte {error.start}") from None
    if "\0" in text:
        # Python refuses these too, and the parsers' own message has no position.
        line = text.count("\n", 0, text.index("\0")) + 1
        raise DecodeError(f"line {line}: source contains a null byte")
    return text, encoding


def parse_problem(data: bytes) -> str | None:
    """Why ``data`` is not a Python module Python can read (None when it is)."""
    try:
        source, _ = decode(data)
    except DecodeError as error:
        return str(error)
    try:
        ast.parse(source)
    except SyntaxError as error:
        return f"line {error.lineno}, column {error.offset}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return str(error) or type(error).__name__
    return None
