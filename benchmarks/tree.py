"""Watching a command's whole process tree: its CPU time and its peak memory.

``simcc run`` is a parent, a fork server, its worker processes and a
resource tracker.  :func:`watch` runs a command and samples every process of
its tree with psutil: the CPU seconds each one used (user + system, the last
value seen before it exited) and, if asked, the tree's memory (the peaks of
its proportional set size, of its RSS sum, and of its largest process's RSS).

On a shared machine CPU time is the steadier measure: the wall time of a run
grows with the machine's load, its CPU time much less.

The watching itself runs on the same cores: listing a tree's processes scans
every process of the machine, so the tree is listed again only every
``rescan`` seconds, and the processes already known are sampled every
``every`` seconds (watching ``simcc run benchmarks/mmcab.yaml -n 400`` cost
0.50 CPU s over 10.4 s, 5 % of a core, when it listed the tree at every
sample).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field

import psutil

MEMORY = ("tree PSS", "tree RSS sum", "largest process RSS")


@dataclass
class Watched:
    wall_s: float
    cpu_s: float
    """CPU seconds of the whole tree (each process's last sample)."""
    peaks_mb: dict[str, float] = field(default_factory=dict)
    """The peaks of :data:`MEMORY`, when measured."""
    cpu_by_role: dict[str, float] = field(default_factory=dict)
    """CPU seconds by :func:`role`: the parent, the fork server, the workers, the
    resource tracker (the workers' sum over however many there were)."""


def role(member: psutil.Process, root: psutil.Process) -> str:
    """What a process of the tree is, from its command line (a worker forked from the
    fork server keeps the server's: it is told apart by its parent)."""
    if member.pid == root.pid:
        return "parent"
    line = " ".join(member.cmdline())
    if "resource_tracker" in line:
        return "resource tracker"
    if "forkserver" in line and member.ppid() == root.pid:
        return "fork server"
    return "workers"


def watch(
    argv: list[str], memory: bool = False, every: float = 0.05, rescan: float = 0.25
) -> Watched:
    """Run ``argv`` (output discarded) and watch its process tree until it exits: its
    processes sampled every ``every`` seconds, the tree listed again every ``rescan``."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    root = psutil.Process(child.pid)
    cpu: dict[int, float] = {}
    roles: dict[int, str] = {}
    peaks = [0, 0, 0]
    members: list[psutil.Process] = [root]
    listed = 0.0
    while child.poll() is None:
        if time.perf_counter() - listed >= rescan:
            listed = time.perf_counter()
            try:
                members = [root, *root.children(recursive=True)]
            except psutil.Error:
                members = [root]
        pss = rss = largest = 0
        for member in members:
            try:
                with member.oneshot():
                    times = member.cpu_times()
                    cpu[member.pid] = times.user + times.system
                    if member.pid not in roles:
                        roles[member.pid] = role(member, root)
                    if memory:
                        info = member.memory_full_info()
                        pss, rss = pss + info.pss, rss + info.rss
                        largest = max(largest, info.rss)
            except psutil.Error:
                continue
        peaks = [max(a, b) for a, b in zip(peaks, (pss, rss, largest), strict=True)]
        time.sleep(every)
    wall = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"{' '.join(argv)} exited {child.returncode}")
    mb = {k: v / 2**20 for k, v in zip(MEMORY, peaks, strict=True)} if memory else {}
    by_role: dict[str, float] = {}
    for pid, seconds in cpu.items():
        name = roles.get(pid, "workers")
        by_role[name] = by_role.get(name, 0.0) + seconds
    return Watched(wall, sum(cpu.values()), mb, by_role)
