"""nginx serves the static build as the app does (deployment/nginx-microblog.conf's location):
the .gz beside each file for gzip clients, a year's immutable cache for fingerprinted names."""

import gzip
import json
import re

import pytest
import requests

from app.static_files import BOOTSTRAP_ROOT

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]


def test_nginx_serves_the_build_compressed_and_cached(stack):
    page = requests.get(f"{stack.url}/auth/login", timeout=10).text
    manifest = json.loads((stack.dir / "static-build" / "manifest.json").read_text())
    url = f"/static/{manifest['bootstrap/css/bootstrap.min.css']}"
    assert f'href="{url}"' in page
    response = requests.get(
        f"{stack.url}{url}", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10
    )
    body = response.raw.read()
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(body) == (BOOTSTRAP_ROOT / "css/bootstrap.min.css").read_bytes()


def test_nginx_gives_plain_names_a_short_cache(stack):
    response = requests.get(f"{stack.url}/static/microblog.css", timeout=10)
    assert response.status_code == 200
    assert re.fullmatch(r"public, max-age=\d{1,3}", response.headers["Cache-Control"])
