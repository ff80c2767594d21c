"""What a run does to the process it runs in (asyncfix/runner.py)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asyncfix import Settings, cli, runner
from asyncfix.model import FileResult


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


@pytest.mark.usefixtures("collector")
@pytest.mark.parametrize("tune_gc", [False, True])
def test_only_a_run_asked_to_tunes_this_process(
    tune_gc: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a.py"
    source.write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
    gc.unfreeze()
    monkeypatch.setattr(runner, "_modules_frozen", 0)
    job = runner.Job(str(source), "a.py", write=False, diff=False)
    [result] = runner.run_all([job], Settings(), workers=1, tune_gc=tune_gc)
    assert [fix.code for fix in result.fixes] == ["ASYNC251"]
    assert (gc.get_freeze_count() > 0) == tune_gc


@pytest.mark.usefixtures("collector")
def test_only_the_asyncfix_command_tunes_its_own_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    asked: list[bool] = []
    real_run_all = cli.run_all

    def spy(*args: Any, **kwargs: Any) -> Iterator[FileResult]:
        asked.append(kwargs["tune_gc"])
        return real_run_all(*args, **kwargs)

    monkeypatch.setattr(cli, "run_all", spy)
    monkeypatch.setattr(cli, "_own_process", False)
    assert CliRunner().invoke(cli.main, ["--check", "-q", str(tmp_path)]).exit_code == 0
    monkeypatch.setattr(sys, "argv", ["asyncfix", "--check", "-q", str(tmp_path)])
    with pytest.raises(SystemExit) as stop:
        cli.entry()  # the `asyncfix` command and `python -m asyncfix`
    assert stop.value.code == 0
    assert asked == [False, True]  # a caller's process (here pytest's) is left alone
