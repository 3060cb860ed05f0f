"""(b) Decode/encode of 1,000 items: our models vs OPC's vs pydantic v2 vs hand-written dataclasses.

Decode is JSON bytes -> list of models; encode is list of models -> JSON bytes. Payloads
(benchmarks/_payloads.py) follow benchmarks/specs/bench-api.yaml, a slice of the Portarium spec:

  flat     Workspace: strings, int, bool, enum, list of strings, nullable optional string
  runs     Run: datetimes, enums, nullable and absent optional fields
  charter  Run with a RunCharter: lists of nested objects two levels deep (+ datetimes, enums)

Both generated clients come from that spec; the pydantic and dataclass models are hand-written
equivalents (benchmarks/_models_*.py). ``ours`` is what our generated client does with a body:
its runtime's ``jsonlib.loads_as`` (``loads`` + ``from_dict``, the GC paused for bodies of 64 KiB
and more, as its ``json_decoder`` does for responses) and ``jsonlib.dumps`` of the models (request
bodies), with orjson -- the client's ``speedups`` extra -- installed in the worker venv. ``ours,
stdlib json`` is the same calls with jsonlib on its stdlib route (a client installed without the
extra). OPC's row is ``json.loads`` + ``from_dict`` and ``to_dict`` + ``json.dumps``, what its
client does. ``json only`` is ``json.loads`` / ``json.dumps`` on the plain dicts.
Implementations take turns in rotating order.

    python benchmarks/bench_serde.py [-n 25] [--items 1000]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    add_worker_args,
    ensure_opc_env,
    fmt_ratio,
    fmt_time,
    machine_note,
    median,
    prepare_clients,
    print_table,
    run_worker,
    verdict,
)

SCENARIOS = ("flat", "runs", "charter")
MODEL_NAMES = {"flat": "Workspace", "runs": "Run", "charter": "Run"}
Codec = tuple[Callable[[bytes], Any], Callable[[Any], bytes]]


def _dict_codec(model: Any) -> Codec:
    from_dict = model.from_dict

    def decode(raw: bytes) -> list[Any]:
        return [from_dict(item) for item in json.loads(raw)]

    def encode(objs: list[Any]) -> bytes:
        return json.dumps([o.to_dict() for o in objs], separators=(",", ":")).encode()

    return decode, encode


def _client_codec(model: Any, jsonlib: Any) -> Codec:
    """What the generated client itself does: its runtime's JSON functions + from_dict/to_dict."""
    from_dict = model.from_dict
    loads_as, dumps = jsonlib.loads_as, jsonlib.dumps

    def parse(data: Any) -> list[Any]:
        return [from_dict(item) for item in data]

    def decode(raw: bytes) -> list[Any]:
        return loads_as(raw, parse)  # type: ignore[no-any-return]  # as json_decoder does

    def encode(objs: list[Any]) -> bytes:
        return dumps(objs)  # type: ignore[no-any-return]  # as for a request body

    return decode, encode


