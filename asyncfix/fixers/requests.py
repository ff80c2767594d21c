"""ASYNC210: ``requests`` calls inside ``async def`` -> aiohttp.

The statement holding the call becomes an ``async with session.get(...) as r:``
block; the statements after it that use the response move into that block, up
to the last use, and each use is mapped (``r.json()`` -> ``await
r.json(content_type=None)``, ``r.status_code`` -> ``r.status``, ...).  All the
plain calls of one function share one ``aiohttp.ClientSession``.

A function is rewritten whole or not at all: if any of its ``requests`` calls
has no faithful aiohttp form (an argument, a response use, an evaluation order
that would change), every call in it is reported and the function is left
exactly as it was.
"""

from __future__ import annotations

import ast
import contextvars
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst
from libcst.metadata import ExpressionContext, QualifiedNameSource

from ..rules import HTTP_METHODS, RULES
from ..scope import AsyncContextTracker, Context
from . import (
    Contexts,
    Fixer,
    Layout,
    Scopes,
    add_needed_import,
    exception_parts,
    nodes_of,
    register,
    remove_unused_import_by_node,
)

RULE = RULES["requests"]
METHODS = HTTP_METHODS
PLAIN_CALLS = {name: name.rsplit(".", 1)[1] for name in RULE.targets}
SESSION_FACTORIES = RULE.receivers
BASIC_AUTH = {"requests.auth.HTTPBasicAuth", "requests.HTTPBasicAuth"}
OPENERS = {"open", "builtins.open", "io.open"}

# Positional parameters after the url, in requests' own signatures.
POSITIONAL = {
    "get": ("params",),
    "post": ("data", "json"),
    "put": ("data",),
    "patch": ("data",),
}
SESSION_POSITIONAL = {"post": ("data", "json"), "put": ("data",), "patch": ("data",)}
KEPT_KEYWORDS = {"params", "headers", "json", "data", "cookies", "allow_redirects"}

# requests exception -> what aiohttp raises for the same failure.
EXCEPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "RequestException": (("aiohttp", "ClientError"), ("asyncio", "TimeoutError")),
    "HTTPError": (("aiohttp", "ClientResponseError"),),
    "ConnectionError": (("aiohttp", "ClientConnectionError"),),
    "Timeout": (("asyncio", "TimeoutError"),),
    # aiohttp >= 3.10 tells the two apart, as requests does (with the timeouts
    # this fixer writes: sock_connect and sock_read)
    "ReadTimeout": (("aiohttp", "SocketTimeoutError"),),
    "ConnectTimeout": (("aiohttp", "ConnectionTimeoutError"),),
    "TooManyRedirects": (("aiohttp", "TooManyRedirects"),),
    # requests' JSONDecodeError subclasses json's, which aiohttp's json() raises
    "JSONDecodeError": (("json", "JSONDecodeError"),),
}

# requests' exception tree (each name's bases), to tell which handler caught what.
REQUESTS_BASES: dict[str, tuple[str, ...]] = {
    "RequestException": (),
    "HTTPError": ("RequestException",),
    "ConnectionError": ("RequestException",),
    "Timeout": ("RequestException",),
    "ReadTimeout": ("Timeout",),
    "ConnectTimeout": ("ConnectionError", "Timeout"),
    "TooManyRedirects": ("RequestException",),
    "JSONDecodeError": ("RequestException",),
}
# aiohttp's exception tree, as far as the mapped names go
AIOHTTP_BASES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("aiohttp", "ClientError"): (),
    ("asyncio", "TimeoutError"): (),
    ("aiohttp", "ClientResponseError"): (("aiohttp", "ClientError"),),
    ("aiohttp", "ClientConnectionError"): (("aiohttp", "ClientError"),),
    ("aiohttp", "TooManyRedirects"): (("aiohttp", "ClientResponseError"),),
    ("aiohttp", "SocketTimeoutError"): (
        ("aiohttp", "ClientConnectionError"),
        ("asyncio", "TimeoutError"),
    ),
    ("aiohttp", "ConnectionTimeoutError"): (
        ("aiohttp", "ClientConnectionError"),
        ("asyncio", "TimeoutError"),
    ),
}
# Handlers that never catch a failed download (aiohttp's ClientPayloadError,
# ClientConnectionError, TimeoutError): a read around which only these stand
# needs no preload.
READ_SAFE_HANDLERS = {
    *(
        f"builtins.{name}"
        for name in (
            "ValueError", "KeyError", "IndexError", "LookupError", "TypeError", "AttributeError",
            "UnicodeError", "UnicodeDecodeError", "ArithmeticError", "ZeroDivisionError",
            "StopIteration", "NameError", "AssertionError",
        )
    ),
    "json.JSONDecodeError",
    "json.decoder.JSONDecodeError",
}
BROAD_BUILTINS = {"builtins.OSError", "builtins.IOError", "builtins.EnvironmentError"}
TIMEOUT_BUILTINS = {"builtins.TimeoutError", "asyncio.TimeoutError", "asyncio.exceptions.TimeoutError"}

# Response attributes that read the body: they become awaited calls.
AWAITED_READS = {"text": "text", "content": "read"}
SAME_NAME = {"ok", "headers", "reason"}
NO_EQUIVALENT = {
    "elapsed": "aiohttp does not measure it",
    "raw": "aiohttp has no urllib3 raw stream",
    "cookies": "aiohttp's response cookies are a different type",
    "encoding": "aiohttp picks the encoding per call (`text(encoding=...)`)",
    "apparent_encoding": "aiohttp does not guess encodings",
    "request": "aiohttp has no PreparedRequest",
    "links": "aiohttp's `links` has another shape",
    "next": "aiohttp does not prepare the next request",
    "is_redirect": "aiohttp follows or returns redirects differently",
    "iter_lines": "aiohttp's line iterator keeps the line endings",
    "close": "the `async with` block releases the response",
}

Node = cst.CSTNode


class Unfixable(Exception):
    """Raised during planning: the call (and so its function) is reported."""

    def __init__(self, node: Node, reason: str) -> None:
        super().__init__(reason)
        self.node = node
        self.reason = reason


@dataclass
class Request:
    """One requests call and how it will be rewritten."""

    call: cst.Call
    method: str
    session: str | None  # the user's own session variable, or None for the shared one
    statement: cst.BaseStatement | None = None
    form: str = ""  # "assign", "with", "bare", "hoist"
    name: str | None = None  # response variable (the user's, or a fresh one when hoisted)
    last: cst.BaseStatement | None = None  # last statement of the block that moves in
    form_name: str | None = None  # the FormData variable built for `files=`
    args: list[cst.Arg] = field(default_factory=list)  # mapped, built from original nodes
    form_fields: list[list[cst.Arg]] = field(default_factory=list)  # `form.add_field(...)` args
    streamed: bool = False  # `stream=True`: requests too read the body where it is used
    # `await r.read()` first thing in the block: requests downloads the body in
    # the call, and a handler around a later read must not catch its failures
    preload: bool = False


@dataclass
class FunctionPlan:
    """Everything one async function needs, decided before anything changes."""

    function: cst.FunctionDef
    kept: list[cst.Call] = field(default_factory=list)  # `# noqa` calls that stay requests
    requests: list[Request] = field(default_factory=list)
    # `s = requests.Session()` statements -> (name, last statement using it)
    sessions: dict[cst.BaseStatement, tuple[str, cst.BaseStatement]] = field(default_factory=dict)
    session_withs: set[cst.With] = field(default_factory=set)  # `with Session() as s`
    dropped: set[cst.BaseStatement] = field(default_factory=set)  # `s.close()`
    shared_session: str | None = None
    replacements: dict[Node, Callable[[Node], Node]] = field(default_factory=dict)
    async_fors: dict[cst.For, cst.Call] = field(default_factory=dict)
    # session-creating statement or `with` -> `auth=` for ClientSession(), and
    # the `s.auth = (u, p)` statement it replaces
    session_auth: dict[Node, cst.Arg] = field(default_factory=dict)
    handlers: dict[Node, cst.BaseExpression] = field(default_factory=dict)
    needs: set[str] = field(default_factory=set)
    removed_references: list[Node] = field(default_factory=list)
    reads: list[Node] = field(default_factory=list)  # uses that can raise (body reads, raise_for_status)
    json_reads: set[Node] = field(default_factory=set)
    body_reads: dict[Node, cst.Call] = field(default_factory=dict)  # body read -> its request call


