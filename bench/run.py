"""Run every bench/bench_*.py in turn (`make bench`); exits non-zero if one of them misses its goal.

Each script reads DATABASE_URL (a PostgreSQL database of its own: the benchmarks fill it).
Extra arguments go to every script, e.g. `python bench/run.py --runs 10`; `--only directives,unit_list`
runs those benches alone.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    args, only = sys.argv[1:], None
    if "--only" in args:
        at = args.index("--only")
        only = set(args[at + 1].split(","))
        args = args[:at] + args[at + 2 :]
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if only is not None and script.stem.removeprefix("bench_") not in only:
            continue
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script), *args], check=False).returncode:
            failed.append(script.name)
    if failed:
        print("missed their goal or failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