def _without_orjson(codec: Codec, jsonlib: Any) -> Codec:
    """``codec`` with the client's jsonlib on its stdlib route (a client without the extra)."""
    decode, encode = codec

    def switched(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(arg: Any) -> Any:
            saved = jsonlib._orjson_loads, jsonlib._orjson_dumps
            jsonlib._orjson_loads = jsonlib._orjson_dumps = None
            try:
                return fn(arg)
            finally:
                jsonlib._orjson_loads, jsonlib._orjson_dumps = saved

        return run

    return switched(decode), switched(encode)


def _pydantic_codec(model: Any) -> Codec:
    from pydantic import TypeAdapter

    adapter = TypeAdapter(list[model])  # type: ignore[valid-type]

    def encode(objs: list[Any]) -> bytes:
        return adapter.dump_json(objs, by_alias=True, exclude_unset=True)

    return adapter.validate_json, encode


def _json_codec() -> Codec:
    def encode(objs: list[Any]) -> bytes:
        return json.dumps(objs, separators=(",", ":")).encode()

    return json.loads, encode


def codecs(args: argparse.Namespace, scenario: str) -> dict[str, Codec]:
    import _models_baseline
    import _models_pydantic

    name = MODEL_NAMES[scenario]
    found: dict[str, Codec] = {}
    if args.ours_pkg:
        ours = getattr(importlib.import_module(f"{args.ours_pkg}.models"), name)
        jsonlib = importlib.import_module(f"{args.ours_pkg}._runtime.jsonlib")
        if not jsonlib.FAST:
            raise SystemExit("orjson (the client's `speedups` extra) is missing in the worker venv")
        found["ours"] = _client_codec(ours, jsonlib)
        found["ours, stdlib json"] = _without_orjson(_client_codec(ours, jsonlib), jsonlib)
    found["OPC 0.29"] = _dict_codec(
        getattr(importlib.import_module(f"{args.opc_pkg}.models"), name)
    )
    found["pydantic v2"] = _pydantic_codec(_models_pydantic.MODELS[scenario])
    found["dataclass (hand)"] = _dict_codec(_models_baseline.MODELS[scenario])
    found["json only"] = _json_codec()
    return found


def worker(args: argparse.Namespace) -> int:
    import _payloads

    for entry in (args.ours_path, args.opc_path):
        if entry:
            sys.path.insert(0, entry)
    checks: list[tuple[str, bool]] = []
    for scenario in SCENARIOS:
        raw = _payloads.encoded(scenario, args.items)
        impls = codecs(args, scenario)
        for label, (decode, encode) in impls.items():  # sanity: same data, round trip is stable
            objs = decode(raw)
            assert len(objs) == args.items, label
            assert decode(encode(objs)) == objs, f"{label}: round trip changed the data"
        dec: dict[str, list[float]] = {k: [] for k in impls}
        enc: dict[str, list[float]] = {k: [] for k in impls}
        names = list(impls)
        objs: Any = None
        for r in range(args.runs):
            for label in names[r % len(names) :] + names[: r % len(names)]:
                decode, encode = impls[label]
                objs = None  # free the previous results outside the timed region
                gc.collect()
                t0 = time.perf_counter()
                objs = decode(raw)
                t1 = time.perf_counter()
                gc.collect()
                t2 = time.perf_counter()
                encode(objs)
                t3 = time.perf_counter()
                dec[label].append(t1 - t0)
                enc[label].append(t3 - t2)
        d = {k: median(v) for k, v in dec.items()}
        e = {k: median(v) for k, v in enc.items()}
        ref = "ours" if "ours" in impls else "OPC 0.29"
        rows = [
            [
                label,
                fmt_time(d[label]),
                f"{d[label] / args.items * 1e6:.2f} us",
                fmt_ratio(d[label] / d[ref]),
                fmt_time(e[label]),
                f"{e[label] / args.items * 1e6:.2f} us",
                fmt_ratio(e[label] / e[ref]),
            ]
            for label in impls
        ]
        print_table(
            f"(b) {scenario}: {args.items} items, {len(raw) / 1024:.0f} KiB of JSON, "
            f"median of {args.runs}, ratio = time / {ref}'s time ({machine_note()})",
            ["models", "decode", "per item", f"vs {ref}", "encode", "per item", f"vs {ref}"],
            rows,
        )
        if "ours" in impls:
            checks += [
                (f"{scenario}: decode >= 2x faster than OPC", d["OPC 0.29"] / d["ours"] >= 2),
                (f"{scenario}: decode no slower than pydantic", d["ours"] <= d["pydantic v2"]),
                (f"{scenario}: encode >= 2x faster than OPC", e["OPC 0.29"] / e["ours"] >= 2),
            ]
            std = "ours, stdlib json"
            checks += [
                (
                    f"{scenario}: without orjson, decode >= 2x faster than OPC",
                    d["OPC 0.29"] / d[std] >= 2,
                ),
                (
                    f"{scenario}: without orjson, decode no slower than pydantic",
                    d[std] <= d["pydantic v2"],
                ),
                (
                    f"{scenario}: without orjson, encode >= 2x faster than OPC",
                    e["OPC 0.29"] / e[std] >= 2,
                ),
            ]
    for label, ok in checks:
        print(f"  target {label}: {verdict(ok)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=25, help="timed runs per model (25)")
    parser.add_argument("--items", type=int, default=1000, help="items per payload (1000)")
    add_worker_args(parser)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    ensure_opc_env()
    with tempfile.TemporaryDirectory(prefix="bench-serde-") as tmp:
        clients = prepare_clients(Path(tmp))
        extra = ["--runs", str(args.runs), "--items", str(args.items)]
        return run_worker(Path(__file__).resolve(), clients, extra)


if __name__ == "__main__":
    raise SystemExit(main())
