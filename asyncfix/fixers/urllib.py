"""ASYNC210 for ``urllib.request.urlopen``: -> aiohttp, where the uses map.

Two shapes are rewritten, the ones scripts and bots use:

    with urlopen(url, timeout=5) as r:        body = urlopen(url).read()
        body = r.read()                       data = json.load(urlopen(url))
        status = r.status

become an ``aiohttp.ClientSession(trust_env=True, raise_for_status=True)``
(urllib reads proxies from the environment and raises ``HTTPError`` for an
error status) around ``session.get(url)``, with ``await r.read()``.  Only
``read()``, ``status``/``code``/``getcode()``, ``reason``, ``headers.get()`` and
``json.load(r)`` are mapped; any other use, a ``Request`` object (the URL must
be provably a string), ``data=``, or a ``try`` whose handlers expect urllib's
exceptions: reported.  So is a body read twice or in a loop (urllib gives it
once, then ``b""``; aiohttp's ``read()`` gives it every time), and a URL whose
literal start shows a scheme other than http/https (urllib opens ``file:``,
``ftp:``, ``data:``; aiohttp refuses them).  A scheme that cannot be seen (a
parameter, a computed string) is not checked.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Callable

import libcst as cst
from libcst.metadata import Assignment, QualifiedNameSource

from ..scope import Frame
from . import (
    Fixer,
    Layout,
    Scopes,
    add_needed_import,
    nodes_of,
    register,
    remove_unused_import_by_node,
)

TARGET = "urllib.request.urlopen"
NOT_FIXED = "`urlopen()` blocks the event loop; not fixed: "
Replace = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Plan:
    """One urlopen call to rewrite: what replaces what."""

    call: cst.Call
    url: cst.BaseExpression
    timeout: cst.BaseExpression | None
    response: str
    session: str
    # original node -> how to rewrite its updated form
    replacements: dict[cst.CSTNode, Replace] = field(default_factory=dict)
    # the calls that read the body: urllib gives it once (then b""), aiohttp every time
    reads: list[cst.Call] = field(default_factory=list)


@register
class UrlopenFixer(Fixer):
    key = "urllib"
    code = "ASYNC210"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._statements: list[cst.SimpleStatementLine] = []
        self._by_statement: dict[cst.CSTNode, Plan] = {}
        self._by_with: dict[cst.CSTNode, Plan] = {}
        self._replacements: dict[cst.CSTNode, Replace] = {}
        self._conflicts: set[cst.CSTNode] = set()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        self._statements.append(node)
        if sum(self._is_urlopen(call) for call in nodes_of(node, cst.Call)) > 1:
            self._conflicts.add(node)
        return True

    def visit_With(self, node: cst.With) -> bool:
        # Plan before the body is walked: its uses of the response change.
        if len(node.items) == 1 and isinstance(node.items[0].item, cst.Call):
            call = node.items[0].item
            if self._is_urlopen(call) and self._wanted(call):
                plan, reason = self._plan_with(node, call)
                if plan is None:
                    self.report(call, NOT_FIXED + (reason or "no safe rewrite"))
                else:
                    self._by_with[node] = plan
                    self._replacements.update(plan.replacements)
        return True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replace = self._replacements.pop(original_node, None)
        if replace is not None:
            result = replace(updated_node)
            assert isinstance(result, cst.BaseExpression)
            return result
        if not self._is_urlopen(original_node) or not self._wanted(original_node):
            return updated_node
        if isinstance(self.parent(original_node), cst.WithItem):
            return updated_node  # planned (or reported) in visit_With
        plan, reason = self._plan_statement(original_node)
        if plan is None:
            self.report(original_node, NOT_FIXED + (reason or "no safe rewrite"))
            return updated_node
        statement = self._statements[-1]
        plan.url, plan.timeout = self._url_timeout(updated_node)
        self._by_statement[statement] = plan
        self._replacements.update(plan.replacements)
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        replace = self._replacements.pop(original_node, None)
        if replace is None:
            return updated_node
        result = replace(updated_node)
        assert isinstance(result, cst.BaseExpression)
        return result

    # -- which calls -------------------------------------------------------

    def _is_urlopen(self, call: cst.Call) -> bool:
        names = self.qualified_names(call.func)
        return bool(names) and all(
            q.name == TARGET and q.source is QualifiedNameSource.IMPORT for q in names
        )

    def _wanted(self, call: cst.Call) -> bool:
        return (
            self.async_context().in_async
            and "ASYNC210" in self.enabled
            and not self.silenced(call, "ASYNC210")
        )

    def _common_problem(self, call: cst.Call) -> str | None:
        where = self.async_context()
        if where.blocker is not None:
            return f"it is inside {where.blocker}"
        if self.loop != "asyncio":
            return f"aiohttp runs only on asyncio and this module uses {self.loop}"
        if self.loop_problem is not None:
            return self.loop_problem
        if any(frame is Frame.COMPREHENSION for frame in self.frames):
            return "it is inside a comprehension: one session would serve every request"
        if self.awaited(call):
            return "it is already awaited"
        if any(arg.star for arg in call.args):
            return "`*args`/`**kwargs` cannot be checked"
        positional = [a for a in call.args if a.keyword is None]
        keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
        if len(positional) > 1 or "data" in keywords:
            return "`data` (a POST body) has no checked aiohttp counterpart here"
        unknown = sorted(set(keywords) - {"url", "timeout"})
        if unknown:
            return f"`{unknown[0]}=` has no checked aiohttp counterpart here"
        if not positional and "url" not in keywords:
            return "no URL"
        url = positional[0].value if positional else keywords["url"].value
        if not self._is_text(url):
            hint = ""
            if isinstance(url, cst.Name) and self._unannotated_parameter(url):
                hint = " (annotate the parameter `: str`)"
            return "cannot tell that the URL is a string and not a `urllib.request.Request`" + hint
        scheme = self._scheme(url)
        if scheme is not None and scheme.lower() not in ("http", "https"):
            return (
                f"the URL's scheme is `{scheme}:`; aiohttp fetches only http:// and https:// "
                "URLs (urllib also opens `file:`, `ftp:` and `data:` ones)"
            )
        timeout = keywords["timeout"].value if "timeout" in keywords else None
        if timeout is not None and not _plain(timeout):
            return "the timeout expression would be evaluated twice (connect and read)"
        handler = self._enclosing_handler(call)
        if handler is not None:
            return "a `try` around it expects urllib's exceptions (`URLError`, `HTTPError`)"
        for module in ("aiohttp",):
            if self.module_reference(call, module) is None:
                return f"the name `{module}` means something else here"
        return None

    def _whole_value(self, call: cst.Call, statement: cst.SimpleStatementLine) -> bool:
        """``urlopen(u).read()`` (or ``json.load(urlopen(u))``), maybe with methods and
        subscripts after it, is all a statement computes: nothing runs before it."""
        node: cst.CSTNode = call
        parent = self.parent(node)
        if isinstance(parent, cst.Arg):  # json.load(urlopen(u))
            node = self.parent(parent) or node
        elif isinstance(parent, cst.Attribute):  # urlopen(u).read()
            node = self.parent(parent) or node
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                grand = self.parent(parent)
                if isinstance(grand, cst.Call) and grand.func is parent:
                    if any(nodes_of(arg.value, cst.Call) for arg in grand.args):
                        return False
                    node = grand
                else:
                    node = parent
            elif isinstance(parent, cst.Subscript) and parent.value is node:
                node = parent
            else:
                break
        small = statement.body[0]
        if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            return small.value is node and not isinstance(small, cst.AugAssign)
        return isinstance(small, (cst.Return, cst.Expr)) and small.value is node

    def _enclosing_handler(self, node: cst.CSTNode) -> cst.Try | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, cst.FunctionDef):
            if isinstance(current, (cst.Try, cst.TryStar)) and current.handlers:
                return current  # type: ignore[return-value]
            current = self.parent(current)
        return None

    def _unannotated_parameter(self, name: cst.Name) -> bool:
        scope = self.get_metadata(Scopes, name, None)
        assignments = list(scope[name.value]) if scope is not None else []
        return (
            len(assignments) == 1
            and isinstance(assignments[0], Assignment)
            and isinstance(assignments[0].node, cst.Param)
            and assignments[0].node.annotation is None
        )

    def _is_text(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """``node`` surely evaluates to a ``str``."""
        if isinstance(node, cst.SimpleString):
            return "b" not in node.prefix.lower()
        if isinstance(node, (cst.FormattedString, cst.ConcatenatedString)):
            return not isinstance(node, cst.ConcatenatedString) or self._is_text(node.left)
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.Add, cst.Modulo)
        ):
            return self._is_text(node.left) or (
                isinstance(node.operator, cst.Add) and self._is_text(node.right)
            )
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "format"
        ):
            return self._is_text(node.func.value)
        if isinstance(node, cst.Name) and depth < 3:
            scope = self.get_metadata(Scopes, node, None)
            assignments = list(scope[node.value]) if scope is not None else []
            if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
                return False
            bound = assignments[0].node
            if isinstance(bound, cst.Param):
                annotation = bound.annotation
                return annotation is not None and (
                    isinstance(annotation.annotation, cst.Name)
                    and annotation.annotation.value == "str"
                )
            assigned = self.assigned_value(node)
            if assigned is not None:
                return self._is_text(assigned, depth + 1)
        return False

    def _scheme(self, url: cst.BaseExpression) -> str | None:
        """The URL's scheme when its literal start shows it (None: cannot tell)."""
        start, _ = self._literal_start(url)
        head, colon, _ = start.lstrip().partition(":")
        if not colon or not head or any(c in head for c in "/?#"):
            return None  # no scheme written (or only part of it)
        return head

    def _literal_start(self, node: cst.BaseExpression, depth: int = 0) -> tuple[str, bool]:
        """The text ``node`` surely starts with, and whether that is all of it."""
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return (value, True) if isinstance(value, str) else ("", False)
        if isinstance(node, cst.FormattedString):
            # the literal text before the first replacement field, escapes decoded
            first = node.parts[0] if node.parts else None
            raw = first.value if isinstance(first, cst.FormattedStringText) else ""
            cut = min((raw.index(c) for c in "{}" if c in raw), default=len(raw))
            prefix = node.prefix.lower().replace("f", "")
            try:
                text = ast.literal_eval(f"{prefix}{node.end}{raw[:cut]}{node.end}")
            except (SyntaxError, ValueError):
                return "", False
            whole = len(node.parts) == 1 and cut == len(raw)
            return (text, whole) if isinstance(text, str) else ("", False)
        if isinstance(node, cst.ConcatenatedString):
            left, whole = self._literal_start(node.left, depth)
            if not whole:
                return left, False
            right, whole = self._literal_start(node.right, depth)
            return left + right, whole
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, whole = self._literal_start(node.left, depth)
            if not whole:
                return left, False
            right, whole = self._literal_start(node.right, depth)
            return left + right, whole
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
            left, _ = self._literal_start(node.left, depth)
            return left.split("%")[0], False
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "format"
        ):
            left, _ = self._literal_start(node.func.value, depth)
            return left.split("{")[0].split("}")[0], False
        if isinstance(node, cst.Name) and depth < 3:
            assigned = self.assigned_value(node)
            if assigned is not None:
                return self._literal_start(assigned, depth + 1)
        return "", False

    # -- with urlopen(url) as r: ---------------------------------------------

    def _plan_with(self, node: cst.With, call: cst.Call) -> tuple[Plan | None, str | None]:
        reason = self._common_problem(call)
        if reason is not None:
            return None, reason
        if node.asynchronous is not None:
            return None, "it is already in an async `with`"
        item = node.items[0]
        if item.asname is None or not isinstance(item.asname.name, cst.Name):
            return None, "the response is not bound to a name"
        name = item.asname.name
        scope = self.get_metadata(Scopes, name, None)
        if scope is None:
            return None, "no scope"
        bindings = [a for a in scope.assignments[name.value] if isinstance(a, Assignment)]
        if len(bindings) != 1 or bindings[0].node is not name:
            return None, f"the name `{name.value}` is bound more than once"
        session = self.fresh_name(node, ("session", "http_session", "aiohttp_session"))
        plan = Plan(call, *self._url_timeout(call), response=name.value, session=session)
        for access in bindings[0].references:
            problem = self._map_use(access.node, node.body, plan)
            if problem is not None:
                return None, problem
        if any(
            not self._exclusive(first, second, node)
            for index, first in enumerate(plan.reads)
            for second in plan.reads[index + 1 :]
        ):
            return None, (
                "the body is read more than once: urllib gives it once then `b\"\"`, "
                "aiohttp's `read()` gives it every time"
            )
        for read in plan.reads:
            if self._in_loop(read, node):
                return None, (
                    "the body is read in a loop: urllib gives it once then `b\"\"`, "
                    "aiohttp's `read()` gives it every time (the loop would not end)"
                )
        return plan, None

    def _exclusive(self, first: cst.CSTNode, second: cst.CSTNode, block: cst.With) -> bool:
        """At most one of two reads runs: other branches of an ``if``, or one is a ``return``'s value.

        ``return r.read()`` (or ``return json.load(r)``), with no ``try`` or
        ``with`` between it and the response's block that could go on after
        it, ends the function: a read below it never runs after it.
        """
        for read in (first, second):
            statement = self.parent(read)
            other = second if read is first else first
            if not (isinstance(statement, cst.Return) and statement.value is read):
                continue
            after = self.get_metadata(Layout, other).start
            end = self.get_metadata(Layout, statement).end
            if (after.line, after.column) < (end.line, end.column):
                continue
            between = self._ancestors(statement)
            between = between[: between.index(block)] if block in between else between
            if not any(isinstance(node, (cst.Try, cst.TryStar, cst.With)) for node in between):
                return True
        branch = self.parent(first)
        while branch is not None:
            if isinstance(branch, cst.If) and branch.orelse is not None:
                arms = (branch.body, branch.orelse)
                inside = [arm for arm in arms if self.contains(arm, first)]
                if inside and not self.contains(inside[0], second) and self.contains(branch, second):
                    return not self.contains(branch.test, second)
            branch = self.parent(branch)
        return False

    def _ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        found: list[cst.CSTNode] = []
        current = self.parent(node)
        while current is not None:
            found.append(current)
            current = self.parent(current)
        return found

    def _in_loop(self, node: cst.CSTNode, block: cst.With) -> bool:
        """``node`` may run more than once for one run of ``block``."""
        current = self.parent(node)
        while current is not None and current is not block:
            if isinstance(current, (cst.For, cst.While)):
                return True
            current = self.parent(current)
        return False

    def _map_use(self, use: cst.CSTNode, body: cst.CSTNode, plan: Plan) -> str | None:
        if not self.contains(body, use):
            return (
                f"`{plan.response}` is used after the `with` block (aiohttp's response is closed)"
            )
        if self.get_metadata(Scopes, use, None) is not self.get_metadata(
            Scopes, plan.call, None
        ):
            return f"`{plan.response}` is used in a nested function, lambda or comprehension"
        if self.shown_in_fstring(use):
            return f"`{plan.response}` is used inside {Frame.SHOWN.value}"
        parent = self.parent(use)
        if isinstance(parent, cst.Arg):
            return self._json_load(parent, plan)
        if not isinstance(parent, cst.Attribute) or parent.value is not use:
            return (
                f"`{plan.response}` is iterated or passed on; only `read()`, `status`, `reason`, "
                f"`headers.get()` and `json.load({plan.response})` map"
            )
        member = parent.attr.value
        called = self.parent(parent)
        is_call = isinstance(called, cst.Call) and called.func is parent
        if member == "read" and is_call:
            assert isinstance(called, cst.Call)
            if called.args:
                return "`read(n)` reads part of the body; aiohttp's `read()` takes no size"
            if self.parent(called) is not None and isinstance(self.parent(called), cst.Await):
                return "the read is already awaited"
            plan.replacements[called] = self._awaiting(called)
            plan.reads.append(called)
            return None
        if member in ("status", "reason") and not is_call:
            return None
        if member == "code" and not is_call:
            plan.replacements[parent] = lambda n: n.with_changes(attr=cst.Name("status"))
            return None
        if member == "getcode" and is_call:
            assert isinstance(called, cst.Call)
            if called.args:
                return "`getcode()` takes no arguments"
            plan.replacements[called] = lambda n: cst.Attribute(
                value=cst.Name(plan.response), attr=cst.Name("status")
            )
            return None
        if member == "headers" and not is_call:
            getter = self.parent(parent)
            use_of = self.parent(getter) if getter is not None else None
            if (
                isinstance(getter, cst.Attribute)
                and getter.attr.value == "get"
                and isinstance(use_of, cst.Call)
                and use_of.func is getter
            ):
                return None
            return "`headers` is used other than by `.get()` (a missing header raises in aiohttp)"
        return f"`{plan.response}.{member}` has no checked aiohttp counterpart"

    def _json_load(self, arg: cst.Arg, plan: Plan) -> str | None:
        load = self.parent(arg)
        if (
            not isinstance(load, cst.Call)
            or len(load.args) != 1
            or arg.keyword is not None
            or arg.star
            or not isinstance(load.func, cst.Attribute)
            or {q.name for q in self.qualified_names(load.func)} != {"json.load"}
        ):
            return f"`{plan.response}` is passed on; only `json.load({plan.response})` maps"
        plan.replacements[load] = self._json_loads(plan)
        plan.reads.append(load)
        return None

    def _json_loads(self, plan: Plan) -> Replace:
        def replace(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            read = cst.Await(
                cst.Call(cst.Attribute(value=cst.Name(plan.response), attr=cst.Name("read")))
            )
            return node.with_changes(
                func=node.func.with_changes(attr=cst.Name("loads")), args=[cst.Arg(read)]
            )

        return replace

    def _awaiting(self, original: cst.Call) -> Replace:
        parens = self.needs_parentheses(original)

        def replace(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.Call)
            lpar = [cst.LeftParen()] if parens and not node.lpar else node.lpar
            rpar = [cst.RightParen()] if parens and not node.rpar else node.rpar
            return cst.Await(node.with_changes(lpar=[], rpar=[]), lpar=lpar, rpar=rpar)

        return replace

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        plan = self._by_with.pop(original_node, None)
        if plan is None:
            return updated_node
        item = updated_node.items[0].item
        assert isinstance(item, cst.Call)
        plan.url, plan.timeout = self._url_timeout(item)  # with what was fixed inside
        self.record_fix(plan.call, "`urlopen()` -> aiohttp `async with` blocks")
        inner = updated_node.with_changes(
            asynchronous=cst.Asynchronous(),
            items=[updated_node.items[0].with_changes(item=self._request(plan))],
            leading_lines=[],
        )
        return self._session_block(plan, inner, updated_node.leading_lines)

    # -- body = urlopen(url).read() ------------------------------------------

    def _plan_statement(self, call: cst.Call) -> tuple[Plan | None, str | None]:
        reason = self._common_problem(call)
        if reason is not None:
            return None, reason
        if not self._statements:
            return None, "it is not part of a simple statement"
        statement = self._statements[-1]
        if statement in self._conflicts:
            return None, "two requests in one statement"
        if not self._whole_value(call, statement):
            return None, (
                "the request would move ahead of the rest of its statement; "
                "give it a statement of its own (`body = urlopen(url).read()`)"
            )
        if len(statement.body) != 1 or not isinstance(self.parent(statement), cst.IndentedBlock):
            return None, "the statement shares its line with another"
        response = self.fresh_name(statement, ("resp", "response", "http_response"))
        session = self.fresh_name(statement, ("session", "http_session", "aiohttp_session"))
        plan = Plan(call, *self._url_timeout(call), response=response, session=session)
        parent = self.parent(call)
        if isinstance(parent, cst.Arg):
            return (None, reason) if (reason := self._json_load(parent, plan)) else (plan, None)
        read = self.parent(parent) if isinstance(parent, cst.Attribute) else None
        if (
            isinstance(parent, cst.Attribute)
            and parent.attr.value == "read"
            and isinstance(read, cst.Call)
            and read.func is parent
            and not read.args
            and not isinstance(self.parent(read), cst.Await)
        ):
            awaiting = self._awaiting(read)

            def replace(node: cst.CSTNode) -> cst.CSTNode:
                assert isinstance(node, cst.Call)
                plain = cst.Call(cst.Attribute(value=cst.Name(response), attr=cst.Name("read")))
                return awaiting(plain.with_changes(lpar=node.lpar, rpar=node.rpar))

            plan.replacements[read] = replace
            return plan, None
        return None, "only `urlopen(url).read()` and `json.load(urlopen(url))` map in an expression"

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        self._statements.pop()
        self._conflicts.discard(original_node)
        plan = self._by_statement.pop(original_node, None)
        if plan is None:
            return updated_node
        self.record_fix(plan.call, "`urlopen()` -> aiohttp `async with` blocks")
        inner = cst.With(
            items=[cst.WithItem(self._request(plan), asname=cst.AsName(cst.Name(plan.response)))],
            body=cst.IndentedBlock([updated_node.with_changes(leading_lines=[])]),
            asynchronous=cst.Asynchronous(),
        )
        return self._session_block(plan, inner, updated_node.leading_lines)

    # -- building ----------------------------------------------------------

    def _url_timeout(self, call: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression | None]:
        positional = [a.value for a in call.args if a.keyword is None]
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        url = positional[0] if positional else keywords["url"]
        return url, keywords.get("timeout")

    def _request(self, plan: Plan) -> cst.Call:
        args = [cst.Arg(plan.url)]
        if plan.timeout is not None:
            aiohttp = self._aiohttp(plan.call)
            if isinstance(plan.timeout, cst.Name) and plan.timeout.value == "None":
                timeout_args = [_keyword("total", cst.Name("None"))]
            else:
                timeout_args = [
                    _keyword("sock_connect", plan.timeout),
                    _keyword("sock_read", plan.timeout),
                ]
            timeout = cst.Call(
                cst.Attribute(value=cst.Name(aiohttp), attr=cst.Name("ClientTimeout")),
                args=_commas(timeout_args),
            )
            args.append(_keyword("timeout", timeout))
        return cst.Call(
            cst.Attribute(value=cst.Name(plan.session), attr=cst.Name("get")), args=_commas(args)
        )

    def _session_block(
        self, plan: Plan, inner: cst.With, leading: Sequence[cst.EmptyLine]
    ) -> cst.With:
        aiohttp = self._aiohttp(plan.call)
        if isinstance(plan.call.func, (cst.Name, cst.Attribute)):
            remove_unused_import_by_node(self.context, plan.call.func)
        session = cst.Call(
            cst.Attribute(value=cst.Name(aiohttp), attr=cst.Name("ClientSession")),
            args=_commas(
                [
                    _keyword("trust_env", cst.Name("True")),
                    _keyword("raise_for_status", cst.Name("True")),
                ]
            ),
        )
        return cst.With(
            items=[cst.WithItem(session, asname=cst.AsName(cst.Name(plan.session)))],
            body=cst.IndentedBlock([inner]),
            asynchronous=cst.Asynchronous(),
            leading_lines=leading,
        )

    def _aiohttp(self, node: cst.CSTNode) -> str:
        reference = self.module_reference(node, "aiohttp") or "aiohttp"
        if reference == "aiohttp":
            add_needed_import(self.context, "aiohttp")
        return reference


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    tight = cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )
    return cst.Arg(value, keyword=cst.Name(name), equal=tight)


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=comma) if i < len(args) - 1 else a for i, a in enumerate(args)]


def _plain(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Name, cst.Integer, cst.Float)):
        return True
    return isinstance(node, cst.Attribute) and _plain(node.value)
