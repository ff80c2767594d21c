"""What earlier runs found, so that files that did not change are not fixed again.

Like ruff's cache: a ``.asyncfix_cache/`` folder at the project root (or
``$ASYNCFIX_CACHE_DIR``) holding a ``.gitignore`` of ``*`` and a
``CACHEDIR.TAG``, so that git and backup tools leave it alone.  Inside, one
JSON file per asyncfix version and set of settings::

    .asyncfix_cache/0.1.0/<key>.json
    {"files": {"/abs/a.py": {"hash": ..., "seen": ..., "findings": [...]}}}

``<key>`` hashes everything that can change the output besides the file
itself: the settings (their ``repr``: a frozen dataclass), asyncfix's own
source (so that an edited checkout never replays stale results), the LibCST
and Python versions.  Per file the entry holds the BLAKE2b hash of its bytes:
a file is replayed only when its content is the same, whatever its mtime.

A file that came out unchanged is stored with the calls left to fix by
hand, replayed exactly.  A file that would change (``--check``, ``--diff``)
is stored with its fixes and its new bytes (zlib, base64), replayed for
``--check`` and ``--diff`` only: an in-place run always runs the fixers, the
cache never writes a file.  A file just written is not stored (the next run
checks its new text), nor is one that could not be read, parsed or written.

The cache can never break a run: an unreadable or corrupt cache file is
ignored (and replaced when the run saves), a folder that cannot be written is
a run without cache.  Writes are atomic (temporary file and ``os.replace``),
and a save merges what another run saved in the meantime.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import sys
import time
import zlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .files import replace_via_temporary
from .model import Finding, Fix, Settings

DIRECTORY = ".asyncfix_cache"
ENVIRONMENT = "ASYNCFIX_CACHE_DIR"
# An entry no run has looked at for this long is dropped when the cache is saved.
MAX_AGE = 30 * 24 * 3600
# How stale an entry's "seen" may get before a hit refreshes it (and so makes
# the run save): a warm run that only hits writes nothing.
REFRESH = 24 * 3600
GITIGNORE = "# Created by asyncfix: this folder is a cache, never commit it.\n*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by asyncfix.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


def digest(data: bytes) -> str:
    """The content hash a file is known by: BLAKE2b, 128 bits (about 1 GB/s)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_dir(root: Path) -> Path:
    """``$ASYNCFIX_CACHE_DIR`` when set, else ``ROOT/.asyncfix_cache``."""
    configured = os.environ.get(ENVIRONMENT)
    return Path(configured).expanduser() if configured else root / DIRECTORY


