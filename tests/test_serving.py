"""The app under gunicorn, as production serves it: which forwarded headers it believes,
bodies cut short, and the settings it refuses to start without; and the `flask` commands
that need none of those settings."""

import socket
import subprocess
from urllib.parse import urlsplit

import pytest
import requests

from tests.serving import BIN, HOST, ROOT, flask, gunicorn, production_env

pytestmark = pytest.mark.xdist_group("gunicorn")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # A short body timeout and worker timeout, so the old behaviour fails fast.
    settings = {"REQUEST_BODY_TIMEOUT": "1", "GUNICORN_TIMEOUT": "20"}
    with gunicorn(tmp_path_factory.mktemp("serving"), **settings) as url:
        yield url


def test_forwarded_proto_from_a_local_client_is_ignored_without_trusted_proxies(site):
    response = requests.get(
        f"{site}/auth/login", headers={"X-Forwarded-Proto": "https"}, timeout=30
    )
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert "session=" in response.headers["Set-Cookie"]
    assert "Secure" not in response.headers["Set-Cookie"]


def test_forwarded_host_is_ignored_without_trusted_proxies(site):
    response = requests.get(
        f"{site}/static//microblog.js",
        headers={"X-Forwarded-Host": "evil.example"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 308
    assert urlsplit(response.headers["Location"]).netloc == urlsplit(site).netloc


def test_foreign_host_header_gets_a_400(site):
    response = requests.get(f"{site}/auth/login", headers={"Host": "evil.example"}, timeout=30)
    assert response.status_code == 400


def send_short_body(url: str, close: bool) -> bytes:
    """POST a form that promises 100 bytes and sends 21; return the whole answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        sock.sendall(
            b"POST /auth/login HTTP/1.1\r\n"
            + f"Host: {parts.netloc}\r\n".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100\r\n\r\nusername=a&password=b"
        )
        if close:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("close", [False, True], ids=["stalled", "closed"])
def test_body_shorter_than_its_length_is_a_400_not_a_500(site, close):
    answer = send_short_body(site, close)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    # The worker is free again.
    assert requests.get(f"{site}/auth/login", timeout=30).status_code == 200


def test_gunicorn_refuses_to_start_without_server_name(tmp_path):
    env = production_env(tmp_path / "app.db")
    env.pop("SERVER_NAME", None)
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-w", "1", "-b", f"{HOST}:0", "microblog:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SERVER_NAME is not set" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "args",
    [["db", "upgrade"], ["db", "check"], ["translate", "compile"], ["routes"], ["db", "current"]],
)
def test_commands_that_sign_nothing_run_without_secret_key_or_server_name(tmp_path, args):
    env = production_env(tmp_path / "app.db")
    for name in ("SECRET_KEY", "SERVER_NAME"):
        env.pop(name, None)
    if args[0] != "db" or args[1] != "upgrade":
        assert flask(["db", "upgrade"], env).returncode == 0
    done = flask(args, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_flask_run_without_server_name_prints_one_line(tmp_path):
    env = production_env(tmp_path / "app.db")
    env.pop("SERVER_NAME", None)
    done = flask(["run", "--port", "0"], env)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "Error: SERVER_NAME is not set" in done.stderr


def test_upgrade_leaves_nothing_beside_the_database(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    env = production_env(folder / "app.db")
    done = flask(["db", "upgrade"], env)
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["app.db"]
