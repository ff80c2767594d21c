"""Paths in, Python files out; and the one way files are written back."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

# Like black's and ruff's defaults: tool caches, VCS data, virtualenvs, builds.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".asyncfix_cache",
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)

PROJECT_MARKERS = ("pyproject.toml", ".git", ".hg")

# write_atomically's temporary files: ``.NAME.PID.RANDOM.asyncfix`` beside the
# file.  A run killed between creating one and renaming it leaves it behind:
# not a .py file, so never fixed; the next in-place run removes it.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.asyncfix$")


_PLAIN = re.compile(r"^(?!\.*$)[A-Za-z0-9_.-]+$")  # not "." or ".."


def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable gitignore-style pattern (None if it is)."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError as error:
        # pathspec says "Invalid git pattern"; the reason is in the cause.
        reason = str(error.__cause__ or error).split(":")[0].strip().rstrip(".")
        return f"invalid pattern {pattern!r}: {reason[:1].lower()}{reason[1:]}"
    return None


def _spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """A spec from the lines that are valid patterns.

    git itself skips a .gitignore line it cannot use (such as a lone ``!`` or
    a trailing backslash) and goes on; so do we, rather than stop the run.
    """
    return pathspec.GitIgnoreSpec.from_lines(
        line for line in lines if pattern_error(line) is None
    )


def common_parent(paths: Sequence[Path]) -> Path:
    """The deepest directory holding every path (the cwd for none)."""
    if not paths:
        return Path.cwd()
    resolved = [p.resolve() for p in paths]
    parent = Path(os.path.commonpath([str(p) for p in resolved]))
    return parent if parent.is_dir() else parent.parent


def find_project_root(paths: Sequence[Path]) -> Path:
    """The nearest directory above the paths with pyproject.toml, .git or .hg.

    Outside any project: the current directory when the paths are inside it
    (as ruff does), else their common parent.  Not the common parent always:
    then ``asyncfix build`` would walk build/ (it is the root, so nothing in it
    matches ``build``) outside a project and skip it inside one.
    """
    start = common_parent(paths)
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in PROJECT_MARKERS):
            return directory
    cwd = Path.cwd().resolve()
    return cwd if start == cwd or cwd in start.parents else start


@dataclass
class Discovery:
    """How paths become files: the roots to match against and what to skip."""

    root: Path
    exclude: Sequence[str]
    force_exclude: bool = False
    respect_gitignore: bool = True
    skipped: list[str] = field(default_factory=list)
    # Temporary files a killed run left behind (see write_atomically), found by the walk.
    leftovers: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Patterns from the command line and config were checked by the caller
        # (a bad one is a usage error); _spec() only guards against the rest.
        self._exclude = _spec(self.exclude)
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        # Walking a tree asks the same questions of every file in a folder:
        # the answers are kept (realpath alone was most of a 10k-file walk).
        self._real_folders: dict[Path, Path] = {}
        self._chains: dict[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]] = {}
        self._real_root = Path(os.path.realpath(self.root))
        self._below_root = str(self._real_root).rstrip(os.sep) + os.sep
        # When every exclude pattern is a plain name (as the defaults are) and
        # none negates, a walk can test entry names against a set instead of
        # matching each path against every pattern: a plain ``name`` matches
        # a path when one of its parts is ``name``.
        plain = all(_PLAIN.match(p) for p in self.exclude)
        self._plain_names = frozenset(self.exclude) if plain else None

    def files(self, paths: Iterable[Path]) -> list[Path]:
        """Every Python file under ``paths``, each once, in a stable order.

        "Once" counts files, not names: a symlink to a file that is also found
        under its own name is dropped (the real name is kept), so that no file
        is fixed twice in one run.
        """
        found: dict[str, tuple[Path, bool]] = {}
        for path in paths:
            if path.is_dir():
                for file, is_link in self._walk(path):
                    found.setdefault(os.path.normpath(file), (file, is_link))
            elif not (self.force_exclude and self.excluded(path, is_dir=False)):
                found.setdefault(os.path.normpath(path), (path, path.is_symlink()))
            else:
                self.skipped.append(f"{path} ({self.exclusion(path, is_dir=False)})")
        chosen: dict[str, tuple[str, bool]] = {}  # the real file -> (key, is_link)
        for key in sorted(found):
            file, is_link = found[key]
            real = os.path.realpath(file) if is_link else str(self._absolute(file))
            kept = chosen.get(real)
            if kept is None or (kept[1] and not is_link):
                chosen[real] = (key, is_link)
        keys = {key for key, _ in chosen.values()}
        for key in sorted(found):
            if key not in keys:
                self.skipped.append(f"{found[key][0]} (the same file as another path)")
        return [found[key][0] for key in sorted(keys)]

    def excluded(self, path: Path, *, is_dir: bool) -> bool:
        """Matches an exclude pattern, or (when honoured) a .gitignore."""
        return self.exclusion(path, is_dir=is_dir) is not None

    def exclusion(self, path: Path, *, is_dir: bool) -> str | None:
        """Why ``path`` is skipped ("excluded" or "in .gitignore"), or None."""
        absolute = self._absolute(path)
        suffix = "/" if is_dir else ""
        if self._exclude.match_file(self._relative(absolute) + suffix):
            return "excluded"
        if self.respect_gitignore and self._gitignored(absolute, suffix):
            return "in .gitignore"
        return None

    def _walk(self, top: Path) -> Iterator[tuple[Path, bool]]:
        names = self._plain_names
        if names is not None:
            # the folder as named and as it really is (a symlink into build/)
            named = self._relative(self._absolute(top)).split("/")
            real = self._relative(Path(os.path.realpath(top))).split("/")
            if names.intersection(named) or names.intersection(real):
                names = None  # excluded, maybe: let exclusion() decide, file by file
        yield from self._walk_folder(top, names, Path(os.path.realpath(top)))

    def _walk_folder(
        self, top: Path, names: frozenset[str] | None, real: Path
    ) -> Iterator[tuple[Path, bool]]:
        """``top``'s Python files, depth first in name order.

        With ``names`` (the exclude patterns are all plain names, see
        ``_plain_names``), an entry is excluded when its own name is one of
        them: its folders were checked on the way down.  Only folders and
        ``.py`` files are checked at all; the .gitignore chain is found once
        per folder.
        """
        try:
            entries = sorted(os.scandir(top), key=lambda e: e.name)
        except OSError as error:
            self.skipped.append(f"{top} (cannot list: {error.strerror})")
            return
        self._real_folders[top] = real  # ``real``: where ``top`` really is
        chain: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        if names is not None and self.respect_gitignore:
            chain = self._gitignore_chain(real)
        for entry in entries:
            name = entry.name
            if name.endswith(".asyncfix") and TEMPORARY.match(name):
                self.leftovers.append(top / name)
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if not is_dir and not name.endswith(".py"):
                continue  # never yielded, so never worth a pattern match
            path = top / name
            suffix = "/" if is_dir else ""
            if names is None:
                reason = self.exclusion(path, is_dir=is_dir)
            elif name in names:
                reason = "excluded"
            elif chain and any(
                spec.match_file((real / name).relative_to(directory).as_posix() + suffix)
                for directory, spec in chain
            ):
                reason = "in .gitignore"
            else:
                reason = None
            if reason is not None:
                self.skipped.append(f"{path} ({reason})")
            elif is_link and not self._inside_root(path):
                self.skipped.append(f"{path} (symlink out of {self.root})")
            elif is_dir:
                inner = real / name  # (a symlinked folder is not is_dir here: never walked)
                yield from self._walk_folder(path, names, inner)
            elif entry.is_file():
                yield path, is_link

    def _absolute(self, path: Path) -> Path:
        """Absolute, with the folders' symlinks resolved but not the file's own."""
        parent = path.parent
        real = self._real_folders.get(parent)
        if real is None:
            real = self._real_folders[parent] = Path(os.path.realpath(parent))
        return real / path.name

    def _relative(self, absolute: Path) -> str:
        try:
            return absolute.relative_to(self._real_root).as_posix()
        except ValueError:
            return absolute.as_posix().lstrip("/")

    def _inside_root(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def _gitignored(self, absolute: Path, suffix: str) -> bool:
        for directory, spec in self._gitignore_chain(absolute.parent):
            if spec.match_file(absolute.relative_to(directory).as_posix() + suffix):
                return True
        return False

    def _gitignore_chain(self, folder: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        """The .gitignore files that apply in ``folder``: its own up to the root's."""
        chain = self._chains.get(folder)
        if chain is None:
            spec = self._gitignore(folder)
            chain = [(folder, spec)] if spec is not None else []
            # strictly inside the root (``/`` is its own parent)
            if folder.parent != folder and str(folder).startswith(self._below_root):
                chain = chain + self._gitignore_chain(folder.parent)
            self._chains[folder] = chain
        return chain

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            try:
                # git reads bytes; surrogateescape keeps a stray non-UTF-8 byte
                # from hiding the whole file (os.scandir names decode the same way).
                text = (directory / ".gitignore").read_text("utf-8", errors="surrogateescape")
                self._gitignores[directory] = _spec(text.splitlines())
            except OSError:
                self._gitignores[directory] = None
        return self._gitignores[directory]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data``: old file or new, never half.

    The bytes go to a temporary file in the same folder (same file system),
    get the original's permission bits, are flushed to disk, then renamed over
    the original.  A symlink is written through, to the file it points at.
    Raises OSError (PermissionError for a read-only file).
    """
    target = Path(os.path.realpath(path))
    status = target.stat()
    mode = stat.S_IMODE(status.st_mode)
    # Checked by hand: root may write anything, but a file its owner made
    # read-only is one the user does not expect a tool to change.
    if not mode & stat.S_IWUSR:
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))

    def keep_owner_and_mode(temporary: str) -> None:
        _keep_owner(temporary, status)  # before chmod: chown clears setuid bits
        os.chmod(temporary, mode)

    # The pid in the name tells a later run whether the writer is gone.
    replace_via_temporary(
        target, data, prefix=f".{target.name}.{os.getpid()}.", suffix=".asyncfix",
        sync=True, prepare=keep_owner_and_mode,
    )


def replace_via_temporary(
    target: Path,
    data: bytes,
    *,
    prefix: str,
    suffix: str,
    sync: bool,
    prepare: Callable[[str], None],
) -> None:
    """Write ``data`` to a temporary file beside ``target``, ``prepare`` it, rename it over.

    Old content or new, never half; the temporary file is removed if anything
    fails (and the error raised).  ``sync``: flushed to disk before the rename.
    """
    fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        prepare(temporary)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _keep_owner(temporary: str, original: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where we may (root may)."""
    if not hasattr(os, "chown"):
        return
    current = os.stat(temporary)
    if (current.st_uid, current.st_gid) == (original.st_uid, original.st_gid):
        return
    try:
        os.chown(temporary, original.st_uid, original.st_gid)
    except OSError:
        pass  # not allowed: the file is still ours to write, with our ownership


def remove_leftovers(paths: Iterable[Path]) -> list[Path]:
    """Delete the temporary files of writers that are gone (a killed run); return those deleted.

    A file whose process is still running belongs to a run writing right now
    (another asyncfix on the same tree) and is left alone.
    """
    removed: list[Path] = []
    for path in paths:
        match = TEMPORARY.match(path.name)
        if match is None or _running(int(match["pid"])):
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (when unsure: yes, so that nothing is deleted)."""
    if pid == os.getpid() or sys.platform == "win32":
        return True  # on Windows os.kill(pid, 0) would end the process, not probe it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether ``pid`` has ended but not been reaped yet (Linux: state Z or X in /proc).

    A killed run's workers are orphans that the system's first process reaps
    when it gets round to it; until then ``os.kill(pid, 0)`` still finds them.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            status = stat_file.read()
    except OSError:
        return False  # no /proc (macOS, BSD), or gone since: os.kill's answer stands
    state = status[status.rfind(b")") + 2 : status.rfind(b")") + 3]
    return state in (b"Z", b"X", b"x")
