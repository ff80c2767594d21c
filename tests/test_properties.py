"""Generated async functions with blocking calls put in random places.

For every one: asyncfix never crashes, its output compiles, and a second run
changes nothing.  Bounded (a fixed number of examples, no deadline) so the
suite stays fast; the grammar below is where new shapes of code go.
"""

from __future__ import annotations

import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncfix import fix_source

HEADER = "import time\nimport requests\nfrom time import sleep as nap\n\n\n"

SIMPLE = [
    "time.sleep(0.1)",
    "nap(1)",
    "x = time.sleep(0) or 1",
    "r = requests.get(url)",
    "r = requests.get(url, timeout=5)",
    "data = requests.get(url).json()",
    "requests.post(url, json={'a': 1})",
    "print(requests.get(url).text)",
    "values = [time.sleep(0) for _ in range(2)]",
    "gen = (time.sleep(0) for _ in range(2))",
    "f = lambda: time.sleep(1)",
    "n = len(url)",
    "pass",
]
USES = ["print(r.status_code)", "print(r.text)", "value = r.json()", "return r.content", "r.raise_for_status()"]

line = st.sampled_from(SIMPLE)
AWAITING = ["await time.sleep(2)", "return await requests.get(url).json()"]  # async bodies only


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0, in_async: bool = True) -> list[str]:
    """A list of statement lines (already indented relative to the block)."""
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["line", "line", "use", "if", "for", "try", "with", "def"]))
        if kind == "line" or depth >= 2:
            lines = SIMPLE + AWAITING if in_async else SIMPLE
            out.append(draw(st.sampled_from(lines)))
        elif kind == "use":
            out += ["r = requests.get(url)", draw(st.sampled_from(USES))]
        elif kind == "if":
            out += ["if url:", *("    " + s for s in draw(blocks(depth + 1, in_async)))]
            if draw(st.booleans()):
                out += ["elif requests.get(url).ok:", "    pass"]
        elif kind == "for":
            out += ["for u in [url]:", *("    " + s for s in draw(blocks(depth + 1, in_async)))]
        elif kind == "try":
            out += ["try:", *("    " + s for s in draw(blocks(depth + 1, in_async)))]
            out += [
                draw(
                    st.sampled_from(
                        [
                            "except requests.RequestException:",
                            "except (requests.Timeout, requests.HTTPError):",
                            "except requests.ConnectionError as error:",
                            "except Exception:",
                        ]
                    )
                ),
                "    pass",
            ]
        elif kind == "with":
            out += ["with requests.Session() as s:", "    r2 = s.get(url)", "    print(r2.ok)"]
        else:
            out += ["def inner():", *("    " + s for s in draw(blocks(depth + 1, False)))]
    return out


@st.composite
def modules(draw: st.DrawFn) -> str:
    functions = []
    for index in range(draw(st.integers(1, 2))):
        body = "\n".join("    " + s for s in draw(blocks()))
        functions.append(f"async def handler{index}(url):\n{body}\n")
    return HEADER + "\n\n".join(functions)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    suppress_health_check=[HealthCheck.too_slow],
)
@given(modules())
def test_never_crashes_compiles_and_is_a_fixed_point(source: str) -> None:
    compile(source, "<generated>", "exec")  # the generator itself makes valid code
    first = fix_source(source, filename="generated.py")
    assert first.error is None, f"{first.error}\n{source}"
    compile(first.source, "<fixed>", "exec")
    second = fix_source(first.source, filename="generated.py")
    assert second.error is None
    assert second.source == first.source, textwrap.indent(first.source, "| ")
    # The same calls are still reported (lines moved where the first run fixed others).
    def reasons(result: object) -> list[tuple[str, str]]:
        return sorted((f.code, f.message.split(" (line ")[0]) for f in result.findings)  # type: ignore[attr-defined]

    assert reasons(second) == reasons(first)
