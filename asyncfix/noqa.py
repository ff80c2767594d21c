"""``# noqa`` comments, read the way ruff and flake8 read them."""

from __future__ import annotations

import io
import re
import tokenize

# "# noqa" alone silences every code on the line; "# noqa: ASYNC251, ASYNC210"
# only those.  Case-insensitive, like flake8.
_NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)

ALL = frozenset({"*"})


class NoqaMap:
    """Line number -> the codes silenced on that line (``ALL`` for a bare noqa)."""

    def __init__(self, source: str) -> None:
        self._lines: dict[int, frozenset[str]] = {}
        if "noqa" not in source.lower():
            return
        for line, text in _comments(source):
            match = _NOQA.search(text)
            if match is None:
                continue
            codes = match.group("codes")
            if codes is None:
                self._lines[line] = ALL
            else:
                found = frozenset(c.upper() for c in re.split(r"[,\s]+", codes) if c)
                self._lines[line] = self._lines.get(line, frozenset()) | found

    def silenced(self, code: str, *lines: int) -> bool:
        """True when any of ``lines`` carries a noqa covering ``code``."""
        for line in lines:
            codes = self._lines.get(line)
            if codes is not None and (codes is ALL or code in codes):
                return True
        return False


def _comments(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment; strings that look like comments are not."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return [(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        # The parser accepted the module, so this is a corner tokenize does not
        # know; fall back to a per-line search rather than lose every noqa.
        return [
            (number, line[line.index("#"):])
            for number, line in enumerate(source.splitlines(), start=1)
            if "#" in line
        ]
