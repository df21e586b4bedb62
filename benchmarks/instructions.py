"""Instructions per request of each page, counted by valgrind's callgrind.

    DATABASE_URL=sqlite:////tmp/perf.db .venv/bin/python benchmarks/instructions.py
        [--requests 100] [--warm-up 20] [PATH ...]

Timings on this machine drift by tens of percent from one minute to the next; an
instruction count does not (the same run twice differs by about 0.1%), so this is the
measure to compare two versions of the code by. For each page it runs `pages.py --only PATH`
under callgrind twice, with W and with W + N requests, and divides the difference by N:
imports, building the app and the warm-up cancel out. It takes about a minute per page (two
pages at a time), on a database that `flask seed` filled.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = ["/", "/index", "/explore", "/user/user00002", "/post/1", "/auth/login"]


def instructions(path: str, requests: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(HERE / "pages.py"),
        f"--only={path}",
        f"--requests={requests}",
    ]
    # A fixed hash seed: with a random one, starting up alone varies by tens of millions.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", output).group(1).replace(",", ""))


def per_request(path: str, warm_up: int, requests: int) -> float:
    return (instructions(path, warm_up + requests) - instructions(path, warm_up)) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES, metavar="PATH")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warm-up", type=int, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database that `flask seed` filled.")
    if not shutil.which("valgrind"):
        sys.exit("valgrind is missing: install it (Debian: `apt-get install -y valgrind`).")
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = pool.map(lambda path: per_request(path, args.warm_up, args.requests), args.pages)
        for path, count in zip(args.pages, counts, strict=True):
            print(f"{path:20} {count / 1e6:7.2f} M instructions per request")


if __name__ == "__main__":
    main()
