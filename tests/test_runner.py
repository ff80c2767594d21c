"""What a run does to the process it runs in (asyncfix/runner.py)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from asyncfix import runner


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_what_is_imported_is_frozen_once_and_again_after_an_import(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    monkeypatch.setattr(runner, "_modules_frozen", 0)
    runner._freeze_imports()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == runner.YOUNG_OBJECTS
    gc.unfreeze()
    runner._freeze_imports()  # nothing imported since: nothing frozen
    assert gc.get_freeze_count() == 0
    monkeypatch.setitem(sys.modules, "asyncfix_test_module", sys.modules[__name__])
    runner._freeze_imports()
    assert gc.get_freeze_count() > 0
