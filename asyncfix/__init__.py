"""asyncfix: fix blocking calls inside ``async def``, report the ones it cannot.

The public API::

    from asyncfix import fix_source, Settings

    result = fix_source(code, filename="bot.py", settings=Settings(select=("ASYNC251",)))
    result.source    # the new code (unchanged if nothing could be fixed)
    result.fixes     # what was rewritten
    result.findings  # blocking calls left as they are, each with the reason
"""

from __future__ import annotations

__version__ = "0.1.0"

from .engine import fix_source
from .model import BlockingCall, Finding, Fix, FixResult, Settings

__all__ = ["BlockingCall", "Finding", "Fix", "FixResult", "Settings", "__version__", "fix_source"]
