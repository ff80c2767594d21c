"""ASYNC210/ASYNC212 for httpx: the blocking API -> ``httpx.AsyncClient``.

``httpx.get(url, ...)`` is ``with httpx.Client(...) as client: return
client.get(url, ...)``: a client per call, the body read before it returns.
Inside ``async def`` the statement holding the call is wrapped in
``async with httpx.AsyncClient(...) as client:`` and the call becomes
``await client.get(url, ...)``.  The client-level arguments (``cookies``,
``proxy``, ``verify``, ``cert``, ``timeout``, ``trust_env``) move to the client,
as httpx itself moves them.  The response is the same class with its body
already read, so its uses stay as they are; only ``close()``/``iter_raw()``
/``stream`` (which the async response does not allow synchronously) are
reported.

A ``httpx.Client`` the function makes (``with httpx.Client() as c:`` or
``c = httpx.Client()``) becomes an ``httpx.AsyncClient`` when every use of
``c`` is a request method (awaited then), ``close()`` (``await c.aclose()``)
or a plain attribute; a client passed in is reported (ASYNC212).  Event hooks
(``event_hooks=``, ``c.event_hooks``) are reported: a sync client calls them,
an ``AsyncClient`` awaits them.  So is an ``auth`` (argument or attribute) that
may be an ``httpx.Auth`` with its own ``sync_auth_flow``, which an
``AsyncClient`` never calls: only tuples, functions and httpx's own
``BasicAuth``/``DigestAuth``/``NetRCAuth`` pass.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import (
    Assignment,
    ComprehensionScope,
    FunctionScope,
    QualifiedNameSource,
)

from ..rules import HTTP_METHODS
from ..scope import Frame
from . import (
    Fixer,
    Layout,
    Scopes,
    add_needed_import,
    nodes_of,
    register,
    remove_unused_import_by_node,
    union_members,
)
from .requests import _evaluated_first, _scan

FUNCTIONS = frozenset(HTTP_METHODS)
# What httpx.request() hands to Client(...) rather than to client.request().
CLIENT_ARGUMENTS = frozenset(
    {"cookies", "proxy", "proxies", "cert", "verify", "timeout", "trust_env"}
)
REQUEST_METHODS = frozenset({*HTTP_METHODS, "send"})
# Client attributes that mean the same on an AsyncClient and do no I/O.
PLAIN_ATTRIBUTES = frozenset(
    {
        "headers",
        "cookies",
        "params",
        "auth",
        "base_url",
        "timeout",
        "trust_env",
        "follow_redirects",
        "max_redirects",
        "build_request",
        "is_closed",
    }
)
# What ``auth=`` may be when it surely means the same to an AsyncClient: these
# classes implement only ``auth_flow``, which both clients run.
SAME_AUTH = frozenset({"httpx.BasicAuth", "httpx.DigestAuth", "httpx.NetRCAuth"})
CLIENT_NAMES = ("client", "httpx_client", "async_client")
# Response members an async response does not allow synchronously.
SYNC_ONLY = frozenset({"close", "iter_raw", "stream", "__enter__", "__exit__"})
NOT_FIXED = "`{label}` blocks the event loop; not fixed: "


@register
class HttpxFixer(Fixer):
    key = "httpx"
    code = "ASYNC210"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._statements: list[cst.SimpleStatementLine] = []
        # statements with two httpx.get()-style calls: one client would serve both
        self._crowded: set[cst.SimpleStatementLine] = set()
        # statement -> the calls planned in it: (original call, label, moved args)
        self._planned: dict[cst.SimpleStatementLine, list[tuple[cst.Call, str, list[cst.Arg]]]] = {}
        self._clients: dict[Assignment, str | None] = {}  # client binding -> why not (None: ok)
        self._forgotten: set[cst.CSTNode] = set()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        self._statements.append(node)
        calls = [
            call
            for call in nodes_of(node, cst.Call)
            if isinstance(call.func, (cst.Name, cst.Attribute)) and self._function(call.func)
        ]
        if len(calls) > 1:
            self._crowded.add(node)
        return True

    # -- httpx.get(...) ----------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, (cst.Name, cst.Attribute)) or not self.async_context().in_async:
            return updated_node
        name = self._function(func)
        if name is not None:
            return self._module_function(original_node, updated_node, name)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            return self._client_method(original_node, updated_node, func)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
            if self._is_client_class(func.value.func) and func.attr.value in REQUEST_METHODS:
                label = f"httpx.Client().{func.attr.value}()"
                self._report(
                    original_node,
                    label,
                    "ASYNC212",
                    "the client is made and dropped "
                    "in one expression; write `async with httpx.AsyncClient() as client:`",
                )
        return updated_node

    def _function(self, func: cst.BaseExpression) -> str | None:
        if isinstance(func, cst.Attribute) and func.attr.value not in (
            *FUNCTIONS,
            "stream",
            "connect",
            "trace",
        ):
            return None
        names = {
            q.name for q in self.qualified_names(func) if q.source is QualifiedNameSource.IMPORT
        }
        if len(names) != 1:
            return None
        module, _, method = names.pop().partition(".")
        return (
            method
            if module == "httpx" and method in (*FUNCTIONS, "stream", "connect", "trace")
            else None
        )

    def _module_function(
        self, original: cst.Call, updated: cst.Call, method: str
    ) -> cst.BaseExpression:
        label = f"httpx.{method}()"
        if "ASYNC210" not in self.enabled or self.silenced(original, "ASYNC210"):
            return updated
        reason = self._function_problem(original, method)
        if reason is not None:
            self._report(original, label, "ASYNC210", reason)
            return updated
        statement = self._statements[-1]
        moved = [
            a for a in updated.args if a.keyword is not None and a.keyword.value in CLIENT_ARGUMENTS
        ]
        kept = [a for a in updated.args if a not in moved]
        if moved and kept and kept[-1] is not updated.args[-1]:
            # the last argument left takes the place of the last one written
            kept[-1] = kept[-1].with_changes(comma=updated.args[-1].comma)
        self._planned.setdefault(statement, []).append((original, label, moved))
        call = updated.with_changes(
            func=cst.Attribute(value=cst.Name(self._client_name(statement)), attr=cst.Name(method)),
            args=kept,
            lpar=[],
            rpar=[],
        )
        if self.awaited(original):  # `await httpx.get()`: a TypeError until now
            return call.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        lpar, rpar = updated.lpar, updated.rpar
        if not lpar and self.needs_parentheses(original):
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Await(expression=call, lpar=lpar, rpar=rpar)

    def _function_problem(self, call: cst.Call, method: str) -> str | None:
        where = self.async_context()
        if method == "stream":
            return (
                "it returns a context manager streaming the body; write "
                "`async with httpx.AsyncClient() as client, client.stream(...) as r:` by hand"
            )
        if method in ("connect", "trace"):
            return "httpx has no such function"
        if where.blocker is not None:
            return f"it is inside {where.blocker}"
        if any(frame is Frame.COMPREHENSION for frame in self.frames):
            return (
                "it is inside a comprehension: one client would serve every request "
                "(sharing cookies and connections)"
            )
        if any(a.star for a in call.args):
            return "`*args`/`**kwargs` cannot be split between the client and the request"
        if self._statements and self._statements[-1] in self._crowded:
            return "two requests in one statement would share one client (and its cookies)"
        if not self._statements or not self.contains(self._statements[-1], call):
            if self._in_one_line_block(call):
                return "the statement shares its line with its `if`/`for`/`while`/`with` (a one-line block)"
            return "it is not part of a simple statement the client block can wrap"
        statement = self._statements[-1]
        if len(statement.body) != 1:
            return "the statement shares its line with another (`;`)"
        if not isinstance(self.parent(statement), cst.IndentedBlock):
            return "it is not part of a simple statement the client block can wrap"
        if isinstance(statement.body[0], (cst.Global, cst.Nonlocal, cst.Import, cst.ImportFrom)):
            return "it is not part of a simple statement the client block can wrap"
        moved = [
            a for a in call.args if a.keyword is not None and a.keyword.value in CLIENT_ARGUMENTS
        ]
        kept = [a for a in call.args if a not in moved]
        if moved and "#" in cst.Module([]).code_for_node(call):
            return "the comments among its arguments would not survive moving some to the client"
        if moved and (
            self._conditional(call, statement) or bool(nodes_of(statement, cst.NamedExpr))
        ):
            return "the client's arguments would be evaluated before the statement, unconditionally"
        for arg in moved:
            if "#" in cst.Module([]).code_for_node(arg):
                return (
                    f"the comment on `{arg.keyword.value}=` would be lost moving it to the client"  # type: ignore[union-attr]
                )
        if (
            moved
            and not all(_plain(a.value) for a in moved)
            and not all(_plain(a.value) for a in kept)
        ):
            return "the client's arguments would be evaluated before the request's"
        # Only a constant is the same whenever it is evaluated: a name may hold a
        # dict that a call before it fills (`cookies=COOKIES` after `await login()`).
        if moved and not all(_inert(a.value) for a in moved):
            last = max(call.args.index(a) for a in moved)
            earlier = [a for a in call.args[:last] if a not in moved]
            if not _evaluated_first(statement, call) or any(
                _scan(a.value, call) is False for a in earlier
            ):
                return (
                    "the client's arguments would be evaluated ahead of code that runs "
                    "before them in the statement (such as a call or an `await`)"
                )
        auth = self._auth_problem(call)
        if auth is not None:
            return auth
        use = self._response_use(call, statement)
        if use is not None:
            return use
        if self.module_reference(call, "httpx") is None:
            return "the name `httpx` means something else here"
        return None

    def _auth_problem(self, call: cst.Call) -> str | None:
        """Why the ``auth=`` of a request or client call may act differently (None: it cannot)."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "auth":
                return self._auth_value_problem(arg.value, "`auth=`")
        return None

    def _auth_value_problem(self, value: cst.BaseExpression, what: str) -> str | None:
        if self._same_auth(value):
            return None
        return (
            f"cannot tell that {what} is not an `httpx.Auth` overriding `sync_auth_flow`, "
            "which an `AsyncClient` never calls; use a `(user, password)` tuple "
            "or `httpx.BasicAuth`/`httpx.DigestAuth`"
        )

    def _same_auth(self, value: cst.BaseExpression, depth: int = 0) -> bool:
        """``value`` is an auth both clients apply alike: a tuple (basic auth), a
        function (called the same by both), httpx's own ``BasicAuth``/``DigestAuth``/
        ``NetRCAuth``, ``None``, or a name bound once to one of these."""
        if isinstance(value, (cst.Tuple, cst.Lambda)):
            return True
        if isinstance(value, cst.Call):
            names = {q.name for q in self.qualified_names(value.func)}
            return bool(names) and names <= SAME_AUTH
        if not isinstance(value, cst.Name) or depth > 3:
            return False
        if value.value == "None":
            return True
        scope = self.get_metadata(Scopes, value, None)
        assignments = list(scope[value.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return False
        bound = assignments[0].node
        if isinstance(bound, cst.FunctionDef):
            return bound.asynchronous is None  # a coroutine function returns no request
        assigned = self.assigned_value(value)
        return assigned is not None and self._same_auth(assigned, depth + 1)

    def _conditional(self, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
        """``node`` runs only sometimes within ``statement`` (``and``/``or``/``if``-``else``)."""
        current = self.parent(node)
        while current is not None and current is not statement:
            if isinstance(current, (cst.BooleanOperation, cst.IfExp)):
                return True
            current = self.parent(current)
        return False

    def _in_one_line_block(self, node: cst.CSTNode) -> bool:
        current = self.parent(node)
        while current is not None and not isinstance(current, cst.BaseStatement):
            if isinstance(current, cst.SimpleStatementSuite):
                return True
            current = self.parent(current)
        return isinstance(current, cst.SimpleStatementSuite)

    def _response_use(self, call: cst.Call, statement: cst.SimpleStatementLine) -> str | None:
        """Why the response cannot be an async client's (None: it can)."""
        parent = self.parent(call)
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is call
            and parent.attr.value in SYNC_ONLY
        ):
            return f"an async client's response has no synchronous `.{parent.attr.value}`"
        small = statement.body[0]
        if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is call:
            targets = (
                [t.target for t in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
            )
            for target in targets:
                if not isinstance(target, cst.Name):
                    continue
                for use in self._references(target):
                    up = self.parent(use)
                    if isinstance(up, cst.Attribute) and up.attr.value in SYNC_ONLY:
                        return (
                            f"the response's `.{up.attr.value}` has no synchronous form on "
                            "an async client's response"
                        )
                    if isinstance(up, cst.WithItem):
                        return "the response is used as a `with` block"
        return None

    def _references(self, name: cst.Name) -> list[cst.CSTNode]:
        scope = self.get_metadata(Scopes, name, None)
        if scope is None:
            return []
        found: list[cst.CSTNode] = []
        for assignment in scope.assignments[name.value]:
            if isinstance(assignment, Assignment):
                found += [access.node for access in assignment.references]
        return found

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        self._statements.pop()
        planned = self._planned.pop(original_node, None)
        if not planned:
            return updated_node
        if len(planned) > 1:
            for call, label, _ in planned:
                self._report(
                    call,
                    label,
                    "ASYNC210",
                    "two requests in one statement would share one client (and its cookies)",
                )
            return original_node
        call, label, moved = planned[0]
        httpx = self.module_reference(call, "httpx") or "httpx"
        if httpx == "httpx":
            add_needed_import(self.context, "httpx")
        self._forget(call.func)
        name = self._client_name(original_node)
        body = updated_node.with_changes(leading_lines=[])
        moved = [
            a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            if i == len(moved) - 1
            else a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for i, a in enumerate(moved)
        ]
        client = cst.Call(
            func=cst.Attribute(value=cst.Name(httpx), attr=cst.Name("AsyncClient")),
            args=[a.with_changes(whitespace_after_arg=cst.SimpleWhitespace("")) for a in moved],
        )
        self.record_fix(
            call,
            f"`{label}` -> `async with {httpx}.AsyncClient() as {name}: "
            f"await {name}.{label.split('.', 1)[1].rstrip('()')}()`",
            "ASYNC210",
        )
        return cst.With(
            items=[cst.WithItem(client, asname=cst.AsName(cst.Name(name)))],
            body=cst.IndentedBlock(body=[body]),
            asynchronous=cst.Asynchronous(),
            leading_lines=updated_node.leading_lines,
        )

    def _client_name(self, statement: cst.SimpleStatementLine) -> str:
        """``client``, unless the function already uses that name (:meth:`Fixer.fresh_name`)."""
        return self.fresh_name(statement, CLIENT_NAMES)

    # -- methods of an httpx.Client ----------------------------------------

    def _client_method(
        self, original: cst.Call, updated: cst.Call, func: cst.Attribute
    ) -> cst.BaseExpression:
        method = func.attr.value
        if method not in (*REQUEST_METHODS, "stream", "close"):
            return updated
        receiver = func.value
        assert isinstance(receiver, cst.Name)
        binding = self._client_binding(receiver)
        if binding is None:
            return updated
        label = f"{receiver.value}.{method}()"
        if "ASYNC212" not in self.enabled or self.silenced(original, "ASYNC212"):
            return updated
        if isinstance(binding, str):
            self._report(original, label, "ASYNC212", binding)
            return updated
        reason = self._client_problem(binding)
        if reason is not None:
            self._report(original, label, "ASYNC212", reason)
            return updated
        self.record_fix(
            original,
            f"`{label}` -> `await {receiver.value}."
            f"{'aclose' if method == 'close' else method}()` on an httpx.AsyncClient",
            "ASYNC212",
        )
        call = updated
        if method == "close":
            call = call.with_changes(func=func.with_changes(attr=cst.Name("aclose")))
        lpar, rpar = call.lpar, call.rpar
        if not lpar and self.needs_parentheses(original):
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Await(expression=call.with_changes(lpar=[], rpar=[]), lpar=lpar, rpar=rpar)

    def _client_binding(self, name: cst.Name) -> Assignment | str | None:
        """The binding of a client made in this function; a reason if given; None if no client."""
        scope = self.get_metadata(Scopes, name, None)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        made = [a for a in assignments if isinstance(a, Assignment) and self._makes_client(a)]
        if not made:
            return None
        if len(assignments) != 1:
            return "the name is bound more than once; cannot tell which client is used"
        binding = made[0]
        if isinstance(binding.node, cst.Param):
            return "the client is passed in; make the caller pass an `httpx.AsyncClient`"
        while isinstance(scope, ComprehensionScope):
            scope = scope.parent
        if binding.scope is not scope:
            return "the client is made outside this function; make it an `httpx.AsyncClient` there"
        return binding

    def _makes_client(self, assignment: Assignment) -> bool:
        node = assignment.node
        if isinstance(node, cst.Param):
            annotation = node.annotation
            if annotation is None:
                return False
            return any(self._is_client_class(part) for part in union_members(annotation.annotation))
        maker = self._maker(node)
        return maker is not None and self._is_client_class(maker.func)

    def _maker(self, node: cst.CSTNode) -> cst.Call | None:
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            statement = self.parent(parent)
            if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Call):
                return statement.value
        if isinstance(parent, cst.AnnAssign) and isinstance(parent.value, cst.Call):
            return parent.value
        if isinstance(parent, cst.AsName):
            item = self.parent(parent)
            if isinstance(item, cst.WithItem) and isinstance(item.item, cst.Call):
                return item.item
        return None

    def _is_client_class(self, func: cst.BaseExpression) -> bool:
        names = {q.name for q in self.qualified_names(func)}
        return names == {"httpx.Client"}

    def _client_problem(self, binding: Assignment) -> str | None:
        cached = self._clients.get(binding, "")
        if cached != "":
            return cached
        reason = self._plan_client(binding)
        self._clients[binding] = reason
        return reason

    def _plan_client(self, binding: Assignment) -> str | None:
        node = binding.node
        scope = binding.scope
        if not (
            isinstance(scope, FunctionScope)
            and isinstance(scope.node, cst.FunctionDef)
            and scope.node.asynchronous is not None
        ):
            return "the client is made outside an `async def`; make it an `httpx.AsyncClient` there"
        parent = self.parent(node)
        if isinstance(parent, cst.AsName):
            item = self.parent(parent)
            statement = self.parent(item) if item is not None else None
            if not isinstance(statement, cst.With) or len(statement.items) != 1:
                return "the client's `with` statement opens other things too"
            if statement.asynchronous is not None:
                return "it is already an async client block"
        elif not isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
            return "the client is not bound by a plain assignment or `with`"
        if isinstance(parent, cst.AnnAssign):
            return "the client's annotation would no longer be true"
        calls = 0
        for access in binding.references:
            use = access.node
            if self.get_metadata(Scopes, use, None) is not binding.scope:
                return "the client is used in a nested function, lambda or comprehension"
            attribute = self.parent(use)
            if not isinstance(attribute, cst.Attribute) or attribute.value is not use:
                return f"the client `{binding.name}` is used as a value (passed or returned)"
            member = attribute.attr.value
            called = self.parent(attribute)
            if member in REQUEST_METHODS or member == "close":
                if not isinstance(called, cst.Call) or called.func is not attribute:
                    return f"`{binding.name}.{member}` is used without being called"
                problem = self._call_problem(called, member)
                if problem is not None:
                    return problem
                calls += 1
                continue
            if member == "stream":
                return "`stream()` returns a context manager; rewrite the block by hand"
            if member == "event_hooks":
                return (
                    f"`{binding.name}.event_hooks` are called, not awaited, by a sync client; "
                    "an `AsyncClient` awaits them"
                )
            if member == "auth":
                problem = self._auth_attribute_problem(binding.name, attribute)
                if problem is not None:
                    return problem
            if member not in PLAIN_ATTRIBUTES:
                return f"`{binding.name}.{member}` has no checked async counterpart"
        if not calls:
            return "the client makes no request here"
        maker = self._maker(node)
        if maker is None:
            return "the client is not made by a plain call"
        for arg in maker.args:
            if arg.star:
                return "`*args`/`**kwargs` of the client cannot be checked"
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in ("transport", "mounts"):
                return f"`{keyword}=` gives a sync transport; an `AsyncClient` needs an async one"
            if keyword == "event_hooks":
                return (
                    "`event_hooks=` are called, not awaited, by a sync client; "
                    "an `AsyncClient` awaits them"
                )
        auth = self._auth_problem(maker)
        if auth is not None:
            return auth
        if (
            not isinstance(maker.func, cst.Attribute)
            and self.module_reference(maker, "httpx") is None
        ):
            return "the name `httpx` means something else here"
        return None

    def _auth_attribute_problem(self, name: str, attribute: cst.Attribute) -> str | None:
        """``c.auth = value``: the value must be an auth both clients apply alike."""
        holder = self.parent(attribute)
        what = f"`{name}.auth`"
        if isinstance(holder, cst.AssignTarget):
            assign = self.parent(holder)
            assert isinstance(assign, cst.Assign)
            return self._auth_value_problem(assign.value, what)
        if isinstance(holder, (cst.AnnAssign, cst.AugAssign)) and holder.target is attribute:
            value = holder.value
            if isinstance(holder, cst.AugAssign) or value is None:
                return f"{what} is changed in place"
            return self._auth_value_problem(value, what)
        node: cst.CSTNode = attribute
        while isinstance(holder, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
            node, holder = holder, self.parent(holder)
        if node is not attribute and isinstance(holder, (cst.AssignTarget, cst.Del)):
            return f"{what} is set where its value cannot be checked"
        if isinstance(holder, (cst.For, cst.CompFor)) and holder.target is node:
            return f"{what} is set where its value cannot be checked"
        if isinstance(holder, cst.AsName):
            return f"{what} is set where its value cannot be checked"
        return None

    def _call_problem(self, call: cst.Call, member: str) -> str | None:
        """Why one request on a planned client cannot be awaited (None: it can)."""
        where = f"`{cst.Module([]).code_for_node(call.func)}()`"
        pos = self.get_metadata(Layout, call).start.line
        if self.silenced(call, "ASYNC212"):
            return f"a `# noqa` keeps {where} on line {pos} blocking, so the client stays sync"
        if isinstance(self.parent(call), cst.Await):
            return f"{where} on line {pos} is already awaited"
        if any(a.keyword is not None and a.keyword.value == "stream" for a in call.args):
            return f"{where} on line {pos} streams the body, read later with sync calls"
        auth = self._auth_problem(call)
        if auth is not None:
            return f"{where} on line {pos}: {auth}"
        if self.shown_in_fstring(call):
            return f"{where} on line {pos} is inside {Frame.SHOWN.value}"
        node: cst.CSTNode | None = call
        statement = None
        while node is not None and not isinstance(node, cst.FunctionDef):
            if isinstance(node, (cst.Parameters, cst.Decorator, cst.Annotation)):
                return f"{where} on line {pos} runs when a nested function is defined"
            if isinstance(node, cst.SimpleStatementLine) and statement is None:
                statement = node
            node = self.parent(node)
        if member != "close" and statement is not None:
            problem = self._response_use(call, statement)
            if problem is not None:
                return problem
        return None

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        if len(original_node.items) != 1:
            return updated_node
        item = original_node.items[0]
        if item.asname is None or not isinstance(item.asname.name, cst.Name):
            return updated_node
        binding = self._planned_binding(item.asname.name)
        if binding is None:
            return updated_node
        new_item = updated_node.items[0]
        assert isinstance(new_item.item, cst.Call) and isinstance(item.item, cst.Call)
        return updated_node.with_changes(
            asynchronous=cst.Asynchronous(),
            items=[new_item.with_changes(item=self._async_client(new_item.item, item.item.func))],
        )

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if len(original_node.targets) != 1 or not isinstance(
            original_node.targets[0].target, cst.Name
        ):
            return updated_node
        if self._planned_binding(original_node.targets[0].target) is None:
            return updated_node
        assert isinstance(updated_node.value, cst.Call)
        assert isinstance(original_node.value, cst.Call)
        return updated_node.with_changes(
            value=self._async_client(updated_node.value, original_node.value.func)
        )

    def _planned_binding(self, name: cst.Name) -> Assignment | None:
        """The client bound at ``name`` when its requests are (to be) awaited."""
        if "ASYNC212" not in self.enabled:
            return None
        scope = self.get_metadata(Scopes, name, None)
        if scope is None:
            return None
        for assignment in scope.assignments[name.value]:
            if (
                isinstance(assignment, Assignment)
                and assignment.node is name
                and self._makes_client(assignment)
                and self._client_binding(name) is assignment
                and self._client_problem(assignment) is None
            ):
                return assignment
        return None

    def _async_client(self, call: cst.Call, original_func: cst.BaseExpression) -> cst.Call:
        func = call.func
        if isinstance(func, cst.Attribute):
            return call.with_changes(func=func.with_changes(attr=cst.Name("AsyncClient")))
        httpx = self.module_reference(call, "httpx") or "httpx"
        if httpx == "httpx":
            add_needed_import(self.context, "httpx")
        self._forget(original_func)
        return call.with_changes(
            func=cst.Attribute(value=cst.Name(httpx), attr=cst.Name("AsyncClient"))
        )

    # -- helpers -----------------------------------------------------------

    def _report(self, node: cst.Call, label: str, code: str, reason: str) -> None:
        if code in self.enabled and not self.silenced(node, code):
            self.report(node, NOT_FIXED.format(label=label) + reason, code)

    def _forget(self, func: cst.BaseExpression) -> None:
        if isinstance(func, cst.Name) and func not in self._forgotten:
            self._forgotten.add(func)
            remove_unused_import_by_node(self.context, func)


def _inert(node: cst.BaseExpression) -> bool:
    """A constant a client argument can be given at any time: a number, ``True``,
    ``False`` or ``None`` (a string may be a file to load or a URL to parse)."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


def _plain(node: cst.BaseExpression) -> bool:
    """No side effects when evaluated: a name, a dotted name, a literal."""
    if isinstance(node, (cst.Name, cst.Integer, cst.Float, cst.SimpleString)):
        return True
    if isinstance(node, cst.Attribute):
        return _plain(node.value)
    if isinstance(node, cst.Tuple):
        return all(_plain(e.value) for e in node.elements)
    return False
