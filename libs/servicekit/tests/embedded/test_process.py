"""Children of the embedded tools never outlive their parent, nor survive stop()."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from servicekit.embedded.process import ManagedProcess, wait_until

# A parent that starts a long sleeper through ManagedProcess, reports its pid and waits.
PARENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from servicekit.embedded.process import ManagedProcess

    child = ManagedProcess("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"],
                           log_file=Path(sys.argv[1]))
    child.start()
    print(child.pid, flush=True)
    time.sleep(60)
    """
)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is dead too; only its parent can reap it.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] == "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_child_dies_with_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "sleeper.log")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert not _gone(child_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert wait_until(lambda: _gone(child_pid), timeout=5)
    finally:
        parent.kill()
        parent.wait()


def test_stop_escalates_to_sigkill_when_sigterm_is_ignored(tmp_path: Path) -> None:
    ignore_term = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); " + (
        "print('sig' + 'nal ignored', flush=True); time.sleep(60)"
    )
    log_file = tmp_path / "stubborn.log"
    process = ManagedProcess("stubborn", [sys.executable, "-c", ignore_term], log_file=log_file)
    process.start()
    # (the log's first line repeats the command, so the marker is built at run time)
    assert wait_until(lambda: "signal ignored" in log_file.read_text(), timeout=10)

    started = time.monotonic()
    process.stop(timeout=0.5)

    assert not process.running
    assert process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5
    assert "starting:" in process.tail()
