"""The live-server harness itself, with stand-in executables (no install, no real server).

- A server that exits before it is healthy fails the test with the tail of its output.
- A server that never becomes healthy fails after its bounded wait, and its whole process group is
  gone afterwards (a child it started too).
- A failed install fails the test with the tail of pip's log and leaves no stamp, so the next run
  installs again; a stamped env is reused without running pip.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from live_servers import LiveEnv, PrefectServer, ensure_or_fail, start_or_fail


def fake_env(tmp_path: Path, script: str) -> LiveEnv:
    """A LiveEnv whose ``bin/prefect`` is ``script`` (a shell script)."""
    env = LiveEnv("fake", tmp_path / "requirements.txt", root=tmp_path / "live")
    tool = env.bin("prefect")
    tool.parent.mkdir(parents=True)
    tool.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return env


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_server_that_exits_fails_with_its_log(tmp_path: Path) -> None:
    env = fake_env(tmp_path, 'echo "starting"\necho "Error: port already taken" >&2\nexit 3\n')
    server = PrefectServer(env, tmp_path, timeout=30)
    server.start_attempts = 1
    with pytest.raises(pytest.fail.Exception) as failed:
        start_or_fail(server)
    message = str(failed.value)
    assert "Prefect did not come up" in message
    assert "exited with code 3" in message
    assert "Error: port already taken" in message


def test_server_that_never_gets_healthy_fails_in_time_and_is_killed(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    env = fake_env(
        tmp_path,
        f'echo "warming up"\nsleep 600 &\necho $! >> {pids}\necho $$ >> {pids}\nwait\n',
    )
    server = PrefectServer(env, tmp_path, timeout=2)
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception) as failed:
        start_or_fail(server)
    assert time.monotonic() - started < 30
    message = str(failed.value)
    assert "timed out after 2s" in message
    assert "warming up" in message
    recorded = [int(pid) for pid in pids.read_text().split()]
    assert len(recorded) == 2
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in recorded) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in recorded)  # the script and its child: the whole group


def test_failed_install_fails_with_pips_log_and_leaves_no_stamp(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"{tmp_path / 'no-such-package-1.0-py3-none-any.whl'}\n")
    env = LiveEnv("broken", requirements, root=tmp_path / "live", timeout=300)
    with pytest.raises(pytest.fail.Exception) as failed:
        ensure_or_fail(env)
    message = str(failed.value)
    assert "installing requirements.txt into" in message
    assert "no-such-package" in message
    assert not env.is_ready()


def test_stamped_env_is_reused_and_a_changed_pin_is_not(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# nothing to install\n")
    env = LiveEnv("empty", requirements, root=tmp_path / "live", timeout=300)
    env.ensure()
    assert env.is_ready() and env.bin("python").exists()
    first = env.install_seconds
    assert first > 0
    again = LiveEnv("empty", requirements, root=tmp_path / "live")
    again.ensure()
    assert again.install_seconds == 0.0  # reused: no venv, no pip
    requirements.write_text("# another pin\n")
    assert not again.is_ready()
