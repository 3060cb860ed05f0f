"""Run one live-test workflow through a generated client's sync functions or through its async ones.

A workflow is written once, as ``async def workflow(d: Driver) -> None``, and calls operations only
through the driver: ``await d.call(op, **kwargs)`` is ``op.sync(client=..., **kwargs)`` in
``"sync"`` mode and ``await op.asyncio(client=..., **kwargs)`` in ``"async"`` mode (likewise
``d.detailed`` for ``sync_detailed`` / ``asyncio_detailed`` and ``d.items`` for ``iterate`` /
``aiterate``). So both modes make exactly the same calls and check exactly the same results.

:func:`run` builds the client (``with`` in sync mode, ``async with`` in async mode), records every
request it sends (``d.requests``: method, path, JSON body) through the client's ``event_hooks``, and
runs the workflow under ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

__all__ = ["MODES", "Driver", "SentRequest", "run"]

MODES = ("sync", "async")


@dataclass(frozen=True)
class SentRequest:
    """One request the client sent (every attempt)."""

    method: str
    path: str
    json: Any


@dataclass
class Driver:
    """The calls of one workflow, in one mode (see module docstring)."""

    mode: str
    client: Any
    requests: list[SentRequest] = field(default_factory=list)

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    async def call(self, op: ModuleType, **kwargs: Any) -> Any:
        """The parsed result of ``op`` (``sync`` / ``asyncio``)."""
        if self.is_async:
            return await op.asyncio(client=self.client, **kwargs)
        return op.sync(client=self.client, **kwargs)

    async def detailed(self, op: ModuleType, **kwargs: Any) -> Any:
        """The full ``Response`` of ``op`` (``sync_detailed`` / ``asyncio_detailed``)."""
        if self.is_async:
            return await op.asyncio_detailed(client=self.client, **kwargs)
        return op.sync_detailed(client=self.client, **kwargs)

    async def items(self, op: ModuleType, **kwargs: Any) -> list[Any]:
        """Every item the pagination helper yields (``iterate`` / ``aiterate``)."""
        if self.is_async:
            return [item async for item in op.aiterate(client=self.client, **kwargs)]
        return list(op.iterate(client=self.client, **kwargs))

    async def close(self) -> None:
        """Close the client the way this mode uses it (``aclose`` / ``close``)."""
        if self.is_async:
            await self.client.aclose()
        else:
            self.client.close()

    def record(self, request: Any) -> None:
        body: Any = None
        content = request.content
        if content and request.headers.get("content-type", "").startswith("application/json"):
            body = json.loads(content)
        self.requests.append(SentRequest(request.method, request.url.path, body))

    def sent(self, method: str, path: str) -> list[SentRequest]:
        """The recorded requests with this method and URL path."""
        return [r for r in self.requests if r.method == method and r.path == path]


Workflow = Callable[[Driver], Awaitable[None]]


def run(
    mode: str,
    client_class: Any,
    workflow: Workflow,
    *,
    base_url: str,
    options: Mapping[str, Any] | None = None,
) -> Driver:
    """Run ``workflow`` with a fresh ``client_class(base_url=..., **options)`` in ``mode``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")

    async def main() -> Driver:
        driver = Driver(mode, None)
        client = client_class(
            base_url=base_url,
            event_hooks={"request": [driver.record]},
            **dict(options or {}),
        )
        driver.client = client
        if mode == "async":
            async with client:
                await workflow(driver)
        else:
            with client:
                await workflow(driver)
        return driver

    return asyncio.run(main())
