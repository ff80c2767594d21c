"""A library call the project's config lists as blocking (``blocking-calls`` with offload).

``crunch`` stands for the slow, plain-result calls real projects hand to a
worker thread: it holds the thread it runs on for ``NAP`` seconds, then
returns a value built from its arguments.
"""

from __future__ import annotations

import time

NAP = 0.2  # seconds crunch holds the calling thread


def crunch(n: int, *, scale: int = 1) -> dict[str, int]:
    """``n`` squared times ``scale``, after ``NAP`` seconds of blocking work."""
    if n < 0:
        raise ValueError(f"cannot crunch {n}")
    time.sleep(NAP)
    return {"n": n, "value": n * n * scale}
