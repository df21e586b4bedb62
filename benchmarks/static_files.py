"""Bytes of CSS and JS a first page view downloads, per Accept-Encoding, and how many static
requests a second view makes.

    .venv/bin/flask static build && .venv/bin/python benchmarks/static_files.py

"Before" is what base.html loaded until the static build (Bootstrap-Flask's load_css() and
load_js(): Bootstrap's CSS and JS, Popper, microblog.css and .js), sent plain with
`Cache-Control: no-cache`; "after" is every file the login page links now, fetched from the app
(WhiteNoise) with each encoding. Sizes are of bodies, without headers.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.static_files import BOOTSTRAP_ROOT  # noqa: E402

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"
BEFORE = [
    BOOTSTRAP_ROOT / "css/bootstrap.min.css",
    BOOTSTRAP_ROOT / "umd/popper.min.js",
    BOOTSTRAP_ROOT / "js/bootstrap.min.js",
    STATIC / "microblog.css",
    STATIC / "microblog.js",
]
SETTINGS = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32}


def main() -> None:
    app = create_app(SETTINGS)
    if not app.extensions["static_manifest"]:
        sys.exit("run `flask static build` first")
    client = app.test_client()
    page = client.get("/auth/login").text
    urls = [u for u in re.findall(r'(?:href|src)="(/static/[^"]+)"', page) if "favicon" not in u]
    before = sum(path.stat().st_size for path in BEFORE)
    print(f"before: {len(BEFORE)} files, {before:,} bytes, every encoding; revalidated each view")
    for encoding in ("identity", "gzip", "br"):
        sizes = []
        for url in urls:
            response = client.get(url, headers={"Accept-Encoding": encoding})
            sizes.append(len(response.get_data()))
            cache = response.headers["Cache-Control"]
            response.close()
        print(f"after, {encoding}: {len(urls)} files, {sum(sizes):,} bytes ({cache})")


if __name__ == "__main__":
    main()
