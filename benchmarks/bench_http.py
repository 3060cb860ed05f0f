"""(c) Per-call overhead against a loopback HTTP server: our client vs raw httpx (and OPC's client).

A threaded HTTP/1.1 keep-alive server on 127.0.0.1 (an ephemeral port, stopped at the end) serves
prebuilt JSON: one Run for ``getRun`` and 20 Runs for ``listRuns``. Every client shares the same
``httpx.Client`` / ``httpx.AsyncClient`` instance (same keep-alive pool, timeouts, headers), so
the difference is what the generated code adds: building the request, auth, status dispatch and
decoding into models. ``raw httpx`` is ``client.get(url).json()`` (no models).

Implementations alternate in batches; each figure is the median over rounds of (batch time /
calls in the batch).

    python benchmarks/bench_http.py [-n 15] [--batch 100]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    add_worker_args,
    ensure_opc_env,
    fmt_ratio,
    machine_note,
    median,
    prepare_clients,
    print_table,
    run_worker,
    verdict,
)

WS, RUN = "ws-000001", "run-00000000"  # RUN is the first payload item's runId
TOKEN = "bench-token"
TARGETS = {"get_run": 1.05, "list_runs": 1.3}  # ours / raw httpx, per call


def _responses(list_size: int) -> dict[str, bytes]:
    import _payloads

    runs = _payloads.items("runs", list_size)
    bodies = {
        f"/v1/workspaces/{WS}/runs/{RUN}": json.dumps(runs[0]).encode(),
        f"/v1/workspaces/{WS}/runs": json.dumps({"items": runs, "nextCursor": "c2"}).encode(),
    }
    out = {}
    for path, body in bodies.items():
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        )
        out[path] = head.encode() + body
    return out


def start_server(list_size: int) -> ThreadingHTTPServer:
    responses = _responses(list_size)
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            # one write per response: no Nagle/delayed-ACK stalls between headers and body
            self.wfile.write(responses.get(self.path.split("?", 1)[0], missing))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _sync_batch(call: Callable[[], Any], batch: int) -> float:
    t0 = time.perf_counter()
    for _ in range(batch):
        call()
    return (time.perf_counter() - t0) / batch


async def _async_batch(call: Callable[[], Awaitable[Any]], batch: int) -> float:
    t0 = time.perf_counter()
    for _ in range(batch):
        await call()
    return (time.perf_counter() - t0) / batch


def worker(args: argparse.Namespace) -> int:
    import httpx

    for entry in (args.ours_path, args.opc_path):
        if entry:
            sys.path.insert(0, entry)
    server = start_server(args.list_size)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    options: dict[str, Any] = {
        "base_url": base_url,
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        "timeout": httpx.Timeout(10.0),
        "limits": httpx.Limits(max_keepalive_connections=10, keepalive_expiry=30.0),
    }
    http = httpx.Client(**options)
    ahttp = httpx.AsyncClient(**options)
    run_path, list_path = f"/v1/workspaces/{WS}/runs/{RUN}", f"/v1/workspaces/{WS}/runs"

    sync_calls: dict[str, dict[str, Callable[[], Any]]] = {
        "get_run": {"raw httpx": lambda: http.get(run_path).json()},
        "list_runs": {"raw httpx": lambda: http.get(list_path).json()},
    }
    async_calls: dict[str, dict[str, Callable[[], Awaitable[Any]]]] = {
        "get_run": {},
        "list_runs": {},
    }

    async def raw_get(path: str) -> Any:
        return (await ahttp.get(path)).json()

    async_calls["get_run"]["raw httpx"] = lambda: raw_get(run_path)
    async_calls["list_runs"]["raw httpx"] = lambda: raw_get(list_path)

    if args.ours_pkg:
        pkg = args.ours_pkg
        client = importlib.import_module(pkg).AuthenticatedClient(
            base_url=base_url, token=TOKEN, httpx_client=http, async_httpx_client=ahttp
        )
        get_run = importlib.import_module(f"{pkg}.api.runs.get_run")
        list_runs = importlib.import_module(f"{pkg}.api.runs.list_runs")
        sync_calls["get_run"]["ours"] = lambda: get_run.sync(
            client=client, workspace_id=WS, run_id=RUN
        )
        sync_calls["list_runs"]["ours"] = lambda: list_runs.sync(client=client, workspace_id=WS)
        async_calls["get_run"]["ours"] = lambda: get_run.asyncio(
            client=client, workspace_id=WS, run_id=RUN
        )
        async_calls["list_runs"]["ours"] = lambda: list_runs.asyncio(client=client, workspace_id=WS)
        assert sync_calls["get_run"]["ours"]().run_id == RUN
        assert len(sync_calls["list_runs"]["ours"]().items) == args.list_size

    opc = args.opc_pkg
    opc_client = importlib.import_module(f"{opc}.client").AuthenticatedClient(
        base_url=base_url, token=TOKEN
    )
    opc_client.set_httpx_client(http)
    opc_client.set_async_httpx_client(ahttp)
    opc_get = importlib.import_module(f"{opc}.api.runs.get_run")
    opc_list = importlib.import_module(f"{opc}.api.runs.list_runs")
    sync_calls["get_run"]["OPC 0.29"] = lambda: opc_get.sync(WS, RUN, client=opc_client)
    sync_calls["list_runs"]["OPC 0.29"] = lambda: opc_list.sync(WS, client=opc_client)
    async_calls["get_run"]["OPC 0.29"] = lambda: opc_get.asyncio(WS, RUN, client=opc_client)
    async_calls["list_runs"]["OPC 0.29"] = lambda: opc_list.asyncio(WS, client=opc_client)
    assert opc_get.sync(WS, RUN, client=opc_client).run_id == RUN

    results: dict[tuple[str, str, str], float] = {}
    for op, impls in sync_calls.items():
        names = list(impls)
        per: dict[str, list[float]] = {n: [] for n in names}
        for name in names:
            _sync_batch(impls[name], args.warmup)
        for r in range(args.runs):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                per[name].append(_sync_batch(impls[name], args.batch))
        for name in names:
            results[("sync", op, name)] = median(per[name])

    async def run_async() -> None:
        for op, impls in async_calls.items():
            names = list(impls)
            per: dict[str, list[float]] = {n: [] for n in names}
            for name in names:
                await _async_batch(impls[name], args.warmup)
            for r in range(args.runs):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    per[name].append(await _async_batch(impls[name], args.batch))
            for name in names:
                results[("async", op, name)] = median(per[name])
        await ahttp.aclose()

    asyncio.run(run_async())
    http.close()
    server.shutdown()
    server.server_close()

    rows, checks = [], []
    for mode in ("sync", "async"):
        for op in ("get_run", "list_runs"):
            raw = results[(mode, op, "raw httpx")]
            ours = results.get((mode, op, "ours"))
            opc_t = results[(mode, op, "OPC 0.29")]
            rows.append(
                [
                    f"{mode} {op}" + (f" ({args.list_size} items)" if op == "list_runs" else ""),
                    f"{raw * 1e6:.0f} us",
                    f"{ours * 1e6:.0f} us" if ours else "n/a",
                    f"{opc_t * 1e6:.0f} us",
                    fmt_ratio(ours / raw) if ours else "n/a",
                    fmt_ratio(opc_t / raw),
                    f"{(ours - raw) * 1e6:+.0f} us" if ours else "n/a",
                ]
            )
            if ours:
                target = TARGETS[op]
                checks.append((f"{mode} {op}: ours/raw <= {target:g}x", ours / raw <= target))
    print_table(
        f"(c) per call over loopback HTTP/1.1 keep-alive, median of {args.runs} batches of "
        f"{args.batch} ({machine_note()})",
        ["call", "raw httpx", "ours", "OPC 0.29", "ours/raw", "OPC/raw", "ours - raw"],
        rows,
    )
    for label, ok in checks:
        print(f"  target {label}: {verdict(ok)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15, help="rounds per client (15)")
    parser.add_argument("--batch", type=int, default=100, help="calls per timed batch (100)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed calls first (50)")
    parser.add_argument("--list-size", type=int, default=20, help="items in listRuns (20)")
    add_worker_args(parser)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    ensure_opc_env()
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        clients = prepare_clients(Path(tmp))
        extra = ["--runs", str(args.runs), "--batch", str(args.batch)]
        extra += ["--warmup", str(args.warmup), "--list-size", str(args.list_size)]
        return run_worker(Path(__file__).resolve(), clients, extra)


if __name__ == "__main__":
    raise SystemExit(main())
