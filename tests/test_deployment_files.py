"""The book's deployment files agree with each other and with the app: docker-compose.yml
parses and wires web, the workers, PostgreSQL and Redis together, the worker listens on the
app's queue and the federation worker runs the app's command wherever they are started, and
the image starts boot.sh on the port gunicorn binds.
(The image itself is built by hand, not here: building downloads.)"""

import re
import shlex
import subprocess

import pytest
from sqlalchemy.engine import make_url

from config import Config
from tests.system.harness import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML comes with requirements-test.txt")

PASSWORD = "a-compose-password"


def compose() -> dict:
    """docker-compose.yml as Compose reads it, with ${POSTGRES_PASSWORD:?...} from .env."""
    text = (ROOT / "docker-compose.yml").read_text()
    text = re.sub(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", PASSWORD, text)
    assert "${" not in text, "a variable the test does not fill in"
    return yaml.safe_load(text)


def worker_args(command: list[str]) -> tuple[str, str, str]:
    """The worker class, Redis URL and queue of an `rq worker` command line."""
    assert command[0].rpartition("/")[2] == "rq" and command[1] == "worker"
    options = dict(zip(command[2:-1:2], command[3:-1:2], strict=True))
    return options["--worker-class"], options["--url"], command[-1]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line)


def test_compose_runs_web_workers_postgresql_and_redis():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "federation", "db", "redis"}
    web, db = services["web"], services["db"]
    for worker in (services["worker"], services["federation"]):
        assert web["build"] == worker["build"] == "."
        assert web["image"] == worker["image"]
        assert web["env_file"] == worker["env_file"] == ".env"
        assert web["environment"] == worker["environment"]
        assert set(worker["depends_on"]) == {"web", "redis"}
    assert web["command"] == ["./boot.sh"]
    database = make_url(web["environment"]["DATABASE_URL"])
    assert (database.host, database.username, database.password, database.database) == (
        "db",
        db["environment"]["POSTGRES_USER"],
        db["environment"]["POSTGRES_PASSWORD"],
        db["environment"]["POSTGRES_DB"],
    )
    assert db["environment"]["POSTGRES_PASSWORD"] == PASSWORD
    assert make_url(web["environment"]["REDIS_URL"]).host == "redis"
    assert [port.split(":")[-1] for port in web["ports"]] == ["5000"]


def test_every_worker_listens_on_the_apps_queue():
    services = compose()["services"]
    processes = procfile()
    unit = (ROOT / "deployment" / "microblog-worker.service").read_text()
    [unit_command] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    compose_worker = worker_args(services["worker"]["command"])
    heroku_worker = worker_args(shlex.split(processes["worker"]))
    systemd_worker = worker_args(shlex.split(unit_command.removeprefix("ExecStart=")))
    assert compose_worker[1] == services["web"]["environment"]["REDIS_URL"]
    assert heroku_worker[1] == "$REDIS_URL"
    assert systemd_worker[1] == "${REDIS_URL}"
    for worker_class, _, queue in (compose_worker, heroku_worker, systemd_worker):
        assert (worker_class, queue) == ("app.worker.AppWorker", Config.TASKS_QUEUE)
    assert processes["web"] == "./boot.sh"


def test_the_federation_worker_runs_the_apps_command_everywhere(make_app):
    """Compose, the Procfile and systemd start `flask federation worker`, the command that works
    the deliveries' and the inbox's queues (tests/federation/test_inbox_rq.py runs it)."""
    unit = (ROOT / "deployment" / "microblog-federation.service").read_text()
    [unit_command] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    commands = [
        compose()["services"]["federation"]["command"],
        shlex.split(procfile()["federation"]),
        shlex.split(unit_command.removeprefix("ExecStart=")),
    ]
    assert commands[2][0] == "/srv/microblog/.venv/bin/flask"
    for command in commands:
        assert command[0].rpartition("/")[2] == "flask"
        assert command[1:] == ["federation", "worker"]
    assert "EnvironmentFile=/srv/microblog/.env" in unit  # REDIS_URL, DATABASE_URL...
    result = make_app().test_cli_runner().invoke(args=[*commands[0][1:], "--help"])
    assert result.exit_code == 0 and "handle those they sent" in result.output


def test_image_starts_boot_sh_on_the_port_it_exposes():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    instructions = [line for line in lines if line.strip() and not line.startswith(("#", " "))]
    # The base is a build argument, so an image made from Debian packages can stand in.
    assert instructions[0].startswith("ARG BASE_IMAGE=")
    assert instructions[1] == "FROM ${BASE_IMAGE}"
    text = "\n".join(lines)
    assert 'CMD ["./boot.sh"]' in text
    assert "GUNICORN_BIND=0.0.0.0:5000" in text
    assert "EXPOSE 5000" in text
    assert "USER microblog" in text
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored  # secrets never go into an image


def test_boot_sh_is_executable_in_a_clone():
    # Heroku and the image run ./boot.sh straight from what git stores.
    staged = subprocess.run(
        ["git", "ls-files", "--stage", "boot.sh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert staged.startswith("100755 ")
