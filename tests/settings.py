"""The app's settings in tests, and the password every test user has."""

import os

# MICROBLOG_TEST_SPEEDUPS=off runs the suite on the plain app (`make test-plain`): the
# pages must be the same, and the tests of a speed-up itself (marked speedups) are skipped.
SPEEDUPS = os.environ.get("MICROBLOG_TEST_SPEEDUPS", "on").strip().lower() != "off"

# Cheap Argon2 settings: the production cost is the point in production, not in tests.
TEST_CONFIG = {
    "SPEEDUPS": SPEEDUPS,
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    # The test client's scheme (production's default is https).
    "PREFERRED_URL_SCHEME": "http",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # Each app counts alone, so no test sees another's counts (the default is a shared file).
    "RATELIMIT_STORAGE_URI": "memory://",
    "MAIL_SERVER": None,
    "MAIL_ASYNC": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
}

PASSWORD = "correct horse"
