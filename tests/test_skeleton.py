"""Big modules go to LibCST as a skeleton (asyncfix/skeleton.py): the result must be the same."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from asyncfix import Settings, skeleton, transform
from asyncfix.rules import RULES

FIXTURES = Path(__file__).parent / "fixtures"
RULES_FOR_SKELETON = [RULES["blocking"], RULES["sleep"]]

FILLER = textwrap.dedent(
    """\

    def helper_{n}(value):
        # a comment
        total = time.monotonic() + len(value)
        return os.path.join(str(total), "x")


    class Thing{n}:
        def method(self):
            return '''a
    multi-line string'''

        async def tick(self):
            return await asyncio.sleep(0)
    """
)


def _combined(directory: str, chunk: int, size: int) -> str:
    """Fixture inputs (without settings of their own) and filler, one module."""
    cases = sorted(
        p
        for p in (FIXTURES / directory).glob("*.py")
        if not p.name.endswith(".expected.py") and not p.with_suffix(".settings.toml").exists()
    )
    parts = ["import asyncio\nimport os\nimport time\n"]
    for n, path in enumerate(cases[chunk * size : (chunk + 1) * size]):
        parts.append(path.read_text(encoding="utf-8"))
        parts.append(FILLER.format(n=n))
    return "\n\n".join(parts)


def _both(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    monkeypatch.setattr(skeleton, "MIN_LINES", 0)
    assert skeleton.make(source, RULES_FOR_SKELETON) is not None
    thin = transform.run(source, "m.py", Settings(), RULES_FOR_SKELETON)
    monkeypatch.setattr(skeleton, "MIN_LINES", 10**9)
    whole = transform.run(source, "m.py", Settings(), RULES_FOR_SKELETON)
    return thin, whole


@pytest.mark.parametrize(
    ("directory", "chunk"),
    [("sleep", 0), ("blocking", 0), ("blocking", 2)],
)
def test_the_skeleton_gives_what_the_whole_module_gives(
    directory: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _combined(directory, chunk, 25)
    thin, whole = _both(source, monkeypatch)
    assert thin == whole


def test_a_crlf_module_too(monkeypatch: pytest.MonkeyPatch) -> None:
    source = _combined("sleep", 0, 10).replace("\n", "\r\n")
    thin, whole = _both(source, monkeypatch)
    assert thin == whole
    assert thin.changed  # type: ignore[attr-defined]


SMALL = textwrap.dedent(
    """\
    import time


    def untouched():
        return time.monotonic()


    async def handler():
        time.sleep(1)


    class Idle:
        def wait(self):
            time.sleep(2)
    """
)


def test_bodies_without_work_are_stubbed_line_for_line() -> None:
    outline = skeleton.make(SMALL, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines()
    assert len(lines) == len(SMALL.splitlines())
    assert lines[4].startswith("    time,  # ")  # the imported name it used stays named
    assert lines[7:9] == ["async def handler():", "    time.sleep(1)"]
    assert lines[12].startswith("    time,  # ")  # the class body is stubbed too
    assert outline.stubbed == frozenset({4, 12, 13})


def test_the_merge_takes_unchanged_lines_from_the_original() -> None:
    outline = skeleton.make(SMALL, RULES_FOR_SKELETON)
    assert outline is not None
    fixed = outline.text.replace("    time.sleep(1)", "    await asyncio.sleep(1)")
    fixed = "import asyncio\n" + fixed
    assert outline.merge(SMALL, fixed) == "import asyncio\n" + SMALL.replace(
        "    time.sleep(1)", "    await asyncio.sleep(1)"
    )


def test_a_change_on_a_stubbed_line_refuses_the_merge() -> None:
    outline = skeleton.make(SMALL, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines(keepends=True)
    lines[13] = "# changed\n"
    assert outline.merge(SMALL, "".join(lines)) is None


def test_a_global_statement_means_no_skeleton() -> None:
    source = SMALL + "\n\ndef rebind():\n    global time\n    time = None\n"
    assert skeleton.make(source, RULES_FOR_SKELETON) is None


def test_an_import_dropped_but_still_used_is_caught() -> None:
    merged = SMALL.replace("import time\n", "")
    assert skeleton.imports_kept(SMALL, merged) is False
    assert skeleton.imports_kept(SMALL, SMALL) is True
