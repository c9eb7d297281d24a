"""The machine a bench runs on: its load, printed with every figure. No side effects on import
(bench/common.py sets up Django's environment; a bench that starts servers of its own imports this)."""

import os
from pathlib import Path


def load_average():
    """The machine's load average (1, 5, 15 minutes), printed with every figure."""
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_load(moment):
    """Print the machine's load with a bench's figures ("before", "after"): on a shared 2-core
    machine a figure means little without it. Returns it for the bench's results."""
    load = load_average()
    print(f"load average {load} {moment} ({os.cpu_count()} cores)", flush=True)
    return load
