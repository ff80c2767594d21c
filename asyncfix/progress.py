"""A progress bar on stderr for runs that take a while.

It appears only when the run over the files is still going after
:data:`DELAY` seconds (a warm or small run never shows it), and only when
both stdout and stderr are terminals: with ``| less`` or ``> out.txt`` a bar
would garble the pager or sit between the lines of a log.  ``-q`` turns it
off.  Lines printed while it is shown first clear it; it is drawn again on the
next file.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

# Seconds a run must last before the bar appears.
DELAY = 1.0
CLEAR_LINE = "\r\x1b[K"
SHOW_CURSOR = "\x1b[?25h"  # click hides it while the bar is drawn


def on_terminal() -> bool:
    """Both streams are terminals (the tests replace this)."""
    return sys.stdout.isatty() and sys.stderr.isatty()


class Progress:
    """Counts the files done and, once the run is long enough, shows the count as a bar."""

    def __init__(
        self,
        total: int,
        *,
        enabled: bool,
        label: str = "Checking",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.enabled = enabled and total > 0
        self.label = label
        self.done = 0
        self._clock = clock
        self._start = clock()
        self._bar: ProgressBar[int] | None = None

    @classmethod
    def for_run(cls, total: int, *, quiet: bool, label: str = "Checking") -> Progress:
        """A bar that shows on a terminal when not ``quiet``."""
        return cls(total, enabled=not quiet and on_terminal(), label=label)

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def advance(self) -> None:
        """One more file done; draws the bar once the run has lasted :data:`DELAY`."""
        self.done += 1
        if self._bar is None:
            if not self.enabled or self._clock() - self._start < DELAY:
                return
            self._bar = click.progressbar(
                length=self.total,
                label=self.label,
                file=sys.stderr,
                show_pos=True,
                width=30,
                color=True,  # cursor codes, not colours: we are on a terminal
            )
            self._bar.update(self.done)
            return
        self._bar.update(1)

    def clear(self) -> None:
        """Wipe the bar's line before other output goes to the terminal."""
        if self._bar is not None:
            click.echo(CLEAR_LINE, nl=False, err=True, color=True)

    def close(self) -> None:
        """Remove the bar (the summary line takes its place) and show the cursor again."""
        if self._bar is None:
            return
        self._bar = None
        click.echo(CLEAR_LINE + SHOW_CURSOR, nl=False, err=True, color=True)