@lru_cache(maxsize=None)
def _code_fingerprint() -> str:
    """asyncfix's own source, the LibCST and Python versions: a change to any is a new cache."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{__version__}\0{sys.version}\0".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes())
    # The dist-info folder's name holds LibCST's version; importing LibCST
    # (or importlib.metadata) would cost more than the whole warm run saves.
    spec = importlib.util.find_spec("libcst")
    if spec is not None and spec.origin is not None:
        site = Path(spec.origin).parent.parent
        hasher.update(" ".join(sorted(p.name for p in site.glob("libcst-*.dist-info"))).encode())
    return hasher.hexdigest()


def settings_key(settings: Settings) -> str:
    """The name of the cache file for ``settings`` with this asyncfix."""
    text = f"{_code_fingerprint()}\0{settings!r}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Cached:
    """What a file came to: its findings and, for a file that would change, the fixes and new bytes."""

    findings: tuple[Finding, ...] = ()
    fixes: tuple[Fix, ...] = ()
    output: bytes | None = None  # None: nothing to change


@dataclass
class Cache:
    """The entries of one cache file, looked up and updated during a run, then saved."""

    path: Path  # the JSON file
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Why the cache could not be read or written, for ``-v``; None when all went well.
    problem: str | None = None
    touched: set[str] = field(default_factory=set)  # the entries to save

    @classmethod
    def open(cls, directory: Path, settings: Settings) -> Cache:
        """The cache for ``settings`` in ``directory``: empty when absent or unreadable."""
        cache = cls(directory / __version__ / f"{settings_key(settings)}.json")
        cache.entries, cache.problem = _load(cache.path)
        return cache

    def get(self, path: str, content: str) -> Cached | None:
        """What ``path`` came to when its content had hash ``content``; None on a miss."""
        key = _key(path)
        entry = self.entries.get(key)
        if entry is None or entry.get("hash") != content:
            return None
        try:
            cached = _decode_entry(entry)
        except (KeyError, TypeError, ValueError, zlib.error):
            return None  # not what put() writes: a miss, replaced when stored
        now = int(time.time())
        if now - _seen(entry) > REFRESH:
            entry["seen"] = now
            self.touched.add(key)
        return cached

    def put(self, path: str, content: str, cached: Cached) -> None:
        """Remember what ``path`` with hash ``content`` came to."""
        key = _key(path)
        entry: dict[str, Any] = {
            "hash": content,
            "seen": int(time.time()),
            "findings": [asdict(finding) for finding in cached.findings],
        }
        if cached.output is not None:
            entry["fixes"] = [asdict(fix) for fix in cached.fixes]
            entry["output"] = base64.b64encode(zlib.compress(cached.output)).decode("ascii")
        self.entries[key] = entry
        self.touched.add(key)

    def save(self) -> None:
        """Write the entries used or added back; never raises.

        What another run saved meanwhile is kept (only this run's entries are
        replaced); entries no run has used for :data:`MAX_AGE` are dropped.
        """
        if not self.touched:
            return
        try:
            _prepare(self.path.parent.parent)
            on_disk, problem = _load(self.path)
            merged = on_disk if problem is None else {}
            merged.update((key, self.entries[key]) for key in self.touched)
            cutoff = int(time.time()) - MAX_AGE
            kept = {k: v for k, v in merged.items() if _seen(v) >= cutoff}
            _write(self.path, json.dumps({"files": kept}, separators=(",", ":")).encode())
        except (OSError, ValueError) as error:
            self.problem = f"cannot write {self.path}: {getattr(error, 'strerror', None) or error}"
            return
        self.touched.clear()


def _decode_entry(entry: dict[str, Any]) -> Cached:
    """The entry as put() wrote it (raises KeyError, TypeError, ValueError or zlib.error if not)."""
    if not isinstance(entry["seen"], int):
        raise TypeError("seen")
    findings = tuple(Finding(**fields) for fields in entry["findings"])
    if "output" not in entry:
        return Cached(findings)
    fixes = tuple(Fix(**fields) for fields in entry["fixes"])
    output = zlib.decompress(base64.b64decode(entry["output"], validate=True))
    return Cached(findings, fixes, output)


def _key(path: str) -> str:
    return os.path.abspath(path)


def _seen(entry: dict[str, Any]) -> int:
    """When a run last used ``entry`` (0, so dropped on save, when that is garbage)."""
    seen = entry.get("seen")
    return seen if isinstance(seen, int) else 0


def _load(path: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The entries of a cache file; empty (with the reason) when it is missing or not ours."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as error:
        return {}, f"ignored {path}: {getattr(error, 'strerror', None) or error}"
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        return {}, f"ignored {path}: not an asyncfix cache"
    entries = {k: v for k, v in files.items() if isinstance(v, dict)}
    return entries, None


def _prepare(directory: Path) -> None:
    """Create the cache folder with its ``.gitignore`` and ``CACHEDIR.TAG`` (raises OSError)."""
    (directory / __version__).mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
        marker = directory / name
        if not marker.exists():
            _write(marker, text.encode())


def _write(path: Path, data: bytes) -> None:
    """Old content or new, never half: a temporary file renamed over ``path`` (not synced:
    a cache file lost in a crash is only work to do again)."""

    def as_open_makes_it(temporary: str) -> None:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600, as open() would have made it

    replace_via_temporary(
        path, data, prefix=f".{path.name}.", suffix=".tmp", sync=False, prepare=as_open_makes_it
    )


@lru_cache(maxsize=None)
def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(mask)
    return mask
