"""Every other blocking call: found by qualified name, offloaded when that is safe.

ASYNC200 (``shutil``, ``socket`` lookups, ``blocking-calls`` from the config),
ASYNC210 (urllib, urllib3), ASYNC212 (urllib3 pools), ASYNC220/221/222
(processes), ASYNC230/231 (files), ASYNC240 (``os.path``, ``pathlib``) and
ASYNC250 (``input``), with the codes flake8-async and ruff give them.

A call whose value is a plain result (a bool, a number, a string, a
``CompletedProcess``) runs the same in a worker thread, so it becomes
``await asyncio.to_thread(func, *args, **kwargs)`` (``trio.to_thread.run_sync``
/ ``anyio.to_thread.run_sync`` with ``functools.partial`` for keyword
arguments; ``run_in_executor`` when the project supports Python < 3.9).  A call
that returns something that blocks again when used (a file, a process, an
iterator, a socket, a response) is reported: offloading the call alone would
leave the stall where the object is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import (
    Assignment,
    QualifiedName,
    QualifiedNameSource,
)

from ..rules import (
    OS_PATH_IO,
    PATH_CLASSES,
    PATH_METHODS,
    PATH_RETURNING,
    RULES,
    SPAWN,
    URLLIB3_METHODS,
    URLLIB3_POOLS,
)
from . import Fixer, Scopes, add_needed_import, is_dotted_name, register, union_members

_ITSELF = "<the name itself>"


@dataclass(frozen=True)
class Target:
    """What one blocking call is and what to do about it."""

    code: str
    label: str  # how messages name it: ``os.path.exists()``
    # None: offload it; else why it is reported instead (what to use).
    advice: str | None


SUBPROCESS_HINT = {
    "asyncio": "`await asyncio.create_subprocess_exec()` (or `create_subprocess_shell()`)",
    "trio": "`await trio.run_process()`",
    "anyio": "`await anyio.run_process()`",
}
COLLECT_HINT = {
    "asyncio": "`await asyncio.to_thread(lambda: list(...))`",
    "trio": "`await trio.to_thread.run_sync(lambda: list(...))`",
    "anyio": "`await anyio.to_thread.run_sync(lambda: list(...))`",
}
OPEN_HINT = {
    "asyncio": "use `anyio.open_file()`, or read it whole in a worker thread",
    "trio": "use `trio.open_file()`",
    "anyio": "use `anyio.open_file()`",
}
# pathlib methods whose result is an iterator: reported.
PATH_ITERATORS = frozenset({"glob", "rglob", "iterdir", "walk"})


def _static_targets() -> dict[str, tuple[str, str | None]]:
    """Qualified name -> (code, advice or None to offload)."""
    table: dict[str, tuple[str, str | None]] = {}
    # urllib3.request() reads the whole body before it returns (preload_content):
    # a plain result, offloaded; with preload_content= it is reported (_lookup).
    table["urllib3.request"] = ("ASYNC210", None)
    for name in ("requests.connect", "requests.trace"):
        table[name] = ("ASYNC210", "requests has no such function")
    table["subprocess.Popen"] = ("ASYNC220", "SUBPROCESS")
    table["os.popen"] = ("ASYNC220", "SUBPROCESS")
    for name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"):
        table[f"subprocess.{name}"] = ("ASYNC221", None)
    table["os.system"] = ("ASYNC221", None)
    for name in ("posix_spawn", "posix_spawnp"):
        table[f"os.{name}"] = ("ASYNC221", "SUBPROCESS")
    for name in SPAWN:
        table[f"os.{name}"] = ("ASYNC220", "SUBPROCESS")  # ASYNC221 with os.P_WAIT
    wait = (
        "a worker thread reaping children can race the event loop's own child watcher; "
        "start the process with `asyncio.create_subprocess_exec()` and await its `wait()`"
    )
    for name in ("wait", "wait3", "wait4", "waitid", "waitpid"):
        table[f"os.{name}"] = ("ASYNC222", wait)
    for name in ("builtins.open", "io.open", "io.open_code", "codecs.open"):
        table[name] = ("ASYNC230", "OPEN")
    table["os.fdopen"] = (
        "ASYNC231",
        "the file object blocks on every read and write; use `anyio.wrap_file()` / "
        "`trio.wrap_file()`",
    )
    for name in OS_PATH_IO:
        table[f"os.path.{name}"] = ("ASYNC240", None)
    table["builtins.input"] = ("ASYNC250", None)
    for name in (
        "copy",
        "copy2",
        "copyfile",
        "copyfileobj",
        "copytree",
        "move",
        "rmtree",
        "copymode",
        "copystat",
        "make_archive",
        "unpack_archive",
        "disk_usage",
        "chown",
    ):
        table[f"shutil.{name}"] = ("ASYNC200", None)
    for name in (
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "getfqdn",
        "getaddrinfo",
        "getnameinfo",
    ):
        table[f"socket.{name}"] = ("ASYNC200", None)
    table["socket.create_connection"] = (
        "ASYNC200",
        "the socket it returns blocks on every send and receive; use `asyncio.open_connection()`",
    )
    # copyfileobj works on file objects the caller opened: still plain, but the
    # files were opened with blocking calls that are reported on their own.
    return table


STATIC = _static_targets()
# Before 3.10.6 make_archive() changes the process's working directory while
# it writes (bpo-43253 / gh-87522): in a worker thread, every other thread's
# relative paths move with it.
MAKE_ARCHIVE = (
    "with a `root_dir` it may change the working directory of the whole process while it "
    "runs (`os.chdir`: before Python 3.10.6, and for formats registered without "
    "`supports_root_dir`), which is not safe in a worker thread; offloaded with a built-in "
    "format named by a literal when the target version is py311 or later"
)
ARCHIVE_FORMATS = frozenset({"zip", "tar", "gztar", "bztar", "xztar"})
# Before 3.5.3 ``asyncio.get_event_loop()`` in a coroutine is the policy's
# loop, not necessarily the running one; ``get_running_loop()`` is new in 3.7.
OLD_ASYNCIO = (
    "the target Python ({version}) has no `asyncio.get_running_loop()`, and before 3.5.3 "
    "`asyncio.get_event_loop()` may not be the running loop; set the target version to py36 "
    "or later (`target-version`, or `requires-python` with a lower bound)"
)
FUNCTOOLS = "functools"


@register
class BlockingCallFixer(Fixer):
    """Finds the blocking calls of ``STATIC`` (and the configured ones); offloads the safe ones."""

    key = "blocking"
    code = "ASYNC200"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._configured = {call.name: call for call in self.settings.blocking_calls}
        self._resolving: set[str] = set()  # names whose bindings _made_by is looking at

    def prepare(self, tree: cst.Module) -> None:
        super().prepare(tree)
        self._spellings = (
            self._spellings
            | RULES[self.key].methods
            | {name.rsplit(".", 1)[-1] for name in self._configured}
        )

    def could_be_target(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Attribute):
            return func.attr.value in self._spellings
        # builtins and names imported with ``from x import y`` (any alias)
        return isinstance(func, cst.Name)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self.could_be_target(original_node.func):
            return updated_node
        where = self.async_context()
        if not where.in_async:
            return updated_node
        found = self._classify(original_node)
        if found is None:
            return updated_node
        target, ambiguity = found
        if target.code not in self.enabled or self.silenced(original_node, target.code):
            return updated_node
        blocks = f"`{target.label}` blocks the event loop; not fixed: "
        if ambiguity is not None:
            self.report(original_node, blocks + ambiguity, target.code)
            return updated_node
        if target.advice is not None:
            self.report(original_node, blocks + self._advice(target.advice), target.code)
            return updated_node
        awaited = self.awaited(original_node)
        reason = None
        if where.always is not None or (where.blocker is not None and not awaited):
            reason = f"it is inside {where.blocker}"
        rewritten = None
        if reason is None:
            rewritten, reason = self._offloaded(original_node, updated_node, awaited)
        if rewritten is None:
            self.report(original_node, blocks + (reason or "no safe rewrite"), target.code)
            return updated_node
        callee = cst.Module([]).code_for_node(original_node.func)
        self.record_fix(
            original_node,
            f"`{target.label}` -> `await {self._offload_spelling(callee)}`",
            target.code,
        )
        return rewritten

    # -- what is called ----------------------------------------------------

    def _classify(self, call: cst.Call) -> tuple[Target, str | None] | None:
        """The target ``call`` is, and why it is unclear (None: it is clear)."""
        func = call.func
        if is_dotted_name(func):
            names = self.qualified_names(func)
            known = [q for q in names if self._lookup(q, call) is not None]
            if not known:
                return self._method_call(call)
            target = self._lookup(known[0], call)
            assert target is not None
            others = sorted(q.name for q in names if q.name != known[0].name)
            if others:
                why = (
                    f"the name is bound to more than {known[0].name} (also "
                    f"{', '.join(others)}); cannot tell which one runs"
                )
                return target, why
            return target, None
        return self._method_call(call)

    def _lookup(self, qualified: QualifiedName, call: cst.Call) -> Target | None:
        if qualified.source not in (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN):
            return None
        name = qualified.name
        label = name.removeprefix("builtins.") + "()"
        configured = self._configured.get(name)
        if configured is not None:
            advice = (
                None if configured.offload else f"listed in `blocking-calls`: {configured.message}"
            )
            return Target("ASYNC200", label, advice)
        entry = STATIC.get(name)
        if entry is not None:
            code, advice = entry
            if name.startswith("os.spawn") and self._waits(call):
                code = "ASYNC221"
            if name == "shutil.make_archive" and self._changes_directory(call):
                advice = MAKE_ARCHIVE
            if name == "urllib3.request" and any(
                arg.star == "**"
                or (arg.keyword is not None and arg.keyword.value == "preload_content")
                for arg in call.args
            ):
                advice = (
                    "with `preload_content=` (or `**kwargs`) the body may be read later, "
                    "where it blocks again; use aiohttp or httpx.AsyncClient"
                )
            return Target(code, label, advice)
        owner, _, method = name.rpartition(".")
        if owner in PATH_CLASSES and method in PATH_METHODS:
            return self._path_method(f"Path.{method}()", method)
        return None

    def _path_method(self, label: str, method: str) -> Target:
        if method == "open":
            return Target("ASYNC230", label, "OPEN")
        if method in PATH_ITERATORS:
            return Target(
                "ASYNC240",
                label,
                "it returns an iterator that touches the file system as it is consumed; "
                "collect it in a worker thread (" + COLLECT_HINT[self.loop] + ")",
            )
        return Target("ASYNC240", label, None)

    def _method_call(self, call: cst.Call) -> tuple[Target, str | None] | None:
        """``Path(p).exists()``, ``p.read_text()`` for a ``p = Path(...)``, ``pool.request()``."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        made_by = self._made_by(func.value)
        if made_by is None:
            return None
        if made_by in PATH_CLASSES and (method in PATH_METHODS or method == "open"):
            return self._path_method(f"Path.{method}()", method), None
        if made_by in URLLIB3_POOLS and method in URLLIB3_METHODS:
            kind = made_by.rsplit(".", 1)[-1]
            advice = (
                "urllib3's pools have no async API, and the pool's connections are not "
                "safe to share with a worker thread here; use aiohttp or httpx.AsyncClient"
            )
            return Target("ASYNC212", f"{kind}.{method}()", advice), None
        return None

    def _made_by(self, value: cst.BaseExpression, depth: int = 0) -> str | None:
        """The class or factory that surely made ``value``, by qualified name."""
        if depth > 5:
            return None
        if isinstance(value, cst.Call):
            func = value.func
            if isinstance(func, cst.Attribute) and func.attr.value in PATH_RETURNING:
                # path.resolve(), path.with_suffix(...): a path again
                made = self._made_by(func.value, depth + 1)
                return made if made in PATH_CLASSES or made == _ITSELF else None
            return self._single_name(func)
        if isinstance(value, cst.Attribute) and value.attr.value == "parent":
            made = self._made_by(value.value, depth + 1)
            return made if made in PATH_CLASSES else None
        if _is_path_join(value):
            assert isinstance(value, cst.BinaryOperation)
            made = self._made_by(value.left, depth + 1)
            return made if made in PATH_CLASSES else None
        if not isinstance(value, cst.Name):
            return None
        scope = self.get_metadata(Scopes, value, None)
        if scope is None:
            return None
        if value.value in self._resolving:
            return _ITSELF  # ``path = path.resolve()``: as made as the other bindings
        self._resolving.add(value.value)
        try:
            makers = set()
            for assignment in scope[value.value]:
                if not isinstance(assignment, Assignment):
                    return None
                makers.add(self._assigned_maker(assignment.node, depth + 1))
        finally:
            self._resolving.discard(value.value)
        makers.discard(_ITSELF)
        if len(makers) != 1:
            return None
        return makers.pop()

    def _assigned_maker(self, node: cst.CSTNode, depth: int) -> str | None:
        if isinstance(node, cst.Param):
            return self._annotated(node.annotation)
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            statement = self.parent(parent)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                if isinstance(statement.value, (cst.Call, cst.Attribute)) or _is_path_join(
                    statement.value
                ):
                    return self._made_by(statement.value, depth)
            return None
        if isinstance(parent, cst.AnnAssign) and parent.target is node:
            if isinstance(parent.value, cst.Call):
                return self._single_name(parent.value.func)
            return self._annotated(parent.annotation)
        if isinstance(parent, cst.AsName):
            item = self.parent(parent)
            if isinstance(item, cst.WithItem) and isinstance(item.item, cst.Call):
                return self._single_name(item.item.func)
        return None

    def _annotated(self, annotation: cst.Annotation | None) -> str | None:
        """``p: Path``, ``p: Optional[Path]``, ``p: Path | None``: the class."""
        if annotation is None:
            return None
        found = set()
        for part in union_members(annotation.annotation):
            name = self._single_name(part)
            if name is not None:
                found.add(name)
        known = {n for n in found if n in PATH_CLASSES or n in URLLIB3_POOLS}
        return known.pop() if len(known) == 1 else None

    def _single_name(self, func: cst.BaseExpression) -> str | None:
        if not is_dotted_name(func):
            return None
        names = {q.name for q in self.qualified_names(func)}
        return names.pop() if len(names) == 1 else None

    def _changes_directory(self, call: cst.Call) -> bool:
        """``shutil.make_archive(...)`` may ``os.chdir`` on the target Python.

        Only with a ``root_dir``; since 3.10.6 (3.11 for the target version)
        not for the built-in formats.
        """
        args = call.args
        if any(arg.star for arg in args):
            return True
        positional = [arg.value for arg in args if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in args if arg.keyword is not None}
        if len(positional) < 3 and "root_dir" not in keywords:
            return False
        if self.settings.min_python < (3, 11):
            return True
        kind = positional[1] if len(positional) > 1 else keywords.get("format")
        return not (isinstance(kind, cst.SimpleString) and kind.evaluated_value in ARCHIVE_FORMATS)

    def _waits(self, call: cst.Call) -> bool:
        """``os.spawn*(os.P_WAIT, ...)`` (or no mode at all): ASYNC221 as ruff has it."""
        mode = next((a.value for a in call.args if a.keyword and a.keyword.value == "mode"), None)
        if mode is None and call.args and call.args[0].keyword is None and not call.args[0].star:
            mode = call.args[0].value
        if mode is None:
            return True
        if isinstance(mode, cst.Name):
            scope = self.get_metadata(Scopes, mode, None)
            assignments = list(scope[mode.value]) if scope is not None else []
            if len(assignments) == 1 and isinstance(assignments[0], Assignment):
                parent = self.parent(assignments[0].node)
                statement = self.parent(parent) if isinstance(parent, cst.AssignTarget) else None
                if isinstance(statement, cst.Assign):
                    mode = statement.value
        return self._single_name(mode) == "os.P_WAIT" if is_dotted_name(mode) else False

    def _advice(self, advice: str) -> str:
        if advice == "SUBPROCESS":
            return (
                "the process it starts is waited for and read with blocking calls; use "
                + SUBPROCESS_HINT[self.loop]
            )
        if advice == "OPEN":
            return "the file it returns blocks on every read and write; " + OPEN_HINT[self.loop]
        return advice

    # -- the rewrite -------------------------------------------------------

    def _offload_spelling(self, callee: str) -> str:
        """How the fix message shows the offload (keyword arguments aside)."""
        if self.loop == "asyncio":
            if self.settings.min_python < (3, 9):
                return f"asyncio.{self._get_loop()}().run_in_executor(None, {callee}, ...)"
            return f"asyncio.to_thread({callee}, ...)"
        return f"{self.loop}.to_thread.run_sync({callee}, ...)"

    def _get_loop(self) -> str:
        """How the executor form finds the running loop on the target Python.

        ``get_running_loop()`` is new in 3.7; on 3.6 ``get_event_loop()``
        called in a coroutine returns the running loop (since 3.5.3).
        """
        return "get_running_loop" if self.settings.min_python >= (3, 7) else "get_event_loop"

    def _offloaded(
        self, original: cst.Call, updated: cst.Call, awaited: bool
    ) -> tuple[cst.BaseExpression | None, str | None]:
        """``await <loop>.to_thread(func, *args)`` in place of ``updated``, or why not."""
        if self.loop_problem is not None:
            return None, self.loop_problem
        executor = self.loop == "asyncio" and self.settings.min_python < (3, 9)
        if executor and self.settings.min_python < (3, 6):
            major, minor = self.settings.min_python
            return None, OLD_ASYNCIO.format(version=f"{major}.{minor}")
        reference = self.module_reference(original, self.loop)
        if reference is None:
            return None, f"the name `{self.loop}` means something else here"
        keywords = any(arg.keyword is not None or arg.star == "**" for arg in updated.args)
        partial = keywords and (self.loop != "asyncio" or executor)
        # ``f(a, b)`` -> ``(f, a, b)``; spread over lines as the call was.
        space = updated.whitespace_before_args
        after_func: str | cst.BaseParenthesizableWhitespace = " "
        if isinstance(space, cst.ParenthesizedWhitespace):
            # the line break after ``(`` again after the callee; its comment stays at ``(``
            after_func = space.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
        func_arg = cst.Arg(
            updated.func.with_changes(lpar=updated.func.lpar, rpar=updated.func.rpar),
            comma=cst.Comma(whitespace_after=_whitespace(after_func)),
        )
        args: list[cst.Arg] = (
            [func_arg, *updated.args]
            if updated.args
            else [func_arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)]
        )
        if partial:
            functools = self.module_reference(original, FUNCTOOLS)
            if functools is None:
                return None, f"the name `{FUNCTOOLS}` means something else here"
            if functools == FUNCTOOLS:
                add_needed_import(self.context, FUNCTOOLS)
            inner = cst.Call(
                func=_dotted(functools, "partial"), args=args, whitespace_before_args=space
            )
            args, space = [cst.Arg(inner)], cst.SimpleWhitespace("")
        if reference == self.loop:
            add_needed_import(self.context, self.loop)
        if executor:
            loop = cst.Call(func=_dotted(reference, self._get_loop()))
            func: cst.BaseExpression = cst.Attribute(value=loop, attr=cst.Name("run_in_executor"))
            none = cst.Arg(cst.Name("None"), comma=cst.Comma(whitespace_after=_whitespace(" ")))
            args = [none, *args]
        elif self.loop == "asyncio":
            func = _dotted(reference, "to_thread")
        else:
            func = _dotted(reference, "to_thread", "run_sync")
        call = cst.Call(func=func, args=args, whitespace_before_args=space)
        if awaited:
            return call.with_changes(lpar=updated.lpar, rpar=updated.rpar), None
        lpar, rpar = updated.lpar, updated.rpar
        if not lpar and self.needs_parentheses(original):
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Await(expression=call, lpar=lpar, rpar=rpar), None


def _dotted(*parts: str) -> cst.BaseExpression:
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _whitespace(
    value: str | cst.BaseParenthesizableWhitespace,
) -> cst.BaseParenthesizableWhitespace:
    if isinstance(value, str):
        return cst.SimpleWhitespace(value)
    return value


def _is_path_join(node: cst.BaseExpression) -> bool:
    """``<path> / "part"``: a path again when ``<path>`` is one."""
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide)
