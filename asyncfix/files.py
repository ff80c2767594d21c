"""Paths in, Python files out; and the one way files are written back."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
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

    def __post_init__(self) -> None:
        # Patterns from the command line and config were checked by the caller
        # (a bad one is a usage error); _spec() only guards against the rest.
        self._exclude = _spec(self.exclude)
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def files(self, paths: Iterable[Path]) -> list[Path]:
        """Every Python file under ``paths``, each once, in a stable order."""
        found: dict[str, Path] = {}
        for path in paths:
            if path.is_dir():
                for file in self._walk(path):
                    found.setdefault(os.path.normpath(file), file)
            elif not (self.force_exclude and self.excluded(path, is_dir=False)):
                found.setdefault(os.path.normpath(path), path)
            else:
                self.skipped.append(f"{path} ({self.exclusion(path, is_dir=False)})")
        return [found[key] for key in sorted(found)]

    def excluded(self, path: Path, *, is_dir: bool) -> bool:
        """Matches an exclude pattern, or (when honoured) a .gitignore."""
        return self.exclusion(path, is_dir=is_dir) is not None

    def exclusion(self, path: Path, *, is_dir: bool) -> str | None:
        """Why ``path`` is skipped ("excluded" or "in .gitignore"), or None."""
        relative = self._relative(path)
        suffix = "/" if is_dir else ""
        if self._exclude.match_file(relative + suffix):
            return "excluded"
        if self.respect_gitignore and self._gitignored(path, suffix):
            return "in .gitignore"
        return None

    def _walk(self, top: Path) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(top), key=lambda e: e.name)
        except OSError as error:
            self.skipped.append(f"{top} (cannot list: {error.strerror})")
            return
        for entry in entries:
            path = top / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            reason = self.exclusion(path, is_dir=is_dir)
            if reason is not None:
                self.skipped.append(f"{path} ({reason})")
            elif is_link and not self._inside_root(path):
                self.skipped.append(f"{path} (symlink out of {self.root})")
            elif is_dir:
                yield from self._walk(path)
            elif entry.name.endswith(".py") and entry.is_file():
                yield path

    def _relative(self, path: Path) -> str:
        absolute = _absolute(path)
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return absolute.as_posix().lstrip("/")

    def _inside_root(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def _gitignored(self, path: Path, suffix: str) -> bool:
        absolute = _absolute(path)
        for directory in absolute.parents:
            spec = self._gitignore(directory)
            if spec is not None:
                relative = absolute.relative_to(directory).as_posix() + suffix
                if spec.match_file(relative):
                    return True
            if directory == self.root or self.root not in directory.parents:
                break
        return False

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


def _absolute(path: Path) -> Path:
    """Absolute, with the folders' symlinks resolved but not the file's own."""
    return Path(os.path.realpath(path.parent)) / path.name


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
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".asyncfix", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_owner(temporary, status)  # before chmod: chown clears setuid bits
        os.chmod(temporary, mode)
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
