"""Shared bench plumbing: run one measurement in a fresh process (clean peak RSS), print a table."""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import resource
import socket
from collections.abc import Callable
from pathlib import Path


def _child(queue, func, kwargs):
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        result = func(**kwargs)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        queue.put(result)
    except Exception as e:  # reported, not raised: one failing backend must not hide the others
        queue.put({"error": f"{type(e).__name__}: {e}"})


def isolated(func: Callable[..., dict], **kwargs) -> dict:
    """Run func(**kwargs) in a spawned process; its dict gains peak_rss_mb of that process alone."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, func, kwargs))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def free_port() -> int:
    """A free TCP port on loopback, for servers the benchmarks and tests start themselves."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "memory_gib": round(mem, 1), "cpu": cpu, "python": platform.python_version(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY")}


def table(rows: list[dict], columns: list[str]) -> str:
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    body = ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])
