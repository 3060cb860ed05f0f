"""Helpers for the construct tests: small inline specs -> generate (real CLI) -> import -> exercise.

(Kept out of ``conftest.py`` so test modules import them by a unique module name; the fixtures in
``conftest.py`` wrap them.)

``generate(spec, files=None, args=())`` writes ``spec`` (a dict, written as JSON; or YAML text) to
``tmp_path/spec/openapi.*`` plus any extra ``files`` (relative path -> text, for multi-file specs),
runs ``python -m generator generate --report``, asserts exit 0, and returns a :class:`Generated`
whose package (named after the test, so tests never share a module) is importable in-process.
``Generated.client(handler)`` builds the generated ``Client`` over ``httpx.MockTransport``.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from cli_runner import run_codegen

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Generated:
    root: Path
    package: str
    report: dict[str, Any]
    stderr: str
    modules: list[str] = field(default_factory=list)

    def module(self, dotted: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{dotted}")

    def models(self) -> ModuleType:
        return self.module("models")

    def op(self, tag: str, name: str) -> ModuleType:
        return self.module(f"api.{tag}.{name}")

    def client(self, handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Any:
        mod = self.module("client")
        kwargs.setdefault("base_url", "https://api.test")
        return mod.Client(transport=httpx.MockTransport(handler), **kwargs)

    def codes(self) -> list[str]:
        return [d["code"] for d in self.report["diagnostics"]]

    def import_all(self) -> list[str]:
        """Import every module of the package; returns the module names."""
        import pkgutil

        pkg = importlib.import_module(self.package)
        names = [self.package] + [
            m.name for m in pkgutil.walk_packages(pkg.__path__, self.package + ".")
        ]
        for name in names:
            importlib.import_module(name)
        return names

    def mypy(self) -> str:
        """``mypy --strict`` over the package; returns its output (asserting success)."""
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--cache-dir",
                str(self.root.parent / ".mypy_cache"),
                self.package,
            ],
            capture_output=True,
            text=True,
            cwd=self.root,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout


class Recorder:
    """An ``httpx.MockTransport`` handler that records requests and answers from a table."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or (lambda request: httpx.Response(200, json={}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


GenerateFn = Callable[..., Generated]


@pytest.fixture
def generate(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[GenerateFn]:
    added: list[str] = []
    packages: list[str] = []
    counter = [0]

    def run(
        spec: Mapping[str, Any] | str,
        *,
        files: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        expect_exit: int = 0,
    ) -> Generated:
        counter[0] += 1
        stem = re.sub(r"\W+", "_", request.node.name).strip("_").lower()
        package = f"gen_{stem}_{counter[0]}"
        spec_dir = tmp_path / f"spec{counter[0]}"
        spec_dir.mkdir()
        if isinstance(spec, str):
            spec_path = spec_dir / "openapi.yaml"
            spec_path.write_text(spec, encoding="utf-8")
        else:
            spec_path = spec_dir / "openapi.json"
            spec_path.write_text(json.dumps(spec), encoding="utf-8")
        for rel, text in (files or {}).items():
            target = spec_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        out = tmp_path / f"out{counter[0]}" / package
        report_path = tmp_path / f"report{counter[0]}.json"
        proc = run_codegen(
            "generate",
            *("--spec", spec_path, "--output", out, "--package-name", package),
            *("--report", report_path, *args),
        )
        assert proc.returncode == expect_exit, proc.stdout + proc.stderr
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}
        if proc.returncode == 0:
            sys.path.insert(0, str(out))
            added.append(str(out))
            packages.append(package)
        return Generated(out, package, report, proc.stderr)

    yield run

    for path in added:
        if path in sys.path:
            sys.path.remove(path)
    for package in packages:
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
