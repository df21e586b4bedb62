"""The project as a reader has it after `git clone`, and `flask` run in it as they would."""

import os
import shutil
import subprocess
from pathlib import Path

from tests.system.harness import BIN, ROOT


def copy_project(folder: Path) -> Path:
    """The project's tracked files, as they are now, in `folder`/microblog, a git repo."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    copy = folder / "microblog"
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    return copy


def reader_env() -> dict[str, str]:
    """A shell with the venv active and nothing of ours set (.flaskenv names the app)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    for name in ("SECRET_KEY", "SERVER_NAME", "DATABASE_URL", "MAIL_SERVER", "REDIS_URL"):
        env.pop(name, None)
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    return env


def flask(copy: Path, *args: str) -> subprocess.CompletedProcess:
    """`flask <args>` in the copy, which must succeed without a traceback."""
    done = subprocess.run(
        ["flask", *args], cwd=copy, env=reader_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


def untracked(copy: Path) -> list[str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in status.splitlines() if line.startswith("??")]
