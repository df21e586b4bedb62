import pytest

from app import create_app
from app.federation import UnsafeFederationSetting
from config import Config
from tests.settings import TEST_CONFIG

SERVING = {**TEST_CONFIG, "TESTING": False, "DEBUG": False, "SERVER_NAME": "blog.example"}


def test_the_development_settings_are_off_by_default():
    assert Config.FEDERATION_ALLOW_PRIVATE_ADDRESSES is False
    assert Config.FEDERATION_ALLOW_HTTP is False


@pytest.mark.parametrize("setting", ["FEDERATION_ALLOW_PRIVATE_ADDRESSES", "FEDERATION_ALLOW_HTTP"])
def test_an_app_serving_for_real_refuses_to_start_with_them(setting):
    with pytest.raises(UnsafeFederationSetting, match=f"{setting} is on"):
        create_app({**SERVING, setting: True})


@pytest.mark.parametrize("mode", [{"DEBUG": True}, {"TESTING": True}])
@pytest.mark.parametrize("setting", ["FEDERATION_ALLOW_PRIVATE_ADDRESSES", "FEDERATION_ALLOW_HTTP"])
def test_debug_and_testing_apps_may_use_them(setting, mode):
    app = create_app({**SERVING, setting: True, **mode})
    assert app.config[setting] is True


def test_an_app_serving_for_real_starts_without_them():
    assert create_app(SERVING).config["FEDERATION_ALLOW_HTTP"] is False


@pytest.mark.parametrize(
    ("settings", "queue"),
    [
        ({}, "federation:inbox"),
        ({"FEDERATION_QUEUE_PREFIX": "site-a:"}, "site-a:inbox"),
        ({"FEDERATION_QUEUE_PREFIX": "site-b:"}, "site-b:inbox"),
        ({"FEDERATION_QUEUE_PREFIX": "site-a:", "FEDERATION_INBOX_QUEUE": "mine"}, "mine"),
    ],
)
def test_the_inbox_queue_is_under_the_queue_prefix(settings, queue):
    # Two sites sharing a Redis, each with a prefix of its own, share no inbox queue.
    assert create_app({**TEST_CONFIG, **settings}).config["FEDERATION_INBOX_QUEUE"] == queue
