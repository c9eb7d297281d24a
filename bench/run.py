"""Run every bench/bench_*.py in turn (`make bench`); exits non-zero if one of them misses its goal.

Each script reads DATABASE_URL (a PostgreSQL database of its own: the benchmarks fill it);
bench_growth gets a database of its own beside it (`<name>_growth`, 27 GB, 20 minutes to fill once).
Extra arguments go to every script, e.g. `python bench/run.py --runs 10`; `--only directives,unit_list`
runs those benches alone.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Benches whose data would empty the others' tables (and take 27 GB): each gets a database of its
# own, DATABASE_URL's name with the bench's name after it, kept between runs as the others are.
OWN_DATABASE = {"growth"}


def environment(name):
    env = dict(os.environ)
    if name in OWN_DATABASE and env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"{env['DATABASE_URL'].rstrip('/')}_{name}"
    return env


def main():
    args, only = sys.argv[1:], None
    if "--only" in args:
        at = args.index("--only")
        only = set(args[at + 1].split(","))
        args = args[:at] + args[at + 2 :]
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if only is not None and name not in only:
            continue
        env = environment(name)
        database = env.get("DATABASE_URL", "").rpartition("/")[2]  # its name only: no password printed
        print(f"== {script.name} (database {database or '?'})", flush=True)
        if subprocess.run([sys.executable, str(script), *args], check=False, env=env).returncode:
            failed.append(script.name)
    if failed:
        print("missed their goal or failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
