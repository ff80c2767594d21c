"""What each rule looks for, readable without importing LibCST.

The cheap stages (bytes, then ``ast``) run on every file and must not pay for
importing LibCST (about 0.4 s); they read these declarations.  ``CODES`` lists
the finding codes (those of flake8-async and ruff); ``RULES`` the fixers, each
in ``asyncfix/fixers/<key>.py``, with the codes it reports and what the cheap
stages look for.  Adding a fixer: a line here, its module, its fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Settings

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request")


@dataclass(frozen=True)
class Code:
    """One finding code: the same codes as flake8-async and ruff, so that
    existing ``# noqa: ASYNCxxx`` comments keep working."""

    code: str
    name: str
    summary: str  # what it finds, one line
    fix: str  # what asyncfix does about it, one line


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "ASYNC200",
            "blocking-call",
            "Other blocking calls: `shutil` copies/moves/`rmtree`, `socket.gethostbyname`, "
            "and the calls listed in `blocking-calls`",
            "offloaded to a worker thread (`await asyncio.to_thread(...)`) when marked so",
        ),
        Code(
            "ASYNC210",
            "blocking-http-call",
            "Blocking HTTP calls: `requests.get()`/..., `httpx.get()`/..., "
            "`urllib.request.urlopen()`, `urllib3.request()`",
            "requests and urlopen -> aiohttp `async with` blocks; httpx -> `httpx.AsyncClient`; "
            "urllib3.request offloaded",
        ),
        Code(
            "ASYNC212",
            "blocking-http-client-call",
            "Methods of a blocking `httpx.Client` or urllib3 pool the function holds",
            "an `httpx.Client` made in the function -> `httpx.AsyncClient`; otherwise reported",
        ),
        Code(
            "ASYNC220",
            "create-subprocess",
            "Starting a subprocess with blocking APIs: `subprocess.Popen`, `os.popen`, "
            "`os.spawn*` (not P_WAIT)",
            "reported (use `asyncio.create_subprocess_exec`)",
        ),
        Code(
            "ASYNC221",
            "run-process",
            "Running a process to completion: `subprocess.run/call/check_call/check_output/"
            "getoutput/getstatusoutput`, `os.system`, `os.posix_spawn*`, `os.spawn*(P_WAIT)`",
            "`subprocess.*` and `os.system` offloaded to a worker thread; the rest reported",
        ),
        Code(
            "ASYNC222",
            "wait-for-process",
            "Waiting for a child process: `os.wait`, `os.wait3`, `os.wait4`, `os.waitid`, "
            "`os.waitpid`",
            "reported",
        ),
        Code(
            "ASYNC230",
            "blocking-open-call",
            "Opening a file with blocking APIs: `open`, `io.open`, `io.open_code`, "
            "`codecs.open`, `pathlib.Path.open`",
            "reported (use `anyio.open_file`, or offload a one-shot `Path.read_text()`)",
        ),
        Code(
            "ASYNC231",
            "blocking-fdopen-call",
            "Wrapping a file descriptor with `os.fdopen`",
            "reported (use `anyio.wrap_file` or `trio.wrap_file`)",
        ),
        Code(
            "ASYNC240",
            "blocking-path-call",
            "`os.path` functions and `pathlib.Path` methods that touch the file system",
            "offloaded to a worker thread when the result is a plain value; "
            "iterators (`glob`, `iterdir`, ...) reported",
        ),
        Code(
            "ASYNC250",
            "blocking-input",
            "`input()`",
            "offloaded to a worker thread",
        ),
        Code(
            "ASYNC251",
            "blocking-sleep",
            "`time.sleep()`",
            "`await asyncio.sleep()` (or trio/anyio's sleep)",
        ),
    )
}


