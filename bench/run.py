"""Run every bench/bench_*.py in turn (`make bench`); exits non-zero if one of them misses its goal.

Each script reads DATABASE_URL (a PostgreSQL database of its own: the benchmarks fill it).
Extra arguments go to every script, e.g. `python bench/run.py --runs 10`.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode:
            failed.append(script.name)
    if failed:
        print("missed their goal or failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