class _Collector(AsyncContextTracker):
    """First pass: every call and attribute inside an async def, with its context."""

    def __init__(self, fixer: RequestsFixer) -> None:
        super().__init__()
        self.fixer = fixer
        self.functions: list[cst.FunctionDef] = []
        self.owner: dict[Node, cst.FunctionDef] = {}
        self.contexts: dict[Node, Context] = {}
        self.calls: dict[cst.FunctionDef, list[cst.Call]] = {}
        self._stack: list[cst.FunctionDef | None] = []
        # every identifier each async function mentions (nested scopes included):
        # fresh names must not clash with any of them
        self.names: dict[cst.FunctionDef, set[str]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node.asynchronous:
            self.functions.append(node)
            self.calls[node] = []
            # its parameters are its names too (they are visited before its body)
            self.names[node] = {n.value for n in nodes_of(node.params, cst.Name)}
        return True

    # The function owns its body; its defaults and decorators run in the
    # enclosing function (the same split as asyncfix/scope.py).
    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef_body(node)
        self._stack.append(node if node.asynchronous else None)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._stack.pop()
        super().leave_FunctionDef_body(node)

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        super().visit_Lambda_body(node)
        self._stack.append(None)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._stack.pop()
        super().leave_Lambda_body(node)

    def visit_Name(self, node: cst.Name) -> bool:
        for function in self._stack:
            if function is not None:
                self.names[function].add(node.value)
        return False

    def _note(self, node: Node) -> None:
        function = next((f for f in reversed(self._stack) if f is not None), None)
        if function is not None:
            self.owner[node] = function
            self.contexts[node] = self.async_context()

    def visit_Call(self, node: cst.Call) -> bool:
        self._note(node)
        function = self.owner.get(node)
        # Calls in a sync def or lambda nested in the async def are sync code.
        if function is not None and self.contexts[node].in_async and self.fixer.is_candidate(node):
            self.calls[function].append(node)
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._note(node)
        return True

    def visit_For(self, node: cst.For) -> bool:
        self._note(node)
        return True


@register
class RequestsFixer(Fixer):
    """``requests`` blocks the event loop for a whole HTTP round trip.

    Inside an ``async def``, calls become aiohttp ``async with`` blocks with
    the response's uses mapped; anything without a faithful aiohttp form is
    reported with the reason and its function is left alone.
    """

    key = RULE.key
    code = "ASYNC210"
    # Contexts: resolved for Scopes anyway; tells a read `r.text` from `r.text = ...`
    METADATA_DEPENDENCIES = (*Fixer.METADATA_DEPENDENCIES, Contexts)  # type: ignore[assignment]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._plans: dict[cst.FunctionDef, FunctionPlan] = {}
        self._collector: _Collector | None = None
        self._taken: dict[cst.FunctionDef, set[str]] = {}
        # pass 2: original node -> its rewritten form, to refresh planned pieces
        self._updated: dict[Node, Node] = {}
        self._forms: dict[Node, list[cst.BaseStatement]] = {}

    # -- pass 1: find and plan ----------------------------------------------------

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        token = _PARENT.set(self.parent)
        try:
            return self._transform(tree)
        finally:
            _PARENT.reset(token)

    def _transform(self, tree: cst.Module) -> cst.Module:
        self.prepare(tree)
        collector = _Collector(self)
        tree.visit(collector)
        self._collector = collector
        for function in collector.functions:
            calls = [c for c in collector.calls[function] if not self.silenced(c)]
            kept = [c for c in collector.calls[function] if self.silenced(c)]
            if calls:
                self._plan_function(function, calls, kept)
        if not self._plans:
            return tree
        return tree.visit(self)

    def is_candidate(self, call: cst.Call) -> bool:
        """A plain requests call, or a method call on a name (maybe a session)."""
        func = call.func
        if not self.could_be_target(func):
            return False
        if self._plain_method(call) is not None:
            return True
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.attr.value in METHODS
            and self._is_session_name(func.value)
        )

    def _plain_method(self, call: cst.Call) -> str | None:
        names = self.qualified_names(call.func)
        methods = {
            PLAIN_CALLS.get(q.name) if q.source is QualifiedNameSource.IMPORT else None
            for q in names
        }
        if len(methods) == 1:
            return methods.pop()
        return None

    def _is_session_name(self, name: cst.Name) -> bool:
        """``name`` is bound (only) by ``requests.Session()`` in its function."""
        scope = self.get_metadata(Scopes, name, None)
        if scope is None:
            return False
        bindings = list(scope[name.value])
        if not bindings:
            return False
        for binding in bindings:
            factory = _bound_call(_binding_node(binding), name.value, self.parent)
            if factory is None or not self._is_factory(factory):
                return False
        return True

    def _is_factory(self, call: cst.Call) -> bool:
        names = self.qualified_names(call.func)
        return bool(names) and all(
            q.name in SESSION_FACTORIES and q.source is QualifiedNameSource.IMPORT for q in names
        )

    def _plan_function(
        self, function: cst.FunctionDef, calls: list[cst.Call], kept: list[cst.Call]
    ) -> None:
        collector = self._collector
        assert collector is not None
        plan = FunctionPlan(function, kept=kept)
        try:
            if self.loop != "asyncio":
                raise Unfixable(
                    calls[0],
                    f"aiohttp runs only on asyncio and this module uses {self.loop}",
                )
            if self.loop_problem is not None:
                raise Unfixable(calls[0], self.loop_problem)
            if any(not self._in_nested_scope(function, y) for y in nodes_of(function.body, cst.Yield)):
                raise Unfixable(
                    calls[0],
                    "the function is an async generator: the response and its session would "
                    "stay open across `yield` (requests had read the whole body)",
                )
            for call in calls:
                where = collector.contexts[call]
                if where.blocker is not None:
                    raise Unfixable(call, f"it is inside {where.blocker}")
                plan.requests.append(self._plan_request(plan, call))
            self._plan_sessions(plan)
            self._plan_statements(plan)
            self._plan_preloads(plan)
            self._plan_exceptions(plan)
            self._check_module_names(plan, calls[0])
        except Unfixable as problem:
            self._report_all(calls, problem)
            return
        self._plans[function] = plan
        for request in plan.requests:
            before = f"{request.session}.{request.method}" if request.session else (
                f"requests.{request.method}"
            )
            after = f"{request.session or plan.shared_session}.{request.method}"
            self.record_fix(request.call, f"`{before}()` -> `async with {after}()`")

    def _check_module_names(self, plan: FunctionPlan, call: cst.Call) -> None:
        """``aiohttp``, ``asyncio``, ``json`` in the new code must mean those modules.

        A local called ``json`` (common: ``json = r.json()``) would make
        ``except json.JSONDecodeError`` look the error up on the data.
        """
        scope = self.get_metadata(Scopes, call, None)
        if scope is None:
            return
        for module in sorted(plan.needs | {"aiohttp"}):
            names = scope.get_qualified_names_for(module)
            if any(
                q.name != module or q.source is not QualifiedNameSource.IMPORT for q in names
            ) or self._rebound(call, module, module):
                raise Unfixable(call, f"the name `{module}` means something else in this function")
        for builtin in ("str", "len"):
            names = scope.get_qualified_names_for(builtin)
            if any(q.source is not QualifiedNameSource.BUILTIN for q in names):
                raise Unfixable(call, f"the name `{builtin}` means something else in this function")

    def _report_all(self, calls: Sequence[cst.Call], problem: Unfixable) -> None:
        culprit = problem.node
        line = self.get_metadata_position(culprit)
        for call in calls:
            if not self.async_context_of(call).in_async:
                continue
            if _contains(call, culprit) or call is culprit:
                reason = problem.reason
            else:
                reason = f"another requests call in this function cannot be rewritten (line {line})"
            self.report(call, f"`requests` call blocks the event loop; not fixed: {reason}")

    def get_metadata_position(self, node: Node) -> int:
        return int(self.get_metadata(Layout, node).start.line)

    def async_context_of(self, node: Node) -> Context:
        assert self._collector is not None
        return self._collector.contexts.get(node, Context(in_async=False))

    # -- planning one call ---------------------------------------------------------

    def _plan_request(self, plan: FunctionPlan, call: cst.Call) -> Request:
        method = self._plain_method(call)
        session: str | None = None
        if method is None:
            func = call.func
            assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
            method, session = func.attr.value, func.value.value
        else:
            plan.removed_references.append(call.func)
        request = Request(call, method, session)
        request.args = self._map_arguments(plan, request)  # Unfixable if there is no aiohttp form
        return request

    def _map_arguments(self, plan: FunctionPlan, request: Request) -> list[cst.Arg]:
        call = request.call
        args = list(call.args)
        positional_names: tuple[str, ...]
        leading = 1
        if request.method == "request":
            leading = 2
            positional_names = ()
        else:
            table = SESSION_POSITIONAL if request.session else POSITIONAL
            positional_names = table.get(request.method, ())
        out: list[cst.Arg] = []
        if any(a.keyword is not None and a.keyword.value == "files" for a in args):
            args = self._plan_form(plan, request, args, leading)
        for index, arg in enumerate(args):
            if arg.star:
                raise Unfixable(call, "`*args`/`**kwargs` hide which arguments are passed")
            if arg.keyword is None:
                if index < leading:
                    out.append(arg)
                    continue
                spot = index - leading
                if spot >= len(positional_names):
                    raise Unfixable(call, "too many positional arguments")
                arg = arg.with_changes(
                    keyword=cst.Name(positional_names[spot]),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                )
            mapped = self._map_keyword(plan, request, arg)
            if mapped is not None:
                out.append(mapped)
        if len([a for a in out if a.keyword is None]) < leading:
            raise Unfixable(call, "the url is not passed as the first positional argument")
        given = {a.keyword.value: a.value for a in out if a.keyword is not None}
        if "data" in given and "json" in given and not any(
            _is_constant(given[key], "None") for key in ("data", "json")
        ):
            raise Unfixable(call, "`data=` and `json=` together: requests ignores `json=`, aiohttp refuses")
        return _tidy_commas(out)

    def _map_keyword(self, plan: FunctionPlan, request: Request, arg: cst.Arg) -> cst.Arg | None:
        assert arg.keyword is not None
        key = arg.keyword.value
        value = arg.value
        call = request.call
        if key in ("params", "data", "headers"):
            literal = self.assigned_value(value) if isinstance(value, cst.Name) else value
            if isinstance(literal, cst.Dict):
                self._check_literal_values(call, key, literal)
            if key == "params" and (
                isinstance(literal, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))
                or (
                    isinstance(literal, cst.Call)
                    and any(q.name == "urllib.parse.urlencode" for q in self.qualified_names(literal.func))
                )
            ):
                raise Unfixable(
                    call,
                    "`params=` is a string: requests sends it as it is, aiohttp encodes it again "
                    "(`%` becomes `%25`); pass a dict",
                )
        if key in KEPT_KEYWORDS:
            return arg
        if key == "timeout":
            return arg.with_changes(value=self._timeout(plan, call, value))
        if key == "verify":
            if _is_constant(value, "False") or _is_constant(value, "True"):
                return arg.with_changes(keyword=cst.Name("ssl"))
            raise Unfixable(call, "`verify=` with a CA bundle path has no direct aiohttp form")
        if key == "stream":
            if nodes_of(arg, cst.Comment):
                raise Unfixable(call, "a comment on `stream=`, which is dropped, would be lost")
            if _is_constant(value, "True") or _is_constant(value, "False"):
                request.streamed = _is_constant(value, "True")
                return None  # aiohttp always streams; the body is read where it is used
            raise Unfixable(call, "`stream=` with a computed value")
        if key == "auth" and isinstance(value, cst.Call) and self._is_basic_auth(value):
            plan.needs.add("aiohttp")
            plan.removed_references.append(value.func)
            return arg.with_changes(value=value.with_changes(func=_dotted("aiohttp.BasicAuth")))
        if key == "auth":
            if isinstance(value, cst.Tuple) and len(value.elements) == 2 and not any(
                isinstance(e, cst.StarredElement) for e in value.elements
            ):
                plan.needs.add("aiohttp")
                return arg.with_changes(
                    value=_call(
                        _dotted("aiohttp.BasicAuth"),
                        [cst.Arg(e.value) for e in value.elements],
                    )
                )
            raise Unfixable(call, "`auth=` other than a `(user, password)` tuple")
        if key == "proxies":
            return arg.with_changes(keyword=cst.Name("proxy"), value=self._proxy(call, value))
        reasons = {
            "cert": "client certificates need an `ssl.SSLContext`; aiohttp has no `cert=`",
            "hooks": "aiohttp has no response hooks",
        }
        raise Unfixable(call, reasons.get(key, f"`{key}=` has no aiohttp equivalent"))

    @staticmethod
    def _check_literal_values(call: cst.Call, key: str, value: cst.Dict) -> None:
        """Values of a literal dict that requests and aiohttp send differently.

        requests drops None values (a header set to None too) and str()s
        booleans; aiohttp refuses them or sends 'None'.  A bytes value is sent
        as its text in requests' query and form, while aiohttp refuses it in a
        query and turns the form into a multipart upload.
        """
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                continue
            constants = ("None",) if key == "headers" else ("None", "True", "False")
            if any(_is_constant(element.value, c) for c in constants):
                constant = element.value.value  # type: ignore[attr-defined]
                if key == "headers":
                    raise Unfixable(
                        call, "`headers=` holds `None`: requests leaves that header out, aiohttp refuses it"
                    )
                raise Unfixable(
                    call,
                    f"`{key}=` holds `{constant}`: requests drops None and sends "
                    "booleans as text, aiohttp does not",
                )
            if key != "headers" and _is_bytes(element.value):
                raise Unfixable(
                    call,
                    f"`{key}=` holds bytes: requests sends them as text, aiohttp "
                    + ("refuses them in a query" if key == "params" else "sends a multipart upload"),
                )

    def _is_basic_auth(self, call: cst.Call) -> bool:
        names = self.qualified_names(call.func)
        return (
            bool(names)
            and all(q.name in BASIC_AUTH for q in names)
            and len(call.args) == 2
            and all(a.keyword is None and not a.star for a in call.args)
        )

    # -- multipart uploads -----------------------------------------------------------

    def _plan_form(
        self, plan: FunctionPlan, request: Request, args: list[cst.Arg], leading: int
    ) -> list[cst.Arg]:
        """`files=` (+ `data=`) -> statements building an aiohttp.FormData first.

        The form is built before the request, so everything else the call
        evaluates must be free of calls (its order cannot be observed), the
        form fields must be strings, and each file must be a file object that
        nothing uses afterwards (aiohttp closes it once sent; requests does not).
        """
        call = request.call
        keyed = {a.keyword.value: a for a in args if a.keyword is not None}
        positional = [a for a in args if a.keyword is None]
        if len(positional) > leading:
            raise Unfixable(call, "`files=` together with positional `data`")
        files, data = keyed["files"].value, keyed.get("data")
        for arg in args:
            if arg.keyword is not None and arg.keyword.value in ("files", "data"):
                continue
            value = arg.value
            if isinstance(value, cst.Call) and self._is_basic_auth(value):
                value = cst.Tuple([cst.Element(a.value) for a in value.args])
            if _has_call(value):
                raise Unfixable(call, "`files=` with other arguments that call functions")
        if not isinstance(files, cst.Dict) or (data is not None and not isinstance(data.value, cst.Dict)):
            raise Unfixable(call, "`files=` and `data=` must be dict literals to build a FormData")
        if nodes_of(files, cst.Comment) or (data is not None and nodes_of(data, cst.Comment)):
            raise Unfixable(call, "comments inside `files=`/`data=` would be lost in the FormData")
        fields = self._form_fields(call, data.value if data is not None else None)
        uploads = self._form_files(plan, call, files)
        name = self._fresh_name(plan, "form")
        request.form_name = name
        plan.needs.add("aiohttp")
        request.form_fields = [*fields, *uploads]
        kept = [a for a in args if not (a.keyword and a.keyword.value in ("files", "data"))]
        return [*kept, _kw("data", cst.Name(name))]

    def _form_fields(
        self, call: cst.Call, data: cst.BaseExpression | None
    ) -> list[list[cst.Arg]]:
        out: list[list[cst.Arg]] = []
        if not isinstance(data, cst.Dict):
            return out
        for element in data.elements:
            if not isinstance(element, cst.DictElement):
                raise Unfixable(call, "`data=` with `**` unpacking next to `files=`")
            value = element.value
            if isinstance(value, (cst.Integer, cst.Float)):
                # what requests sends: str() of the number, not its spelling
                value = cst.SimpleString(f'"{ast.literal_eval(value.value)}"')
            elif not isinstance(value, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
                raise Unfixable(
                    call,
                    "a `data=` field next to `files=` is not a string literal "
                    "(requests would str() it; aiohttp refuses non-strings)",
                )
            out.append([cst.Arg(element.key), cst.Arg(value)])
        return out

    def _form_files(self, plan: FunctionPlan, call: cst.Call, files: cst.Dict) -> list[list[cst.Arg]]:
        out: list[list[cst.Arg]] = []
        for element in files.elements:
            if not isinstance(element, cst.DictElement):
                raise Unfixable(call, "`files=` with `**` unpacking")
            value = element.value
            extra: list[cst.Arg] = []
            if isinstance(value, cst.Tuple):
                parts = [e.value for e in value.elements]
                if len(parts) not in (2, 3) or any(isinstance(e, cst.StarredElement) for e in value.elements):
                    raise Unfixable(call, "a `files=` tuple must be (filename, file[, content_type])")
                extra.append(_kw("filename", parts[0]))
                if len(parts) == 3:
                    extra.append(_kw("content_type", parts[2]))
                value = parts[1]
                if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    out.append([cst.Arg(element.key), cst.Arg(value), *extra])
                    continue
            self._check_file_object(plan, call, value)
            out.append([cst.Arg(element.key), cst.Arg(value), *extra])
        return out

    def _check_file_object(self, plan: FunctionPlan, call: cst.Call, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Call) and self._is_opener(value):
            return
        if isinstance(value, cst.Name):
            scope = self.get_metadata(Scopes, value, None)
            bindings = list(scope.assignments[value.value]) if scope is not None else []
            opened = len(bindings) == 1 and (
                (bound := _bound_call(_binding_node(bindings[0]), value.value, self.parent))
                is not None
                and self._is_opener(bound)
            )
            if opened:
                for read in self._accesses(plan.function, value, value.value):
                    parent = self.parent(read)
                    if read is value or (
                        isinstance(parent, cst.Attribute) and parent.attr.value == "close"
                    ):
                        continue
                    raise Unfixable(
                        call,
                        f"the uploaded file `{value.value}` is used again; aiohttp closes it "
                        "after sending",
                    )
                return
        raise Unfixable(
            call, "a `files=` value is not a file opened with `open()` (or a string in a tuple)"
        )

    def _is_opener(self, call: cst.Call) -> bool:
        names = self.qualified_names(call.func)
        return bool(names) and all(q.name in OPENERS for q in names)

    def _fresh_name(self, plan: FunctionPlan, base: str) -> str:
        assert self._collector is not None
        mine = self._taken.setdefault(plan.function, set())
        name = _fresh(base, self._collector.names[plan.function] | mine)
        mine.add(name)
        return name

    def _timeout(self, plan: FunctionPlan, call: cst.Call, value: cst.BaseExpression) -> cst.Call:
        """requests' timeouts bound the connect and each socket read, not the total.

        ``timeout=N`` means "connect within N, and never wait more than N for
        the next bytes", so a long download that keeps streaming is fine.
        aiohttp's ``sock_connect``/``sock_read`` say exactly that; ``total=N``
        would cut such a download off.  ``timeout=None`` waits forever in
        requests, so it lifts aiohttp's default 5-minute total too.
        """
        plan.needs.add("aiohttp")
        factory = _dotted("aiohttp.ClientTimeout")
        if isinstance(value, cst.Tuple):
            if len(value.elements) != 2 or any(
                isinstance(e, cst.StarredElement) for e in value.elements
            ):
                raise Unfixable(call, "`timeout=` tuple must be `(connect, read)`")
            connect, read = (e.value for e in value.elements)
            return _call(factory, [_kw("sock_connect", connect), _kw("sock_read", read)])
        if _is_constant(value, "None"):
            return _call(factory, [_kw("total", value)])
        if isinstance(value, (cst.Integer, cst.Float)) or (
            isinstance(value, cst.Name) and isinstance(self.assigned_value(value), (cst.Integer, cst.Float))
        ):
            # The value is written twice: it must be cheap and side-effect free.
            return _call(factory, [_kw("sock_connect", value), _kw("sock_read", value)])
        raise Unfixable(
            call,
            "`timeout=` must be a number, `None`, a `(connect, read)` tuple or a name bound "
            "once to a number (a tuple behind a name cannot be told from a number)",
        )

    def _proxy(self, call: cst.Call, value: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(value, cst.Dict):
            values = []
            for element in value.elements:
                if not isinstance(element, cst.DictElement):
                    raise Unfixable(call, "`proxies=` with `**` unpacking")
                values.append(element.value)
            codes = {cst.Module([]).code_for_node(v) for v in values}
            keys = {
                k.evaluated_value
                for e in value.elements
                if isinstance(e, cst.DictElement) and isinstance(k := e.key, cst.SimpleString)
            }
            if len(codes) == 1 and keys == {"http", "https"}:
                return values[0]
        raise Unfixable(
            call, "`proxies=` must be a literal dict giving one proxy for both http and https"
        )

    # -- planning statements and response uses -------------------------------------

    def _statement_of(self, node: Node) -> tuple[cst.BaseStatement, cst.IndentedBlock | cst.Module]:
        """The statement holding ``node`` and the block that holds the statement."""
        child: Node = node
        parent = self.parent(child)
        while parent is not None:
            if isinstance(child, cst.BaseStatement) and isinstance(
                parent, (cst.IndentedBlock, cst.Module)
            ):
                return child, parent
            if isinstance(parent, cst.SimpleStatementSuite):
                raise Unfixable(node, "the call is on a one-line block (`if x: ...`)")
            child, parent = parent, self.parent(parent)
        raise Unfixable(node, "cannot find the statement holding the call")

    def _plan_statements(self, plan: FunctionPlan) -> None:
        for request in plan.requests:
            statement, block = self._statement_of(request.call)
            request.statement = statement
            form, name = self._form(request, statement)
            request.form = form
            if form == "hoist":
                name = self._fresh_name(plan, "resp")
            request.name = name
            if form == "assign":
                assert name is not None
                request.last = self._plan_uses_after(plan, request, statement, block, name)
            elif form == "with":
                assert isinstance(statement, cst.With)
                self._plan_uses_within(plan, request, statement, name)
            elif form == "hoist":
                self._plan_use(plan, request.call, request.call)
        if any(r.session is None for r in plan.requests):
            plan.shared_session = self._fresh_name(plan, "session")
            plan.needs.add("aiohttp")
        statements = [r.statement for r in plan.requests]
        if len(set(map(id, statements))) != len(statements):
            raise Unfixable(plan.requests[0].call, "two requests calls in one statement")

    def _form(self, request: Request, statement: cst.BaseStatement) -> tuple[str, str | None]:
        call = request.call
        if isinstance(statement, cst.SimpleStatementLine):
            if len(statement.body) != 1:
                raise Unfixable(call, "the statement shares its line with others (`a; b`)")
            small = statement.body[0]
            if isinstance(small, cst.Assign) and small.value is call:
                if len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    return "assign", small.targets[0].target.value
                raise Unfixable(call, "the response is assigned to something other than a name")
            if isinstance(small, cst.Expr) and small.value is call:
                return "bare", None
        if isinstance(statement, cst.With) and len(statement.items) == 1:
            item = statement.items[0]
            if item.item is call and statement.asynchronous is None:
                if item.asname is None:
                    return "bare", None
                if isinstance(item.asname.name, cst.Name):
                    return "with", item.asname.name.value
        if not _evaluated_first(statement, call):
            raise Unfixable(call, self._order_problem(statement, call))
        return "hoist", None

    def _order_problem(self, statement: cst.BaseStatement, call: cst.Call) -> str:
        """Why hoisting ``call`` out of ``statement`` would change what runs when."""
        child: Node = call
        parent = self.parent(child)
        while parent is not None and child is not statement:
            if isinstance(parent, cst.While) and parent.test is child:
                return "it is in a `while` test, which runs again on every pass"
            if isinstance(parent, cst.If) and parent.test is child and parent is not statement:
                return "it is in an `elif` test, which runs only when the tests before it fail"
            if isinstance(parent, cst.BooleanOperation) and parent.right is child:
                return "it is the right operand of `and`/`or`, which runs only sometimes"
            if isinstance(parent, cst.IfExp) and parent.test is not child:
                return "it is a branch of a conditional expression, which runs only sometimes"
            if isinstance(parent, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
                return "it is inside a comprehension, which runs it once per item"
            if isinstance(parent, cst.Comparison) and parent.left is not child:
                return "it is in a chained comparison, which may stop before it"
            child, parent = parent, self.parent(parent)
        return (
            "something else in the statement runs before it (a call or an await); "
            "moving the request first would change the order"
        )

    def _accesses(self, function: cst.FunctionDef, anchor: Node, name: str) -> list[cst.Name]:
        """Every read of ``name`` in ``function`` (nested scopes included)."""
        scope = self.get_metadata(Scopes, anchor, None)
        if scope is None:
            return []
        bindings = list(scope.assignments[name])
        reads: list[cst.Name] = []
        for binding in bindings:
            reads += [r.node for r in binding.references if isinstance(r.node, cst.Name)]
        return reads

    def _check_single_binding(self, request: Request, anchor: Node, name: str) -> None:
        scope = self.get_metadata(Scopes, anchor, None)
        if scope is None or len(scope.assignments[name]) != 1:
            raise Unfixable(
                request.call,
                f"`{name}` is bound more than once in this function; "
                "cannot tell which uses belong to this response",
            )

    def _plan_uses_after(
        self,
        plan: FunctionPlan,
        request: Request,
        statement: cst.BaseStatement,
        block: cst.IndentedBlock | cst.Module,
        name: str,
    ) -> cst.BaseStatement:
        anchor = statement.body[0].targets[0].target  # type: ignore[attr-defined]
        self._check_single_binding(request, anchor, name)
        body: list[cst.BaseStatement] = list(block.body)
        last = body.index(statement)
        problem = (
            f"the response `{name}` is used outside the statements that follow "
            "the call in the same block"
        )
        for read in self._accesses(plan.function, anchor, name):
            last = max(last, self._later_holder(read, statement, body, request.call, problem))
            self._plan_use(plan, request.call, read)
        return body[last]

    def _plan_uses_within(
        self, plan: FunctionPlan, request: Request, statement: cst.With, name: str | None
    ) -> None:
        if name is None:
            return
        anchor = statement.items[0].asname.name  # type: ignore[union-attr]
        self._check_single_binding(request, anchor, name)
        for read in self._accesses(plan.function, anchor, name):
            if not _contains(statement.body, read):
                raise Unfixable(
                    request.call, f"the response `{name}` is used after its `with` block"
                )
            self._plan_use(plan, request.call, read)

    def _later_holder(
        self,
        read: Node,
        statement: cst.BaseStatement,
        body: list[cst.BaseStatement],
        call: cst.Call,
        problem: str,
    ) -> int:
        """Index in ``body`` of the statement after ``statement`` holding ``read``.

        Raises Unfixable(problem) when ``read`` is anywhere else.
        """
        position = {id(s): i for i, s in enumerate(body)}
        child: Node | None = read
        while child is not None and id(child) not in position:
            child = self.parent(child)
        if child is None or position[id(child)] <= position[id(statement)]:
            raise Unfixable(call, problem)
        return position[id(child)]

    def _plan_use(self, plan: FunctionPlan, call: cst.Call, ref: Node) -> None:
        """Map one use of the response (``ref`` is its name, or the hoisted call)."""
        parent = self.parent(ref)
        if self._in_nested_scope(plan.function, ref):
            raise Unfixable(call, "the response is used inside a nested function or lambda")
        if not isinstance(parent, cst.Attribute) or parent.value is not ref:
            if isinstance(parent, cst.Expr):
                return
            if isinstance(parent, cst.WithItem):
                raise Unfixable(
                    call,
                    "the response is used as a context manager (`with r:`); aiohttp's is an "
                    "async one, and its `async with` block already releases it",
                )
            raise Unfixable(
                call,
                "the response object itself is used (returned, stored, passed or tested); "
                "only its attributes have aiohttp equivalents",
            )
        attribute = parent.attr.value
        outer = self.parent(parent)
        called = isinstance(outer, cst.Call) and outer.func is parent
        if self.get_metadata(Contexts, parent, ExpressionContext.LOAD) is not ExpressionContext.LOAD:
            raise Unfixable(call, f"the response's `.{attribute}` is assigned or deleted")
        where = self.async_context_of(parent)
        if where.always is not None:
            raise Unfixable(call, f"the response is used inside {where.always}")
        if attribute == "status_code":
            plan.replacements[parent] = _renamed("status")
        elif attribute in SAME_NAME and not called:
            if attribute == "headers" and not self._headers_read(parent):
                raise Unfixable(
                    call,
                    "the response's headers are used other than read (`r.headers[k]`, `.get()`, "
                    "`in`, `.items()`); aiohttp's are a read-only `CIMultiDictProxy`",
                )
        elif attribute == "raise_for_status" and called:
            assert isinstance(outer, cst.Call)
            if outer.args:
                raise Unfixable(call, "`raise_for_status()` with arguments")
            plan.reads.append(outer)  # raises HTTPError: its handlers are mapped
        elif attribute == "url" and not called:
            plan.replacements[parent] = lambda n: _call(cst.Name("str"), [cst.Arg(n)])  # type: ignore[arg-type]
        elif attribute == "history" and not called:
            if not (isinstance(outer, cst.Arg) and self._is_len_call(outer)):
                raise Unfixable(
                    call,
                    "`history` holds aiohttp responses, not requests ones; only `len(r.history)` "
                    "is rewritten",
                )
        elif attribute in AWAITED_READS and not called:
            self._needs_await(call, where)
            plan.reads.append(parent)
            plan.body_reads[parent] = call
            read = _renamed(AWAITED_READS[attribute])
            plan.replacements[parent] = lambda n: self._awaited(_call(read(n), []), parent)  # type: ignore[arg-type]
        elif attribute == "json" and called:
            assert isinstance(outer, cst.Call)
            if outer.args:
                raise Unfixable(call, "`json()` with arguments")
            self._needs_await(call, where)
            plan.reads.append(outer)
            plan.json_reads.add(outer)
            plan.body_reads[outer] = call
            if isinstance(self.parent(outer), cst.Await):
                # `await r.json()`: awaited by mistake in the original; one await is enough
                plan.replacements[outer] = _json_call
            else:
                plan.replacements[outer] = lambda n: self._awaited(_json_call(n), outer)  # type: ignore[arg-type]
        elif attribute == "iter_content" and called:
            assert isinstance(outer, cst.Call)
            self._plan_iter_content(plan, call, outer)
        else:
            reason = NO_EQUIVALENT.get(attribute, "it has no faithful aiohttp equivalent")
            raise Unfixable(call, f"the response's `.{attribute}` is used: {reason}")

    def _headers_read(self, headers: cst.BaseExpression) -> bool:
        """``r.headers`` only looked up: ``[k]``, ``.get(...)``, ``k in``.

        Anything else (stored in a name, passed on, changed, iterated,
        counted) may meet what aiohttp's read-only ``CIMultiDictProxy`` does
        not have, or lists a repeated header once per copy where requests
        joins the copies.  (A repeated header looked up by name still
        differs: README, What stays different.)
        """
        outer = self.parent(headers)
        if isinstance(outer, cst.Subscript) and outer.value is headers:
            return self.get_metadata(Contexts, outer, ExpressionContext.LOAD) is ExpressionContext.LOAD
        if isinstance(outer, cst.Attribute) and outer.value is headers:
            called = self.parent(outer)
            return (
                outer.attr.value in HEADER_READS
                and isinstance(called, cst.Call)
                and called.func is outer
            )
        comparison = self.parent(outer) if isinstance(outer, cst.ComparisonTarget) else None
        return (
            isinstance(outer, cst.ComparisonTarget)
            and isinstance(outer.operator, (cst.In, cst.NotIn))
            and isinstance(comparison, cst.Comparison)
            and len(comparison.comparisons) == 1  # not `k in r.headers == d`
        )

    def _is_len_call(self, arg: cst.Arg) -> bool:
        holder = self.parent(arg)
        return (
            isinstance(holder, cst.Call)
            and len(holder.args) == 1
            and isinstance(holder.func, cst.Name)
            and holder.func.value == "len"
        )

    def _plan_iter_content(self, plan: FunctionPlan, call: cst.Call, use: cst.Call) -> None:
        loop = self.parent(use)
        if not (isinstance(loop, cst.For) and loop.iter is use and loop.asynchronous is None):
            raise Unfixable(call, "`iter_content()` is only rewritten as the iterable of a `for` loop")
        where = self.async_context_of(loop)
        self._needs_await(call, where)
        if not any(r.call is call and r.streamed for r in plan.requests):
            raise Unfixable(
                call,
                "`iter_content()` without `stream=True`: requests has the whole body before the "
                "loop starts, aiohttp would download it during the loop",
            )
        if not _chunk_agnostic(loop, plan.function):
            raise Unfixable(
                call,
                "the loop does more with each chunk than write it out (`f.write(chunk)`, "
                "`h.update(chunk)`, `buf += chunk`): the chunks differ, aiohttp's `iter_chunked()` "
                "gives what has arrived, up to `chunk_size`",
            )
        size: cst.BaseExpression | None = None
        for index, arg in enumerate(use.args):
            key = arg.keyword.value if arg.keyword else ("chunk_size" if index == 0 else "")
            if key != "chunk_size" or arg.star:
                raise Unfixable(call, "`iter_content()` with arguments other than `chunk_size`")
            size = arg.value
        if size is None or _is_constant(size, "None"):
            raise Unfixable(call, "`iter_content()` needs an explicit `chunk_size`")
        plan.async_fors[loop] = use
        chunk = size
        plan.replacements[use] = lambda n: _call(
            cst.Attribute(
                value=cst.Attribute(value=n.func.value, attr=cst.Name("content")),  # type: ignore[attr-defined]
                attr=cst.Name("iter_chunked"),
            ),
            [cst.Arg(chunk)],
        )

    def _needs_await(self, call: cst.Call, where: Context) -> None:
        if not where.in_async:
            raise Unfixable(call, "the response body is read inside a nested function or lambda")
        if where.blocker is not None:
            raise Unfixable(call, f"the response body is read inside {where.blocker}")

    def _in_nested_scope(self, function: cst.FunctionDef, node: Node) -> bool:
        parent = self.parent(node)
        while parent is not None and parent is not function:
            if isinstance(parent, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return True
            parent = self.parent(parent)
        return False

    def _awaited(self, expression: cst.BaseExpression, original: Node) -> cst.BaseExpression:
        node = cst.Await(expression=expression)
        if self.needs_parentheses(original):
            node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return node

    # -- sessions -----------------------------------------------------------------

    def _plan_sessions(self, plan: FunctionPlan) -> None:
        """`with requests.Session() as s:` and `s = requests.Session()` in the function."""
        for request in plan.requests:
            if request.session is None:
                continue
            func = request.call.func
            assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
            scope = self.get_metadata(Scopes, func.value, None)
            bindings = list(scope[request.session]) if scope is not None else []
            if len(bindings) != 1:
                raise Unfixable(request.call, f"`{request.session}` is bound more than once")
            node = _binding_node(bindings[0])
            assert node is not None  # _is_session_name checked it
            self._plan_session_binding(plan, request, node)

    def _plan_session_binding(self, plan: FunctionPlan, request: Request, node: Node) -> None:
        name = request.session
        assert name is not None
        holder = self.parent(node)
        if isinstance(holder, cst.AsName):
            item = self.parent(holder)
            with_node = self.parent(item) if isinstance(item, cst.WithItem) else None
            if not isinstance(with_node, cst.With) or len(with_node.items) != 1:
                raise Unfixable(request.call, "the session is opened in a multi-item `with`")
            if not _contains(plan.function.body, with_node):
                raise Unfixable(request.call, "the session is created outside this function")
            if with_node not in plan.session_withs:
                plan.session_withs.add(with_node)
                plan.removed_references.append(with_node.items[0].item.func)  # type: ignore[attr-defined]
                self._check_session_uses(
                    plan, request, node, within=with_node.body, creator=with_node
                )
            return
        if isinstance(holder, cst.AssignTarget):
            assign = self.parent(holder)
            line = self.parent(assign) if isinstance(assign, cst.Assign) else None
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                raise Unfixable(request.call, "the session is created in a compound statement")
            if not _contains(plan.function.body, line):
                raise Unfixable(request.call, "the session is created outside this function")
            if line not in plan.sessions:
                last = self._check_session_uses(
                    plan, request, node, within=None, line=line, creator=line
                )
                plan.sessions[line] = (name, last)
                plan.removed_references.append(assign.value.func)  # type: ignore[union-attr]
            return
        raise Unfixable(request.call, f"`{name}` is not created with `requests.Session()` here")

    def _check_session_uses(
        self,
        plan: FunctionPlan,
        request: Request,
        binding: Node,
        within: Node | None,
        line: cst.BaseStatement | None = None,
        creator: Node | None = None,
    ) -> cst.BaseStatement:
        """Every use of the session is a request or `headers`; the last statement using it."""
        name = request.session
        assert name is not None
        calls = {id(r.call.func.value) for r in plan.requests if r.session == name}  # type: ignore[attr-defined]
        last: cst.BaseStatement = line if line is not None else request.call  # type: ignore[assignment]
        body: list[cst.BaseStatement] = []
        if line is not None:
            _, block = self._statement_of(line)
            body = list(block.body)
        for read in self._accesses(plan.function, binding, name):
            if within is not None and not _contains(within, read):
                raise Unfixable(request.call, f"the session `{name}` is used after its `with` block")
            if line is not None:
                problem = f"the session `{name}` is used outside the statements that follow it"
                index = self._later_holder(read, line, body, request.call, problem)
                if index > body.index(last):
                    last = body[index]
            if self._in_nested_scope(plan.function, read):
                raise Unfixable(request.call, f"the session `{name}` is used in a nested function")
            if id(read) in calls:
                continue
            parent = self.parent(read)
            if isinstance(parent, cst.Attribute) and parent.attr.value == "headers":
                if isinstance(self.parent(parent), (cst.AssignTarget, cst.AugAssign)):
                    raise Unfixable(
                        request.call,
                        f"`{name}.headers = ...` replaces the headers; aiohttp's session "
                        "headers cannot be reassigned",
                    )
                continue  # s.headers.update(...), s.headers[k] = v: same API in aiohttp
            if isinstance(parent, cst.Attribute) and parent.attr.value == "auth":
                assert creator is not None
                self._plan_session_auth(plan, request, parent, creator)
                continue
            if isinstance(parent, cst.Attribute) and parent.attr.value == "close" and within is None:
                statement = self._close_statement(parent)
                if statement is not None:
                    plan.dropped.add(statement)
                    continue
            attribute = parent.attr.value if isinstance(parent, cst.Attribute) else None
            what = f"`{name}.{attribute}`" if attribute else f"the session `{name}` itself"
            raise Unfixable(request.call, f"{what} is used; only requests and `headers` are rewritten")
        return last

    def _plan_session_auth(
        self, plan: FunctionPlan, request: Request, attribute: cst.Attribute, creator: Node
    ) -> None:
        """`s.auth = (user, password)` right after creating `s` -> ClientSession(auth=...)."""
        target = self.parent(attribute)
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        line = self.parent(assign) if isinstance(assign, cst.Assign) else None
        problem = "`s.auth` is only rewritten as `s.auth = (user, password)` right after creating `s`"
        if not (
            isinstance(assign, cst.Assign)
            and isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and len(assign.targets) == 1
            and isinstance(assign.value, cst.Tuple)
            and len(assign.value.elements) == 2
            and not any(isinstance(e, cst.StarredElement) for e in assign.value.elements)
            and not _has_call(assign.value)
        ):
            raise Unfixable(request.call, problem)
        first: Node | None = None
        if isinstance(creator, cst.With):
            first = creator.body.body[0] if isinstance(creator.body, cst.IndentedBlock) else None
        else:
            _, block = self._statement_of(creator)
            body: list[cst.BaseStatement] = list(block.body)
            index = next(i for i, b in enumerate(body) if b is creator)
            first = body[index + 1] if index + 1 < len(body) else None
        if first is not line:
            raise Unfixable(request.call, problem)
        values = [cst.Arg(e.value) for e in assign.value.elements]
        plan.session_auth[creator] = _kw("auth", _call(_dotted("aiohttp.BasicAuth"), values))
        plan.dropped.add(line)

    def _close_statement(self, attribute: cst.Attribute) -> cst.SimpleStatementLine | None:
        call = self.parent(attribute)
        expr = self.parent(call) if isinstance(call, cst.Call) and not call.args else None
        line = self.parent(expr) if isinstance(expr, cst.Expr) else None
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line
        return None

    # -- exceptions ----------------------------------------------------------------

    def _plan_preloads(self, plan: FunctionPlan) -> None:
        """Read the body at the call when a handler around a later read could catch its failures.

        Without ``stream=True`` requests downloads the body inside the call;
        aiohttp downloads it at the first read.  A ``try`` around ``r.json()``
        alone (``except Exception: data = None``) would then catch a dropped
        connection that requests raised at the call.  ``await r.read()`` as the
        block's first statement downloads it there; later reads use the copy.
        """
        guards: list[tuple[cst.BaseSuite, str]] = []  # (guarded body, how it catches)
        for try_node in nodes_of(plan.function.body, cst.Try):
            catcher = next(
                (h for h in try_node.handlers if self._catches_network_errors(h.type)), None
            )
            if catcher is not None:
                code = cst.Module([]).code_for_node(catcher.type) if catcher.type else ""
                guards.append((try_node.body, f"`except {code}`".replace("`except `", "`except:`")))
        for with_node in nodes_of(plan.function.body, cst.With):
            for item in with_node.items:
                if any(self._catches_network_errors(part) for part in self.suppressed(item) or ()):
                    guards.append((with_node.body, "`suppress(...)`"))
        for guarded, how in guards:
            for read, call in plan.body_reads.items():
                if not _contains(guarded, read) or _contains(guarded, call):
                    continue
                request = next(r for r in plan.requests if r.call is call)
                if request.streamed or request.preload:
                    continue
                if request.form != "assign":
                    raise Unfixable(
                        call,
                        f"{how} around a read of the body would catch network errors, "
                        "which requests raised at the call; write `r = requests.get(...)` "
                        "instead of the `with`",
                    )
                request.preload = True

    def _raises_requests_errors(self, plan: FunctionPlan, try_node: cst.Try) -> bool:
        """Whether something in the try's body other than the rewritten calls may raise requests' errors.

        A ``raise`` (unless of a builtin exception), a requests name outside
        the rewritten calls (``raise requests.HTTPError(...)`` via a variable,
        a session the fixer keeps), or a call to a function of this module
        whose code names requests.  Functions it cannot see (methods,
        imported helpers) are not followed.
        """
        calls = [r.call for r in plan.requests]

        def rewritten(node: Node) -> bool:
            return any(_contains(c, node) for c in calls)

        for raised in nodes_of(try_node.body, cst.Raise):
            exc = raised.exc
            target = exc.func if isinstance(exc, cst.Call) else exc
            names = self.qualified_names(target) if target is not None else set()
            if not names or any(q.source is not QualifiedNameSource.BUILTIN for q in names):
                return True
        for node in nodes_of(try_node.body, cst.Name):
            if not rewritten(node) and self._names_requests(node):
                return True
        for call in nodes_of(try_node.body, cst.Call):
            if rewritten(call) or not isinstance(call.func, cst.Name):
                continue
            scope = self.get_metadata(Scopes, call.func, None)
            for binding in scope[call.func.value] if scope is not None else ():
                helper = getattr(binding, "node", None)
                if isinstance(helper, cst.FunctionDef) and helper is not plan.function and any(
                    self._names_requests(n) for n in nodes_of(helper.body, cst.Name)
                ):
                    return True
        return False

    def _names_requests(self, node: cst.Name) -> bool:
        parent = self.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return False  # `x.requests`: the attribute, not the module
        return any(
            q.source is QualifiedNameSource.IMPORT
            and (q.name == "requests" or q.name.startswith("requests."))
            for q in self.qualified_names(node)
        )

    def _catches_network_errors(self, caught: cst.BaseExpression | None) -> bool:
        """Whether ``except caught`` may catch what a failed body read raises in aiohttp."""
        if caught is None:
            return True
        for part in exception_parts(caught):
            names = self.qualified_names(part)
            if not names:
                return True
            for q in names:
                if q.name not in READ_SAFE_HANDLERS and _requests_exception(q.name) not in (
                    "JSONDecodeError",
                    "HTTPError",
                ):
                    return True
        return False

    def _plan_exceptions(self, plan: FunctionPlan) -> None:
        """Map the handlers of every try whose body holds a rewritten call or body read.

        A body read counts: `r.json()` inside a try can raise requests'
        JSONDecodeError, which is a RequestException.
        """
        calls = [r.call for r in plan.requests]
        for star in nodes_of(plan.function.body, cst.TryStar):
            if any(_contains(star.body, c) for c in calls):
                raise Unfixable(calls[0], "`except*` handlers around the call are not mapped")
        for try_node in nodes_of(plan.function.body, cst.Try):
            inside = [c for c in calls if _contains(try_node.body, c)]
            reads = [n for n in plan.reads if _contains(try_node.body, n)]
            if not inside and not reads:
                continue
            culprit = (inside or calls)[0]
            # A `# noqa` requests call in the same try, a `raise`, or a helper of
            # this module that uses requests still raises requests' exceptions:
            # its handlers then catch both kinds.
            keep = any(_contains(try_node.body, c) for c in plan.kept) or self._raises_requests_errors(
                plan, try_node
            )
            reads_json = any(n in plan.json_reads for n in reads)
            timed = any(
                a.keyword is not None and a.keyword.value == "timeout"
                for c in inside
                for a in c.args
            )
            handled: list[tuple[set[str], set[tuple[str, str]]]] = []
            for handler in try_node.handlers:
                if handler.type is None:
                    continue
                before, after = self._plan_handler(plan, handler, culprit, keep, reads_json)
                self._check_reachable(culprit, handler, before, after, handled, timed)
                handled.append((before, after))

    def _plan_handler(
        self,
        plan: FunctionPlan,
        handler: cst.ExceptHandler,
        call: cst.Call,
        keep: bool,
        reads_json: bool,
    ) -> tuple[set[str], set[tuple[str, str]]]:
        """Plan one handler; return the requests exceptions it named and what they became."""
        assert handler.type is not None
        parts = exception_parts(handler.type)
        mapped: list[tuple[str, str]] = []
        named: set[str] = set()
        became: set[tuple[str, str]] = set()
        changed = False
        for part in parts:
            code = cst.Module([]).code_for_node(part)
            names = self.qualified_names(part)
            exceptions = {_requests_exception(q.name) for q in names}
            if not names or exceptions == {None}:
                if {q.name for q in names} & TIMEOUT_BUILTINS:
                    raise Unfixable(
                        call,
                        f"`except {code}` would now catch HTTP timeouts (aiohttp's are "
                        "TimeoutErrors, requests' are not)",
                    )
                if {q.name for q in names} & BROAD_BUILTINS:
                    # requests' exceptions are IOErrors; most of aiohttp's are not.
                    changed = True
                    mapped += [("", code), ("aiohttp", "ClientError"), ("asyncio", "TimeoutError")]
                    continue
                self._check_opaque_handler(call, part, code)
                mapped.append(("", code))
                continue
            (exception,) = exceptions if len(exceptions) == 1 else (None,)
            if exception is None or exception not in EXCEPTIONS:
                raise Unfixable(call, f"`except {code}` has no aiohttp mapping")
            changed = True
            named.add(exception)
            if keep:
                mapped.append(("", code))
            else:
                plan.removed_references.append(part)
            targets = list(EXCEPTIONS[exception])
            if exception == "RequestException" and reads_json:
                targets.append(("json", "JSONDecodeError"))
            mapped += targets
            became.update(targets)
        if not changed:
            return named, became
        if handler.name is not None and isinstance(handler.name.name, cst.Name):
            self._check_exception_uses(plan, handler, call)
        unique = list(dict.fromkeys(mapped))
        # (Timeout, ReadTimeout) -> asyncio.TimeoutError alone: drop what another entry catches
        unique = [
            kind
            for kind in unique
            if not kind[0] or not any(o != kind and _covers({o}, kind) for o in unique)
        ]
        for module, _ in unique:
            if module:
                plan.needs.add(module)
        expressions = [_dotted(f"{m}.{n}") if m else cst.parse_expression(n) for m, n in unique]
        if len(expressions) == 1:
            new: cst.BaseExpression = expressions[0]
        else:
            new = cst.Tuple(
                [cst.Element(e) for e in expressions],
                lpar=[cst.LeftParen()],
                rpar=[cst.RightParen()],
            )
        plan.handlers[handler] = new
        return named, became

    def _check_opaque_handler(self, call: cst.Call, part: cst.BaseExpression, code: str) -> None:
        """`except NETWORK_ERRORS`: a name that may hold requests exceptions."""
        local = QualifiedNameSource.LOCAL
        if not isinstance(part, cst.Name) or not any(
            q.source is local for q in self.qualified_names(part)
        ):
            return
        scope = self.get_metadata(Scopes, part, None)
        if scope is None:
            return
        for binding in scope[part.value]:
            node = getattr(binding, "node", None)
            if isinstance(node, (cst.ClassDef, cst.Import, cst.ImportFrom)):
                continue
            raise Unfixable(
                call,
                f"`except {code}`: cannot see which exceptions `{code}` holds; "
                "name them in the handler",
            )

    def _check_reachable(
        self,
        call: cst.Call,
        handler: cst.ExceptHandler,
        before: set[str],
        after: set[tuple[str, str]],
        earlier: list[tuple[set[str], set[tuple[str, str]]]],
        timed: bool,
    ) -> None:
        """The mapped handlers must run in the same cases as the originals did."""
        if not before:
            return
        code = cst.Module([]).code_for_node(handler.type) if handler.type else ""
        for old_before, old_after in earlier:
            now_covered = all(_covers(old_after, t) for t in after)
            was_covered = all(any(_subclass(b, a) for a in old_before) for b in before)
            if old_before and now_covered and not was_covered:
                raise Unfixable(
                    call,
                    f"`except {code}` would never run: aiohttp raises the same exception "
                    "for it and for a handler above it",
                )
        timeout = ("aiohttp", "SocketTimeoutError")  # what a read timeout raises
        catches_timeouts = _covers(after - {("aiohttp", "ClientConnectionError")}, timeout) or any(
            _covers(a, timeout) for _, a in earlier
        )
        if timed and ("aiohttp", "ClientConnectionError") in after and not catches_timeouts:
            raise Unfixable(
                call,
                f"`except {code}` would also catch read timeouts (aiohttp's are "
                "ClientConnectionErrors); put the `except requests.Timeout` handler first",
            )

    def _check_exception_uses(self, plan: FunctionPlan, handler: cst.ExceptHandler, call: cst.Call) -> None:
        assert handler.name is not None and isinstance(handler.name.name, cst.Name)
        name = handler.name.name.value
        calls = [r.call for r in plan.requests]
        raised = [c for c in nodes_of(handler.body, cst.Call) if isinstance(self.parent(c), cst.Raise)]
        for node in nodes_of(handler.body, cst.Name):
            if self._names_requests(node) and not any(_contains(c, node) for c in (*calls, *raised)):
                raise Unfixable(
                    call,
                    f"the handler tests the caught exception against requests' classes; `{name}` "
                    "will be one of aiohttp's",
                )
        for read in self._accesses(plan.function, handler.name.name, name):
            parent = self.parent(read)
            if isinstance(parent, cst.Attribute) and parent.value is read:
                raise Unfixable(
                    call,
                    f"the caught exception's `.{parent.attr.value}` is used; aiohttp's "
                    "exceptions carry different attributes",
                )

    # -- pass 2: rewrite ----------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def _replace(self, original: Node, updated: cst.BaseExpression) -> cst.BaseExpression:
        for plan in self._active:
            build = plan.replacements.get(original)
            if build is not None:
                return build(updated)  # type: ignore[return-value]
            request = self._requests.get(original)
            if request is not None:
                return self._request_call(plan, request, updated)  # type: ignore[arg-type]
        return updated

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.BaseStatement:
        for plan in self._active:
            if original_node in plan.async_fors:
                return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        for plan in self._active:
            new = plan.handlers.get(original_node)
            if new is not None:
                return updated_node.with_changes(
                    type=new, whitespace_after_except=cst.SimpleWhitespace(" ")
                )
        return updated_node

    @property
    def _active(self) -> list[FunctionPlan]:
        return self._active_plans

    def visit_Module(self, node: cst.Module) -> bool:
        self._active_plans: list[FunctionPlan] = []
        self._requests: dict[Node, Request] = {}
        self._built: dict[Node, cst.Call] = {}
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        plan = self._plans.get(node)
        if plan is not None:
            self._active_plans.append(plan)
            for request in plan.requests:
                self._requests[request.call] = request
        return True

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        plan = self._plans.get(original_node)
        if plan is None:
            return updated_node
        self._active_plans.remove(plan)
        self._finish_imports(plan)
        body = updated_node.body
        assert isinstance(body, cst.IndentedBlock)
        original_body = original_node.body
        assert isinstance(original_body, cst.IndentedBlock)
        entries = self._restructure(plan, list(zip(original_body.body, body.body)))
        if plan.shared_session is not None:
            statements = self._wrap_session(plan, entries)
        else:
            statements = _statements(entries)
        return updated_node.with_changes(body=body.with_changes(body=statements))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.BaseSuite:
        for plan in self._active:
            if self.parent(original_node) is plan.function:
                return updated_node  # the function body is done in leave_FunctionDef
            pairs = list(zip(original_node.body, updated_node.body))
            if any(self._starts_block(plan, o) for o, _ in pairs):
                return updated_node.with_changes(body=_statements(self._restructure(plan, pairs)))
        return updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        for plan in self._active:
            if original_node in plan.session_withs:
                item = updated_node.items[0]
                auth = plan.session_auth.get(original_node)
                factory = _client_session(auth, user_session=True)
                return updated_node.with_changes(
                    asynchronous=cst.Asynchronous(), items=[item.with_changes(item=factory)]
                )
        return updated_node

    def _starts_block(self, plan: FunctionPlan, statement: Node) -> bool:
        return statement in plan.sessions or statement in plan.dropped or any(
            r.statement is statement for r in plan.requests
        )

    def _restructure(
        self, plan: FunctionPlan, pairs: Sequence[tuple[Node, cst.BaseStatement]]
    ) -> list[tuple[cst.BaseStatement | None, list[Node]]]:
        """New statements for one block, each with the originals it replaces.

        The comments of a dropped statement (`s.close()`, `s.auth = ...`) move
        to the statement after it.
        """
        out: list[tuple[cst.BaseStatement | None, list[Node]]] = []
        pending: list[cst.EmptyLine] = []
        index = 0
        while index < len(pairs):
            original, updated = pairs[index]
            index += 1
            if original in plan.dropped:
                pending += _comment_lines(updated)
                out.append((None, [original]))
                continue
            entries = self._rebuild(plan, pairs, index, original, updated)
            index += len(entries[-1][1]) - 1
            if pending:
                first, consumed = entries[0]
                assert first is not None
                lines = [*pending, *first.leading_lines]  # type: ignore[attr-defined]
                entries[0] = (first.with_changes(leading_lines=lines), consumed)
                pending = []
            out += entries
        if pending:
            out.append((cst.SimpleStatementLine([cst.Pass()], leading_lines=pending), []))
        return out

    def _rebuild(
        self,
        plan: FunctionPlan,
        pairs: Sequence[tuple[Node, cst.BaseStatement]],
        index: int,
        original: Node,
        updated: cst.BaseStatement,
    ) -> list[tuple[cst.BaseStatement | None, list[Node]]]:
        """The statements standing for ``original`` (and the followers it swallows)."""
        request = next((r for r in plan.requests if r.statement is original), None)
        session = plan.sessions.get(original)  # type: ignore[call-overload]
        if request is None and session is None:
            return [(updated, [original])]
        if request is not None and request.form != "assign":
            built = self._wrap_statement(plan, request, updated)
            return self._with_form(request, built, [original])
        end = self._range_end(plan, pairs, index - 1)
        inner = self._restructure(plan, pairs[index:end])
        consumed = [original, *(o for o, _ in pairs[index:end])]
        body = _statements(inner)
        if request is not None:
            call = updated.body[0].value  # type: ignore[attr-defined]
            item = cst.WithItem(item=call, asname=cst.AsName(cst.Name(request.name or "r")))
            if request.preload:
                body = [_preload(request.name or "r"), *body]
            return self._with_form(request, _async_with([item], body, updated, replaces=True), consumed)
        auth = plan.session_auth.get(original)
        item = cst.WithItem(
            item=_client_session(auth, user_session=True),
            asname=cst.AsName(cst.Name(session[0])),
        )
        return [(_async_with([item], body, updated, replaces=True), consumed)]

    def _range_end(
        self, plan: FunctionPlan, pairs: Sequence[tuple[Node, cst.BaseStatement]], start: int
    ) -> int:
        """One past the last statement the block opened at ``start`` must hold.

        A block holds the statements up to its own last use, and also up to the
        last use of every block opened inside it: `a = get(u); b = get(v);
        print(a.text); print(b.text)` nests b's block in a's, so a's block runs
        to the end of b's.
        """
        position = {id(o): i for i, (o, _) in enumerate(pairs)}
        end = start + 1
        index = start
        while index < end:
            last = self._own_last(plan, pairs[index][0])
            if last is not None and id(last) in position:
                end = max(end, position[id(last)] + 1)
            index += 1
        return end

    def _own_last(self, plan: FunctionPlan, statement: Node) -> Node | None:
        """The last statement of the block ``statement`` opens, if it opens one."""
        for request in plan.requests:
            if request.statement is statement and request.form == "assign":
                return request.last
        session = plan.sessions.get(statement)  # type: ignore[call-overload]
        return session[1] if session is not None else None

    def _with_form(
        self, request: Request, built: cst.BaseStatement, consumed: list[Node]
    ) -> list[tuple[cst.BaseStatement | None, list[Node]]]:
        """The FormData statements (if any) go first, taking the comments above."""
        forms = self._forms.pop(request.call, [])
        if not forms:
            return [(built, consumed)]
        leading = getattr(built, "leading_lines", ())
        forms[0] = forms[0].with_changes(leading_lines=leading)
        built = built.with_changes(leading_lines=[])
        return [*((f, consumed) for f in forms), (built, consumed)]

    def _request_call(
        self, plan: FunctionPlan, request: Request, updated: cst.Call
    ) -> cst.BaseExpression:
        call = self._session_call(plan, request, updated)
        if request.form != "hoist":
            return call
        self._built[request.call] = call
        return cst.Name(request.name or "resp")

    def _session_call(self, plan: FunctionPlan, request: Request, updated: cst.Call) -> cst.Call:
        session = request.session or plan.shared_session
        assert session is not None
        if request.form_name is not None:
            form = cst.Name(request.form_name)
            statements: list[cst.BaseStatement] = [
                _assign(form, _call(_dotted("aiohttp.FormData"), []))
            ]
            for args in request.form_fields:
                add = cst.Attribute(value=form, attr=cst.Name("add_field"))
                statements.append(
                    cst.SimpleStatementLine([cst.Expr(_call(add, [self._refresh(a) for a in args]))])
                )
            self._forms[request.call] = statements
        return updated.with_changes(
            func=cst.Attribute(value=cst.Name(session), attr=cst.Name(request.method)),
            args=_tidy_commas([self._refresh(a) for a in request.args]),
        )

    def _refresh(self, node: cst.Arg) -> cst.Arg:
        """A piece planned from original nodes, with their rewritten forms put in."""
        return node.visit(_Refresh(self._updated))  # type: ignore[return-value]

    def on_leave(self, original_node: Node, updated_node: Node) -> Node:  # type: ignore[override]
        result = super().on_leave(original_node, updated_node)
        if self._active_plans and isinstance(result, cst.CSTNode):
            self._updated[original_node] = result
        return result  # type: ignore[return-value]

    def _wrap_statement(
        self, plan: FunctionPlan, request: Request, updated: cst.BaseStatement
    ) -> cst.BaseStatement:
        if isinstance(updated, cst.With):  # `with requests.get(u) as r:` (or without `as`)
            return updated.with_changes(asynchronous=cst.Asynchronous())
        if request.form == "bare":
            call = updated.body[0].value  # type: ignore[attr-defined]
            item = cst.WithItem(item=call)
            return _async_with([item], [cst.SimpleStatementLine([cst.Pass()])], updated, replaces=True)
        item = cst.WithItem(
            item=self._built[request.call], asname=cst.AsName(cst.Name(request.name or "resp"))
        )
        return _async_with([item], [updated], updated, replaces=False)

    def _wrap_session(
        self,
        plan: FunctionPlan,
        entries: list[tuple[cst.BaseStatement | None, list[Node]]],
    ) -> list[cst.BaseStatement]:
        """One shared ClientSession around the statements that use it."""
        shared = [r.call for r in plan.requests if r.session is None]
        uses = [
            i
            for i, (_, originals) in enumerate(entries)
            if any(_contains(o, c) for o in originals for c in shared)
        ]
        start, end = uses[0], uses[-1]
        item = cst.WithItem(
            item=_client_session(None, user_session=False),
            asname=cst.AsName(cst.Name(plan.shared_session or "session")),
        )
        inside = _statements(entries[start : end + 1])
        block = _async_with([item], inside, inside[0], replaces=False)
        return [*_statements(entries[:start]), block, *_statements(entries[end + 1 :])]

    def _finish_imports(self, plan: FunctionPlan) -> None:
        for module in sorted(plan.needs | {"aiohttp"}):
            add_needed_import(self.context, module)
        for node in plan.removed_references:
            remove_unused_import_by_node(self.context, node)


# -- helpers ------------------------------------------------------------------------


def _statements(entries: Sequence[tuple[cst.BaseStatement | None, list[Node]]]) -> list[cst.BaseStatement]:
    return [statement for statement, _ in entries if statement is not None]


def _async_with(
    items: list[cst.WithItem],
    body: list[cst.BaseStatement],
    template: cst.BaseStatement,
    *,
    replaces: bool,
) -> cst.With:
    """``async with items:`` + body, standing where ``template`` stood.

    The template's leading comments and blank lines move above the new block;
    when the block replaces a one-line statement, that line's trailing comment
    follows the ``:``.
    """
    leading = getattr(template, "leading_lines", ())
    header = cst.TrailingWhitespace()
    if replaces and isinstance(template, cst.SimpleStatementLine):
        header = template.trailing_whitespace
    if body and body[0] is template:
        body = [body[0].with_changes(leading_lines=[]), *body[1:]]
    if not body:
        body = [cst.SimpleStatementLine([cst.Pass()])]
    return cst.With(
        items=items,
        body=cst.IndentedBlock(body=body, header=header),
        asynchronous=cst.Asynchronous(),
        leading_lines=leading,
    )


# Lookups by name, which requests' CaseInsensitiveDict and aiohttp's
# CIMultiDictProxy both answer (but for repeated headers: README).
HEADER_READS = {"get"}

# Loop bodies that come to the same whatever the chunks: each chunk only
# written, hashed or appended to something, in order.
CHUNK_SINKS = {"write", "update", "extend", "feed"}


def _chunk_agnostic(loop: cst.For, function: cst.FunctionDef) -> bool:
    """``for chunk in ...:`` whose body only writes ``chunk`` out (``if chunk:`` around it allowed).

    ``chunk`` must not be read anywhere else in ``function`` (after the loop
    it would be the last chunk, which differs).
    """
    if not isinstance(loop.target, cst.Name) or loop.orelse is not None:
        return False
    name = loop.target.value
    if any(n.value == name and not _contains(loop, n) for n in nodes_of(function.body, cst.Name)):
        return False

    def only_chunk(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value == name

    def plain_receiver(node: cst.BaseExpression) -> bool:
        """A bare name: no call, subscript, walrus or attribute (a property) that runs per chunk."""
        return isinstance(node, cst.Name) and node.value != name

    def sink(small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, cst.AugAssign):
            return (
                isinstance(small.operator, cst.AddAssign)
                and isinstance(small.target, cst.Name)
                and small.target.value != name
                and only_chunk(small.value)
            )
        if not isinstance(small, cst.Expr):
            return False
        value = small.value.expression if isinstance(small.value, cst.Await) else small.value
        return (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value in CHUNK_SINKS
            and plain_receiver(value.func.value)
            and len(value.args) == 1
            and value.args[0].keyword is None
            and not value.args[0].star
            and only_chunk(value.args[0].value)
        )

    def body_ok(body: cst.BaseSuite, guard_allowed: bool) -> bool:
        statements: Sequence[cst.CSTNode]
        if isinstance(body, cst.IndentedBlock):
            statements = body.body
        else:
            assert isinstance(body, cst.SimpleStatementSuite)
            statements = [cst.SimpleStatementLine(body=body.body)]
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                if not all(sink(small) for small in statement.body):
                    return False
            elif (
                guard_allowed
                and isinstance(statement, cst.If)
                and only_chunk(statement.test)
                and statement.orelse is None
            ):
                if not body_ok(statement.body, guard_allowed=False):
                    return False
            else:
                return False
        return True

    return body_ok(loop.body, guard_allowed=True)


def _preload(name: str) -> cst.SimpleStatementLine:
    """``await r.read()``: the body, downloaded where requests downloaded it."""
    read = _call(cst.Attribute(value=cst.Name(name), attr=cst.Name("read")), [])
    return cst.SimpleStatementLine([cst.Expr(cst.Await(read))])


def _binding_node(binding: object) -> Node | None:
    """The node that made a scope binding (builtins have none)."""
    node = getattr(binding, "node", None)
    return node if isinstance(node, cst.CSTNode) else None


def _renamed(attribute: str) -> Callable[[Node], Node]:
    """``r.x`` -> ``r.<attribute>``."""

    def rename(node: Node) -> Node:
        assert isinstance(node, cst.Attribute)
        return node.with_changes(attr=cst.Name(attribute))

    return rename


def _json_call(node: Node) -> Node:
    """``r.json()`` -> ``r.json(content_type=None)``: requests ignores the Content-Type."""
    assert isinstance(node, cst.Call)
    return node.with_changes(args=[_kw("content_type", cst.Name("None"))])


def _client_session(auth: cst.Arg | None, *, user_session: bool) -> cst.Call:
    """``aiohttp.ClientSession(trust_env=True[, cookie_jar=...][, auth=...])``.

    requests reads HTTP(S)_PROXY, NO_PROXY and ~/.netrc unless told not to;
    aiohttp only with ``trust_env=True``: without it, a bot behind a proxy
    would stop reaching anything.  A user's ``requests.Session()`` is there to
    keep cookies, from any host: aiohttp's default jar drops the cookies of a
    host named by IP address (a router, a local device), ``unsafe=True``
    keeps them.
    """
    args = [_kw("trust_env", cst.Name("True"))]
    if user_session:
        jar = _call(_dotted("aiohttp.CookieJar"), [_kw("unsafe", cst.Name("True"))])
        args.append(_kw("cookie_jar", jar))
    return _call(_dotted("aiohttp.ClientSession"), [*args, auth] if auth else args)


def _comment_lines(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """A statement's own comments, as lines that can stand above another one."""
    lines = [line for line in getattr(statement, "leading_lines", ()) if line.comment is not None]
    trailing = getattr(statement, "trailing_whitespace", None)
    if trailing is not None and trailing.comment is not None:
        lines.append(cst.EmptyLine(comment=trailing.comment))
    return lines


class _Refresh(cst.CSTTransformer):
    """Swap original nodes for their rewritten forms, outermost first."""

    def __init__(self, updated: dict[Node, Node]) -> None:
        super().__init__()
        self.updated = updated

    def on_visit(self, node: Node) -> bool:
        return node not in self.updated

    def on_leave(self, original_node: Node, updated_node: Node) -> Node:  # type: ignore[override]
        return self.updated.get(original_node, updated_node)


def _assign(target: cst.Name, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)])


def _call(func: cst.BaseExpression, args: list[cst.Arg]) -> cst.Call:
    return cst.Call(func=func, args=_tidy_commas(args))


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def _dotted(path: str) -> cst.BaseExpression:
    parts = path.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _tidy_commas(args: list[cst.Arg]) -> list[cst.Arg]:
    """Commas between arguments, none after the last (keeping the user's spacing)."""
    out = []
    for index, arg in enumerate(args):
        last = index == len(args) - 1
        if last:
            if isinstance(arg.comma, cst.Comma) and len(args) == 1:
                arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            elif isinstance(arg.comma, cst.Comma) and "\n" not in cst.Module([]).code_for_node(arg.comma):
                arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        elif not isinstance(arg.comma, cst.Comma):
            arg = arg.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        out.append(arg)
    return out


def _is_bytes(node: cst.BaseExpression) -> bool:
    """A bytes literal (``b"x"``, ``b"a" b"b"``)."""
    if isinstance(node, cst.ConcatenatedString):
        return _is_bytes(node.left)
    if isinstance(node, cst.SimpleString):
        return "b" in node.prefix.lower()
    return False


def _is_constant(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _fresh(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


# While a fixer plans and rewrites, the parent links of the original tree:
# `_contains` then climbs from the node (its depth) instead of walking the
# whole container (its size), which made big functions quadratic.
_PARENT: contextvars.ContextVar[Callable[[Node], Node | None] | None] = contextvars.ContextVar(
    "asyncfix_parent", default=None
)


def _contains(container: Node, node: Node) -> bool:
    """``node`` is ``container`` or somewhere inside it."""
    parent = _PARENT.get()
    if parent is not None:
        current: Node | None = node
        while current is not None:
            if current is container:
                return True
            current = parent(current)
        return False
    found = False

    class Finder(cst.CSTVisitor):
        def on_visit(self, candidate: Node) -> bool:
            nonlocal found
            if candidate is node:
                found = True
            return not found

    container.visit(Finder())
    return found


def _bound_call(
    node: Node | None, name: str, parent: Callable[[Node], Node | None]
) -> cst.Call | None:
    """The call a name is bound to by `name = call(...)` or `with call(...) as name`."""
    if node is None:
        return None
    holder = parent(node)
    if isinstance(holder, cst.AsName):
        item = parent(holder)
        if isinstance(item, cst.WithItem) and isinstance(item.item, cst.Call):
            return item.item
        return None
    if isinstance(holder, cst.AssignTarget):
        assign = parent(holder)
        if isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call):
            return assign.value
    return None


def _subclass(name: str, base: str) -> bool:
    """In requests' exception tree, ``name`` is ``base`` or derives from it."""
    return name == base or any(_subclass(b, base) for b in REQUESTS_BASES.get(name, ()))


def _covers(caught: set[tuple[str, str]], kind: tuple[str, str]) -> bool:
    """An except clause naming ``caught`` catches aiohttp's ``kind``."""
    if kind in caught:
        return True
    return any(_covers(caught, base) for base in AIOHTTP_BASES.get(kind, ()))


def _requests_exception(qualified: str) -> str | None:
    for prefix in ("requests.exceptions.", "requests."):
        if qualified.startswith(prefix):
            rest = qualified[len(prefix):]
            if "." not in rest and rest[:1].isupper():
                return rest
    return None


# Where evaluation can be moved before the statement: each entry lists the
# children evaluated unconditionally, in order.
def _evaluated_first(statement: cst.BaseStatement, call: cst.Call) -> bool:
    """True when ``call`` is the first thing with an effect that ``statement`` runs."""
    roots: list[cst.BaseExpression] = []
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, (cst.Expr, cst.Return)) and small.value is not None:
            roots = [small.value]
        elif isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
            roots = [small.value]
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            roots = [small.value]
        elif isinstance(small, cst.Raise) and small.exc is not None:
            roots = [small.exc]
    elif isinstance(statement, cst.If):
        roots = [statement.test]
    elif isinstance(statement, cst.For) and statement.asynchronous is None:
        roots = [statement.iter]
    for root in roots:
        verdict = _scan(root, call)
        if verdict is not None:
            return verdict
    return False


def _scan(node: Node, target: cst.Call) -> bool | None:
    """Walk in evaluation order: True at ``target``, False at an earlier effect, None past."""
    if node is target:
        return True
    if isinstance(node, (cst.Name, cst.BaseNumber, cst.SimpleString, cst.Ellipsis)):
        return None
    if isinstance(node, (cst.BooleanOperation,)):
        first = _scan(node.left, target)
        if first is not None:
            return first
        return False if _contains(node.right, target) or _has_call(node.right) else None
    if isinstance(node, (cst.IfExp, cst.Lambda, cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)):
        return False if _contains(node, target) or _has_call(node) else None
    if isinstance(node, cst.Comparison):
        first = _scan(node.left, target)
        if first is not None:
            return first
        for index, comparison in enumerate(node.comparisons):
            if index > 0 and _contains(comparison.comparator, target):
                return False  # chained comparisons short-circuit
            verdict = _scan(comparison.comparator, target)
            if verdict is not None:
                return verdict
        return None
    children: list[Node]
    if isinstance(node, cst.Call):
        children = [node.func, *(a.value for a in node.args)]
    elif isinstance(node, cst.Attribute):
        children = [node.value]
    elif isinstance(node, cst.Subscript):
        children = [node.value, *node.slice]
    elif isinstance(node, (cst.BinaryOperation,)):
        children = [node.left, node.right]
    elif isinstance(node, cst.UnaryOperation):
        children = [node.expression]
    elif isinstance(node, (cst.Await, cst.Yield)):
        children = [node.expression] if isinstance(node, cst.Await) else [node.value] if node.value else []
    else:
        children = list(node.children)
    for child in children:
        verdict = _scan(child, target)
        if verdict is not None:
            return verdict
    if isinstance(node, (cst.Call, cst.Await, cst.Yield, cst.NamedExpr)):
        return False  # the node itself runs code (or binds) before anything after it
    return None


def _has_call(node: Node) -> bool:
    return bool(nodes_of(node, cst.Call)) or bool(nodes_of(node, cst.Await))
