"""gunicorn settings: `gunicorn microblog:app` reads this file from the working directory."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# Kill a worker stuck on one request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 20
# Workers are not recycled: a new one spends about a second building the app while the
# requests queued on it wait (p99 of 0.4-0.6 s in benchmarks/bench.py), and a five-minute
# soak (benchmarks/system.py) shows a worker's memory levelling off, not leaking.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 0)
# Access logs cost time on every request; nginx keeps its own. Set to "-" for stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* headers are believed by the app's ProxyFix alone, as far as TRUSTED_PROXIES
# says; gunicorn believes none, or any local client could claim HTTPS with TRUSTED_PROXIES=0.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
