import pytest

from app.extensions import babel
from tests.test_translations import LANGUAGES, compile_if_stale


@pytest.fixture(autouse=True)
def compiled_catalogs(app):
    """Every catalog compiled, and Flask-Babel's catalog cache (one for all apps) empty, so
    no test sees a catalog cached before its .mo existed."""
    for language in LANGUAGES:
        compile_if_stale(language)
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield
    with app.app_context():
        babel.domain_instance.cache.clear()


def lang(response) -> str:
    """The page's language, as its <html lang> says."""
    return response.text.split('<html lang="', 1)[1].split('"', 1)[0]
