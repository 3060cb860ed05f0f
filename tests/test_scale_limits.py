"""Resource limits at scale: a spec with 20,000 schemas still generates (issue: hostile input).

Deep nesting, alias bombs and huge scalars are refused by the loader (tests/test_loader.py); this
file covers the other side: a very large but valid spec is not refused and stays linear.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
N_SCHEMAS = 20_000


def big_spec() -> dict[str, object]:
    schemas: dict[str, object] = {}
    for i in range(N_SCHEMAS):
        props: dict[str, object] = {"id": {"type": "string"}, "n": {"type": "integer"}}
        if i:
            props["prev"] = {"$ref": f"#/components/schemas/S{i - 1}"}
        schemas[f"S{i}"] = {"type": "object", "required": ["id"], "properties": props}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Big", "version": "1.0.0"},
        "paths": {
            "/s": {
                "get": {
                    "operationId": "get_last",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/S{N_SCHEMAS - 1}"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


def test_twenty_thousand_schemas_generate(tmp_path: Path) -> None:
    spec = tmp_path / "big.json"
    spec.write_text(json.dumps(big_spec()))
    out = tmp_path / "big-client"
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--output", str(out)]
        + ["--report", str(report), "-q"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(report.read_text())
    assert data["models"] == N_SCHEMAS
    assert data["operations"]["generated"] == 1
    # The deepest chain of models imports and decodes without recursion limits.
    code = (
        "from big_client.api.default import get_last\n"
        "from big_client.models import S0, S19999\n"
        "x = S0.from_dict({'id': 'a'})\n"
        "assert S0.from_dict(x.to_dict()) == x\n"
    )
    imp = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(out)},
        timeout=300,
    )
    assert imp.returncode == 0, imp.stderr[-3000:]