@dataclass(frozen=True)
class Rule:
    """One fixer and how to tell, cheaply, that a file may need it."""

    key: str  # the fixer module under asyncfix/fixers/
    codes: frozenset[str]  # the finding codes it reports
    # The file must contain ``async`` and one of these byte strings.
    triggers: tuple[bytes, ...]
    # Qualified names of the calls the fixer looks at.
    targets: frozenset[str]
    # Calls that make objects whose methods are targets too (a requests.Session)...
    receivers: frozenset[str] = frozenset()
    # ...and those methods.
    methods: frozenset[str] = frozenset()
    # Builtins among the targets: called without any import.
    builtins: frozenset[str] = frozenset()
    # Fixers that keep every line where it is run first, so that the line
    # numbers later fixers see are still those of the original file.
    order: int = 0

    @property
    def builtin_bytes(self) -> frozenset[bytes]:
        return frozenset(name.encode() for name in self.builtins)

    @property
    def packages(self) -> frozenset[str]:
        """Top-level packages a module must import for the rule to apply."""
        return frozenset(name.split(".")[0] for name in self.targets | self.receivers)


# What the generic fixer (asyncfix/fixers/blocking.py) finds, by qualified name.
OS_PATH_IO = (
    "abspath", "exists", "expanduser", "getatime", "getctime", "getmtime", "getsize",
    "isdir", "isfile", "isjunction", "islink", "ismount", "lexists", "realpath",
    "samefile", "sameopenfile", "isdevdrive", "relpath",
)
# pathlib.Path methods ruff's ASYNC240 flags (``open`` is ASYNC230's).
PATH_METHODS = (
    "absolute", "chmod", "exists", "expanduser", "glob", "group", "hardlink_to",
    "is_block_device", "is_char_device", "is_dir", "is_fifo", "is_file", "is_junction",
    "is_mount", "is_socket", "is_symlink", "iterdir", "lchmod", "link_to", "lstat",
    "mkdir", "owner", "read_bytes", "read_text", "readlink", "rename", "replace",
    "resolve", "rglob", "rmdir", "samefile", "stat", "symlink_to", "touch", "unlink",
    "walk", "write_bytes", "write_text", "cwd", "home", "isjunction",
    "copy", "copy_into", "move", "move_into",  # Python 3.14
)
PATH_CLASSES = (
    "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath",
    "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath",
)
# Path methods that give a path again (the blocking fixer and stage 2 follow them).
PATH_RETURNING = frozenset(
    {
        "resolve",
        "absolute",
        "expanduser",
        "with_name",
        "with_suffix",
        "with_stem",
        "joinpath",
        "relative_to",
    }
)
URLLIB3_POOLS = (
    "urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool", "urllib3.connection_from_url", "urllib3.proxy_from_url",
    "urllib3.poolmanager.PoolManager", "urllib3.poolmanager.ProxyManager",
    "urllib3.connectionpool.HTTPConnectionPool", "urllib3.connectionpool.HTTPSConnectionPool",
)
URLLIB3_METHODS = ("request", "request_encode_url", "request_encode_body", "urlopen")
SPAWN = ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")
HTTPX_FUNCTIONS = (*HTTP_METHODS, "stream")
HTTPX_CLIENT_METHODS = (*HTTP_METHODS, "send", "stream", "close")

