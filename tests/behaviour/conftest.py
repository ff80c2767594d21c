"""The slow server, one per test module that asks for ``env``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import Env
from .server import closed_port_url, serving


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    upload = tmp_path_factory.mktemp("uploads") / "weekly.txt"
    upload.write_text("rows: 3\nstalls: 0\n")
    with pytest.MonkeyPatch.context() as patch:
        # A proxy configured on the machine must not see the test traffic
        # (requests honours these variables; aiohttp without trust_env does not).
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, "127.0.0.1,localhost")
        with serving() as server:
            local = server.url.replace("127.0.0.1", "localhost")
            yield Env(server.url, local, closed_port_url(), upload)
