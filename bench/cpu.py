"""Where the CPU goes: the processor time each process of the system spends while a scenario
runs, read from /proc. On a machine with few cores the whole system's CPU per registration,
not PostgreSQL's commit rate, bounds what the registry can take."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User and system time of ``pid`` so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def machine_cpu_seconds() -> float:
    """Busy time of every core so far (user, nice, system, irq, softirq)."""
    busy = Path("/proc/stat").read_text().splitlines()[0].split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = (int(n) for n in busy)
    return (user + nice + system + irq + softirq) / _TICK


def postgres_pids() -> set[int]:
    """The PostgreSQL server's processes (postmaster, backends, background workers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().startswith("postgres"):
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


@dataclass
class CpuMeter:
    """CPU seconds spent between ``start`` and ``stop`` by each named process, by the
    PostgreSQL server (every process of it, backends started meanwhile included) and by the
    whole machine."""

    processes: Mapping[str, int]

    def start(self) -> None:
        self._before = {name: process_cpu_seconds(pid) for name, pid in self.processes.items()}
        self._postgres = {pid: process_cpu_seconds(pid) for pid in postgres_pids()}
        self._machine = machine_cpu_seconds()

    def stop(self) -> dict[str, float]:
        spent = {
            name: process_cpu_seconds(pid) - self._before[name]
            for name, pid in self.processes.items()
        }
        spent["postgres"] = sum(
            process_cpu_seconds(pid) - self._postgres.get(pid, 0.0) for pid in postgres_pids()
        )
        spent["machine"] = machine_cpu_seconds() - self._machine
        return spent