BLOCKING_TARGETS = frozenset(
    {
        "urllib3.request",
        "requests.connect", "requests.trace",
        "subprocess.Popen", "os.popen", "os.posix_spawn", "os.posix_spawnp", "os.system",
        *(f"os.{name}" for name in SPAWN),
        *(f"subprocess.{name}" for name in (
            "run", "call", "check_call", "check_output", "getoutput", "getstatusoutput")),
        *(f"os.{name}" for name in ("wait", "wait3", "wait4", "waitid", "waitpid")),
        "io.open", "io.open_code", "codecs.open", "os.fdopen",
        *(f"os.path.{name}" for name in OS_PATH_IO),
        *(f"shutil.{name}" for name in (
            "copy", "copy2", "copyfile", "copyfileobj", "copytree", "move", "rmtree",
            "copymode", "copystat", "make_archive", "unpack_archive", "disk_usage", "chown",
        )),
        *(f"socket.{name}" for name in (
            "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn", "getaddrinfo",
            "getnameinfo", "create_connection",
        )),
        "builtins.open", "builtins.input",
    }
)


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            key="requests",
            codes=frozenset({"ASYNC210"}),
            triggers=(b"requests",),
            targets=frozenset(
                {f"requests.{m}" for m in HTTP_METHODS} | {f"requests.api.{m}" for m in HTTP_METHODS}
            ),
            receivers=frozenset({"requests.Session", "requests.session", "requests.sessions.Session"}),
            methods=frozenset(HTTP_METHODS),
            order=100,  # moves statements
        ),
        Rule(
            key="httpx",
            codes=frozenset({"ASYNC210", "ASYNC212"}),
            triggers=(b"httpx",),
            targets=frozenset(
                {f"httpx.{m}" for m in (*HTTPX_FUNCTIONS, "connect", "trace")}
            ),
            receivers=frozenset({"httpx.Client"}),
            methods=frozenset(HTTPX_CLIENT_METHODS),
            order=90,  # adds statements
        ),
        Rule(
            key="urllib",
            codes=frozenset({"ASYNC210"}),
            triggers=(b"urlopen",),
            targets=frozenset({"urllib.request.urlopen"}),
            order=95,  # adds statements
        ),
        Rule(
            key="sleep",
            codes=frozenset({"ASYNC251"}),
            triggers=(b"sleep",),
            targets=frozenset({"time.sleep"}),
        ),
        Rule(
            key="blocking",
            codes=frozenset({"ASYNC200", "ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221",
                             "ASYNC222", "ASYNC230", "ASYNC231", "ASYNC240", "ASYNC250"}),
            # Stage 1 also wants an import of a target's package and one of
            # its names, or a bare open( / input( (asyncfix/stages.py).
            triggers=(b"open", b"input", b"os", b"subprocess", b"shutil", b"socket",
                      b"urllib", b"pathlib", b"requests", b"io", b"codecs"),
            targets=BLOCKING_TARGETS,
            receivers=frozenset({*PATH_CLASSES, *URLLIB3_POOLS}),
            methods=frozenset({*PATH_METHODS, "open", *URLLIB3_METHODS}),
            builtins=frozenset({"open", "input"}),
        ),
    )
}


def enabled_codes(settings: Settings) -> frozenset[str]:
    """The finding codes ``settings`` turns on.

    Raises ValueError for a selector that matches no code.
    """
    codes = sorted(CODES)
    for selector in (*settings.select, *settings.ignore):
        if not any(_matches(selector, code) for code in codes):
            raise ValueError(f"unknown rule selector {selector!r} (known: {', '.join(codes)})")
    return frozenset(
        code
        for code in codes
        if any(_matches(s, code) for s in settings.select)
        and not any(_matches(s, code) for s in settings.ignore)
    )


def select_rules(settings: Settings) -> list[Rule]:
    """The fixers ``settings`` turns on (any of their codes enabled), in run order.

    ``blocking-calls`` from the config become more targets of the generic fixer.
    Raises ValueError for a selector that matches no code.
    """
    codes = enabled_codes(settings)
    chosen = [rule for rule in RULES.values() if rule.codes & codes]
    if settings.blocking_calls and "ASYNC200" in codes:
        chosen = [_with_configured(rule, settings) if rule.key == "blocking" else rule
                  for rule in chosen]
    return sorted(chosen, key=lambda rule: (rule.order, rule.key))


def _with_configured(rule: Rule, settings: Settings) -> Rule:
    names = {call.name for call in settings.blocking_calls}
    return replace(
        rule,
        targets=rule.targets | names,
        triggers=rule.triggers + tuple(sorted({n.rsplit(".", 1)[-1].encode() for n in names})),
    )


def _matches(selector: str, code: str) -> bool:
    selector = selector.strip().upper()
    return selector == "ALL" or code.startswith(selector)
