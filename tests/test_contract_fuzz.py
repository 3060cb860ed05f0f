"""Contract fuzz: the generated Portarium client parses hundreds of random schema-valid responses.

Prism in dynamic mode (``prism mock -d``) answers every request with a *random* body generated
from the response schema. The client is generated from ``spec/portarium-control-plane.v1.yaml``
into a temp dir and driven in a fresh interpreter: every GET operation is called ``CALLS`` times
with random arguments (path parameters are any non-empty string -- Unicode, spaces, ``?#&%``;
query parameters are random values of their types, optional ones sometimes left out), through
``sync_detailed``, ``sync`` and ``asyncio_detailed``. Every call must succeed, return 200 and a
parsed body of the declared model type that survives ``from_dict(to_dict(x)) == x``. The SSE
operation is consumed through ``stream()`` with a short read timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_codegen

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "portarium-control-plane.v1.yaml"
CALLS = 20  # per GET operation and seed

pytestmark = pytest.mark.prism

DRIVER = textwrap.dedent(r"""
    import asyncio, dataclasses, datetime as dt, enum, importlib, inspect, json, pkgutil, random
    import sys, time, traceback
    base_url, calls, seed, ALPHABET = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rnd = random.Random(seed)
    import portarium_client as pkg
    from portarium_client import AuthenticatedClient
    import portarium_client.models as models
    import portarium_client.api


    def rand_str():
        n = rnd.randint(1, 12)
        value = "".join(rnd.choice(ALPHABET) for _ in range(n)).strip() or "x"
        # "." and ".." as a path segment are dot-segments that URL normalisation removes
        # (test_hostile_names.py::test_dot_segment_path_parameters_stay_in_their_segment)
        return value if value.strip(".") else value + "x"

    class Skip(Exception):
        pass

    def value_for(ann, name):
        parts = [p.strip() for p in str(ann).split("|")]
        optional = "None" in parts
        parts = [p for p in parts if p != "None"]
        if optional and rnd.random() < 0.25:
            return None
        t = parts[0]
        if t == "str":
            return rand_str()
        if t == "int":
            return rnd.randint(1, 200)
        if t == "float":
            return rnd.uniform(0, 100)
        if t == "bool":
            return rnd.choice([True, False])
        if t == "datetime":
            return dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=rnd.randint(0, 10**8))
        if t == "date":
            return dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randint(0, 2000))
        cls = getattr(models, t, None)
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            return rnd.choice(list(cls))
        raise Skip(f"{name}: {ann}")

    SKIP_PARAMS = {"client", "extra_headers", "timeout", "max_retries"}

    def arguments(fn):
        kwargs = {}
        for p in inspect.signature(fn).parameters.values():
            if p.name in SKIP_PARAMS:
                continue
            if p.default is not inspect.Parameter.empty and rnd.random() < 0.4:
                continue
            kwargs[p.name] = value_for(p.annotation, p.name)
        return kwargs

    def check_parsed(value, where):
        if dataclasses.is_dataclass(value) and hasattr(value, "to_dict"):
            data = value.to_dict()
            json.dumps(data)
            again = type(value).from_dict(data)
            if again != value:
                raise AssertionError(f"{where}: from_dict(to_dict(x)) != x")
        elif isinstance(value, list):
            for item in value:
                check_parsed(item, where)

    ops = []
    for info in pkgutil.walk_packages(pkg.api.__path__, "portarium_client.api."):
        mod = importlib.import_module(info.name)
        ep = getattr(mod, "ENDPOINT", None)
        if ep is not None and ep.method == "GET":
            ops.append(mod)
    ops.sort(key=lambda m: m.__name__)

    results = {"ops": {}, "failures": [], "calls": 0, "streams": {}}
    client = AuthenticatedClient(base_url=base_url, token="test-token", max_retries=0, timeout=30.0)

    async def call_async(mod, kwargs):
        return await mod.asyncio_detailed(client=client, **kwargs)

    for mod in ops:
        name = mod.ENDPOINT.operation_id
        ok = 0
        if hasattr(mod, "stream"):
            # Prism cannot generate an event stream for an object schema: it answers 500 with a
            # problem document. Consume with a deadline; either events decode, or the client
            # raises one of the package's own error classes (never a raw exception).
            import portarium_client.errors as errors_mod
            outcome = {"ok": 0, "events": 0, "typed_errors": [], "other_errors": []}
            for _ in range(3):
                try:
                    kwargs = arguments(mod.stream)
                    events = mod.stream(client=client, timeout=5.0, max_retries=0, **kwargs)
                    start = time.monotonic()
                    for _event in events:
                        outcome["events"] += 1
                        if time.monotonic() - start > 3 or outcome["events"] >= 20:
                            break
                    close = getattr(events, "close", None)
                    if close:
                        close()
                    outcome["ok"] += 1
                except Exception as exc:
                    if type(exc).__module__ == errors_mod.__name__:
                        outcome["typed_errors"].append(f"{type(exc).__name__}: {exc}"[:200])
                    else:
                        outcome["other_errors"].append(traceback.format_exc()[-1500:])
            results["streams"][name] = outcome
            continue
        for i in range(calls):
            kwargs = {}
            try:
                kwargs = arguments(mod.sync_detailed)
                way = i % 3
                if way == 0:
                    resp = mod.sync_detailed(client=client, **kwargs)
                elif way == 1:
                    resp = asyncio.run(call_async(mod, kwargs))
                else:
                    parsed = mod.sync(client=client, **kwargs)
                    check_parsed(parsed, name)
                    ok += 1
                    results["calls"] += 1
                    continue
                if resp.status_code != 200:
                    raise AssertionError(f"status {resp.status_code}: {resp.content[:200]!r}")
                if resp.parsed is None:
                    raise AssertionError(f"no parsed body: {resp.content[:200]!r}")
                check_parsed(resp.parsed, name)
                ok += 1
            except Skip as exc:
                results["failures"].append({"op": name, "skip": str(exc)})
                break
            except Exception as exc:
                results["failures"].append({
                    "op": name,
                    "kwargs": {k: repr(v) for k, v in kwargs.items()},
                    "error": f"{type(exc).__name__}: {exc}"[:600],
                    "trace": traceback.format_exc()[-1500:],
                })
            results["calls"] += 1
        results["ops"][name] = ok
    client.close()
    print(json.dumps(results))
    """)


@pytest.fixture(scope="module")
def client_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("contract") / "portarium-client"
    proc = run_codegen("generate", "--spec", SPEC, "--output", out, "-q")
    assert proc.returncode == 0, proc.stderr
    assert (out / "portarium_client" / "__init__.py").is_file()
    return out


#: Characters of random path/query string values (commas are covered by test_commas_in_path_parameters).
ALPHABET = "abcXYZ019-_.~ ü名é😀?#&=+%@!$'()*;:[]\"<>\\|^`{}/"


def drive(client_dir: Path, base_url: str, seed: int, alphabet: str = ALPHABET) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, base_url, str(CALLS), str(seed), alphabet],
        capture_output=True,
        text=True,
        cwd=client_dir,
        env={**os.environ, "PYTHONPATH": str(client_dir), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("seed", [1, 2])
def test_client_parses_random_schema_valid_responses(
    client_dir: Path, prism_factory: Any, seed: int
) -> None:
    prism = prism_factory(SPEC, dynamic=True)
    result = drive(client_dir, prism.base_url, seed)
    print(
        f"\nseed {seed}: {result['calls']} calls over {len(result['ops'])} GET operations; "
        f"ok per op: {result['ops']}; streams: {result['streams']}"
    )
    failures = result["failures"]
    assert failures == [], json.dumps(failures[:5], indent=1, ensure_ascii=False)
    assert len(result["ops"]) >= 10
    assert all(n == CALLS for n in result["ops"].values()), result["ops"]
    assert result["calls"] >= 10 * CALLS
    for name, outcome in result["streams"].items():
        assert outcome["other_errors"] == [], (name, outcome["other_errors"][:2])
        assert outcome["ok"] + len(outcome["typed_errors"]) == 3, (name, outcome)


def test_commas_in_path_parameters(client_dir: Path, prism_factory: Any) -> None:
    prism = prism_factory(SPEC, dynamic=True)
    result = drive(client_dir, prism.base_url, 7, alphabet="a,b,c")
    failures = [f for f in result["failures"] if "workspace_id" in f.get("kwargs", {})]
    assert failures == [], json.dumps(failures[:3], indent=1, ensure_ascii=False)
