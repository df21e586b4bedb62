"""Settings, read from the environment (and an optional .env file) under the tutorial's names."""

import os
from pathlib import Path

from dotenv import load_dotenv

basedir = Path(__file__).resolve().parent
load_dotenv(basedir / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    """A comma-separated setting as a list, without blanks."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_seconds(name: str, default: str) -> list[int]:
    """A comma-separated list of seconds (retry intervals); set but empty: none, no retries."""
    return [int(item) for item in os.environ.get(name, default).split(",") if item.strip()]


def database_url(url: str | None) -> str:
    """The SQLAlchemy URL for DATABASE_URL, accepting Heroku's old ``postgres://`` form."""
    if not url:
        return f"sqlite:///{basedir / 'app.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("mysql://"):
        url = "mysql+pymysql://" + url.removeprefix("mysql://")
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "microblog <no-reply@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT") or 10)
    # Send mail from a background thread so a slow SMTP server never holds a page.
    MAIL_ASYNC = env_bool("MAIL_ASYNC", True)
    # With REDIS_URL, a mail that could not be sent is tried again after these many seconds
    # (set but empty: tried once).
    MAIL_RETRY_INTERVALS = env_seconds("MAIL_RETRY_INTERVALS", "10,60,300")
    ADMINS = env_list("ADMINS")

    LOG_TO_STDOUT = env_bool("LOG_TO_STDOUT")
    LANGUAGES = ["en", "es", "zh_CN"]
    POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE") or 25)
    # People on a post's "who liked" page.
    LIKES_PER_PAGE = int(os.environ.get("LIKES_PER_PAGE") or 40)
    # The front page shows visitors the newest posts; off, it invites them to sign up instead.
    PUBLIC_TIMELINE = env_bool("PUBLIC_TIMELINE", True)
    # Posts in each Atom/JSON feed (newest first); the feeds are public when PUBLIC_TIMELINE is.
    FEED_POSTS = int(os.environ.get("FEED_POSTS") or 20)
    RESET_TOKEN_TTL = int(os.environ.get("RESET_TOKEN_TTL") or 600)
    CONFIRM_TOKEN_TTL = int(os.environ.get("CONFIRM_TOKEN_TTL") or 86400)
    # `flask accounts prune` removes accounts left unconfirmed longer than this.
    UNCONFIRMED_ACCOUNT_DAYS = int(os.environ.get("UNCONFIRMED_ACCOUNT_DAYS") or 7)
    # Email the user when their account is signed in to from a browser it never was.
    NEW_SIGN_IN_EMAIL = env_bool("NEW_SIGN_IN_EMAIL", True)
    # `flask accounts prune` deletes the records of sessions ended longer ago than this.
    ENDED_SESSION_DAYS = int(os.environ.get("ENDED_SESSION_DAYS") or 30)
    # Days the old address's "this wasn't me" link undoes an email change.
    EMAIL_CHANGE_UNDO_DAYS = int(os.environ.get("EMAIL_CHANGE_UNDO_DAYS") or 7)
    # Days a deleted account's username (and its look-alikes) stays out of reach of sign-ups.
    DELETED_USERNAME_RESERVED_DAYS = int(os.environ.get("DELETED_USERNAME_RESERVED_DAYS") or 30)
    # Days the security log keeps an event (`flask accounts prune` removes older ones).
    SECURITY_LOG_DAYS = int(os.environ.get("SECURITY_LOG_DAYS") or 90)
    API_TOKEN_TTL = int(os.environ.get("API_TOKEN_TTL") or 3600)

    # Every speed-up (app/speedups/): off, the plain app of the tutorial, with the same pages.
    SPEEDUPS = env_bool("SPEEDUPS", True)

    REDIS_URL = os.environ.get("REDIS_URL")
    # With REDIS_URL, background tasks go to this RQ queue; without, to a thread of the app.
    TASKS_QUEUE = os.environ.get("TASKS_QUEUE", "microblog-tasks")
    # Fediverse requests (app/federation/): seconds to connect and between bytes read, the
    # largest document fetched, and the RQ queues' prefix (one queue per host: prefix + host).
    FEDERATION_TIMEOUT = float(os.environ.get("FEDERATION_TIMEOUT") or 10)
    FEDERATION_MAX_DOCUMENT_BYTES = int(os.environ.get("FEDERATION_MAX_DOCUMENT_BYTES") or 1 << 20)
    FEDERATION_QUEUE_PREFIX = os.environ.get("FEDERATION_QUEUE_PREFIX", "federation:")
    # A failed delivery is tried again after each of these many seconds (about 18 hours in all).
    FEDERATION_RETRY_INTERVALS = env_seconds(
        "FEDERATION_RETRY_INTERVALS", "60,180,540,1620,4860,14580,43740"
    )
    # How often `flask federation worker` looks for the queues of hosts new to it and for the
    # retries that are due, in seconds: a new host's first delivery, or a retry, waits up to
    # this long; a shorter wait costs Redis a few commands more each time.
    FEDERATION_WORKER_POLL_SECONDS = float(os.environ.get("FEDERATION_WORKER_POLL_SECONDS") or 5)
    # A remote post's image that could not be had for a reason that may pass (no answer, a
    # server error) is fetched again after each of these many seconds (with REDIS_URL).
    FEDERATION_IMAGE_RETRY_INTERVALS = env_seconds(
        "FEDERATION_IMAGE_RETRY_INTERVALS", "60,600,3600"
    )
    # A remote actor read longer ago than this many seconds is fetched again, in the
    # background, when it is next used (app/activitypub/refresh.py).
    FEDERATION_ACTOR_MAX_AGE = int(os.environ.get("FEDERATION_ACTOR_MAX_AGE") or 86400)
    # Activities other servers send us are handled by a job on this RQ queue (with REDIS_URL;
    # unset: FEDERATION_QUEUE_PREFIX + "inbox", set by app/federation/inbox_queue.py), tried
    # again after each of these many seconds when it fails for a reason that may pass.
    FEDERATION_INBOX_QUEUE = os.environ.get("FEDERATION_INBOX_QUEUE")
    FEDERATION_INBOX_RETRY_INTERVALS = env_seconds("FEDERATION_INBOX_RETRY_INTERVALS", "30,120,600")
    # A post (or account) deleted on another server is not made again here by a late Create,
    # an Update or a boost for this many days (`flask accounts prune` forgets older ones).
    FEDERATION_TOMBSTONE_DAYS = int(os.environ.get("FEDERATION_TOMBSTONE_DAYS") or 90)
    # Development only (the app refuses to start with them outside --debug or tests): fetch
    # from and deliver to addresses on this machine or its network, and over plain http.
    FEDERATION_ALLOW_PRIVATE_ADDRESSES = env_bool("FEDERATION_ALLOW_PRIVATE_ADDRESSES")
    FEDERATION_ALLOW_HTTP = env_bool("FEDERATION_ALLOW_HTTP")
    # Unset (and no REDIS_URL): a SQLite file in the instance folder, shared by every worker.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    # If Redis goes away, count in this process's memory (with a logged warning) and keep serving.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Password checks (web login, API tokens, change password) per client address...
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # ...and per account, whatever addresses they come from.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per minute")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per minute")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per minute")
    TRANSLATE_RATE_LIMIT = os.environ.get("TRANSLATE_RATE_LIMIT", "30 per minute")
    # Reports of posts and users (site and API), per client address and per account.
    REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "10 per hour")
    # Deliveries to the inboxes from one address, counted before their signatures are checked...
    INBOX_RATE_LIMIT = os.environ.get("INBOX_RATE_LIMIT", "300 per minute")
    # ...and from one server (the host of the actor whose signature verified), from any address.
    INBOX_HOST_RATE_LIMIT = os.environ.get("INBOX_HOST_RATE_LIMIT", "300 per minute")
    # Signed GETs of our documents (ACTIVITYPUB_AUTHORIZED_FETCH) from one server, once verified.
    FETCH_HOST_RATE_LIMIT = os.environ.get("FETCH_HOST_RATE_LIMIT", "300 per minute")

    # Argon2id at OWASP's recommended floor or above (m=19 MiB, t=2, p=1 is the minimum).
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST") or 3)
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST") or 65536)
    ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM") or 4)

    # The site's public host[:port] and scheme: every link in an email is built from them,
    # never from the request's Host header (required outside debug mode).
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    # ActivityPub ids are these URLs and other servers keep them for good: served only when
    # they are https, unless this is on (development, on a site without HTTPS).
    ACTIVITYPUB_ALLOW_HTTP = env_bool("ACTIVITYPUB_ALLOW_HTTP")
    # Serve the ActivityPub collections and Notes only to requests signed by another server's
    # actor (Mastodon's "authorized fetch"): unsigned ones get a 401.
    ACTIVITYPUB_AUTHORIZED_FETCH = env_bool("ACTIVITYPUB_AUTHORIZED_FETCH")
    # Posts, followers or following on each page of an ActivityPub collection.
    ACTIVITYPUB_PAGE_SIZE = int(os.environ.get("ACTIVITYPUB_PAGE_SIZE") or 20)
    # Hosts answered besides SERVER_NAME's; any other Host header gets a 400.
    TRUSTED_HOSTS = env_list("TRUSTED_HOSTS")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES") or 0)
    # Larger request bodies are refused with 413 before they are read.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH") or 1024 * 1024)
    # Images in posts (app/media/): the folder they are kept in (default: instance/media),
    # the largest upload (bytes), the most pixels decoded (more is refused as a decompression
    # bomb), the long side they are stored at and that of their thumbnails. A post's form may
    # send four such images: its body limit is raised to match (app/media/uploads.py).
    MEDIA_FOLDER = os.environ.get("MEDIA_FOLDER") or None
    MEDIA_MAX_BYTES = int(os.environ.get("MEDIA_MAX_BYTES") or 8 * 1024 * 1024)
    MEDIA_MAX_PIXELS = int(os.environ.get("MEDIA_MAX_PIXELS") or 40_000_000)
    MEDIA_IMAGE_SIZE = int(os.environ.get("MEDIA_IMAGE_SIZE") or 2048)
    MEDIA_THUMBNAIL_SIZE = int(os.environ.get("MEDIA_THUMBNAIL_SIZE") or 400)
    # Seconds a client may take to send a request's body (under gunicorn's worker timeout).
    REQUEST_BODY_TIMEOUT = float(os.environ.get("REQUEST_BODY_TIMEOUT") or 10)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")

    # Seconds after a password (or passkey) check during which account changes need no other.
    FRESH_AUTH_SECONDS = int(os.environ.get("FRESH_AUTH_SECONDS") or 600)
    # Seconds between the password and the two-factor code of one login.
    TWO_FACTOR_PENDING_SECONDS = int(os.environ.get("TWO_FACTOR_PENDING_SECONDS") or 300)
    # The name authenticator apps show above the account's codes.
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Microblog")
    # Two-factor codes tried (login, enrolment, API tokens) per client address and per account:
    # a code has a million values, three valid at a time.
    TWO_FACTOR_RATE_LIMIT = os.environ.get("TWO_FACTOR_RATE_LIMIT", "10 per minute")
    TWO_FACTOR_ACCOUNT_RATE_LIMIT = os.environ.get(
        "TWO_FACTOR_ACCOUNT_RATE_LIMIT", "5 per minute; 30 per hour"
    )

    BOOTSTRAP_SERVE_LOCAL = True
    # Where `flask static build` writes the fingerprinted, compressed files WhiteNoise serves.
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR") or str(basedir / "app" / "static-build")
    # "identicon" (drawn by the app, no third-party request) or "gravatar".
    AVATAR_PROVIDER = os.environ.get("AVATAR_PROVIDER", "identicon")

    # "" (no Translate links), "microsoft" or "deepl". The URLs are settable for tests.
    TRANSLATOR = os.environ.get("TRANSLATOR", "").strip().lower()
    MS_TRANSLATOR_KEY = os.environ.get("MS_TRANSLATOR_KEY")
    MS_TRANSLATOR_REGION = os.environ.get("MS_TRANSLATOR_REGION")
    MS_TRANSLATOR_URL = os.environ.get(
        "MS_TRANSLATOR_URL", "https://api.cognitive.microsofttranslator.com"
    )
    DEEPL_API_KEY = os.environ.get("DEEPL_API_KEY")
    DEEPL_API_URL = os.environ.get("DEEPL_API_URL", "https://api-free.deepl.com")
    TRANSLATOR_TIMEOUT = float(os.environ.get("TRANSLATOR_TIMEOUT") or 5)
