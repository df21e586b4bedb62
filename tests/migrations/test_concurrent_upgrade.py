"""Two instances that start at the same moment on an empty database migrate it once."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def test_simultaneous_upgrades_run_each_migration_once(database_url):
    env = {
        **os.environ,
        "FLASK_APP": "microblog.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "concurrent-upgrade-test",
    }
    processes = [
        subprocess.Popen(
            [FLASK, "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    combined = "".join(outputs)
    assert combined.count("Running upgrade  -> 0001") == 1, combined
    assert combined.count("Running upgrade 0001 -> 0002") == 1, combined
