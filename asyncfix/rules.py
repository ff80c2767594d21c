"""What each rule looks for, readable without importing LibCST.

The cheap stages (bytes, then ``ast``) run on every file and must not pay for
importing LibCST (about 0.4 s); they read these declarations.  The fixer class
that implements a rule lives in ``asyncfix/fixers/<module>.py`` and names its
rule by code.  Adding a rule: a line here, its fixer module, its fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Settings

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request")


@dataclass(frozen=True)
class Rule:
    """One rule code and how to tell, cheaply, that a file may need it."""

    code: str
    name: str
    summary: str
    module: str  # the fixer module under asyncfix/fixers/
    # The file must contain ``async`` and one of these byte strings.
    triggers: tuple[bytes, ...]
    # Qualified names of the calls the fixer rewrites.
    targets: frozenset[str]
    # Calls that make objects whose methods are targets too (a requests.Session)...
    receivers: frozenset[str] = frozenset()
    # ...and those methods.
    methods: frozenset[str] = frozenset()
    # Fixers that keep every line where it is run first, so that the line
    # numbers later fixers see are still those of the original file.
    order: int = 0

    @property
    def packages(self) -> frozenset[str]:
        """Top-level packages a module must import for the rule to apply."""
        return frozenset(name.split(".")[0] for name in self.targets | self.receivers)


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            code="ASYNC210",
            name="blocking-http",
            summary="`requests.get()`/... in `async def` -> `aiohttp` `async with` blocks",
            module="requests",
            triggers=(b"requests",),
            targets=frozenset(
                {f"requests.{m}" for m in HTTP_METHODS} | {f"requests.api.{m}" for m in HTTP_METHODS}
            ),
            receivers=frozenset({"requests.Session", "requests.session", "requests.sessions.Session"}),
            methods=frozenset(HTTP_METHODS),
            order=100,  # moves statements
        ),
        Rule(
            code="ASYNC251",
            name="blocking-sleep",
            summary="`time.sleep()` in `async def` -> `await asyncio.sleep()`",
            module="sleep",
            triggers=(b"sleep",),
            targets=frozenset({"time.sleep"}),
        ),
    )
}


def select_rules(settings: Settings) -> list[Rule]:
    """The rules ``settings`` turns on, in run order.

    Raises ValueError for a selector that matches no rule.
    """
    codes = sorted(RULES)
    for selector in (*settings.select, *settings.ignore):
        if not any(_matches(selector, code) for code in codes):
            raise ValueError(f"unknown rule selector {selector!r} (known: {', '.join(codes)})")
    chosen = [
        RULES[code]
        for code in codes
        if any(_matches(s, code) for s in settings.select)
        and not any(_matches(s, code) for s in settings.ignore)
    ]
    return sorted(chosen, key=lambda rule: (rule.order, rule.code))


def _matches(selector: str, code: str) -> bool:
    selector = selector.strip().upper()
    return selector == "ALL" or code.startswith(selector)
