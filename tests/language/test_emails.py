"""Mail to a user speaks the language they picked, whatever the browser that caused it."""

from app.extensions import mail
from tests.conftest import PASSWORD, AuthActions, add_user


def test_a_reset_link_comes_in_the_accounts_language(client, make_user):
    make_user("susan", locale="es")
    with mail.record_messages() as outbox:
        client.post(
            "/auth/reset_password_request",
            data={"email": "susan@example.com"},
            headers={"Accept-Language": "zh-CN"},
        )
    (message,) = outbox
    assert message.subject == "[Microblog] Restablece tu contraseña"
    assert "Hola, susan:" in message.body
    assert "(sirve una sola vez, durante 10 minutos)" in message.body
    assert "Hola, susan:" in message.html


def test_without_a_pick_mail_caused_by_a_page_is_in_the_pages_language(client, make_user):
    make_user("susan")
    with mail.record_messages() as outbox:
        client.post(
            "/auth/reset_password_request",
            data={"email": "susan@example.com"},
            headers={"Accept-Language": "es-ES"},
        )
    assert outbox[0].subject == "[Microblog] Restablece tu contraseña"


def test_someone_signing_up_with_your_address_is_told_to_you_in_your_language(client, make_user):
    make_user("susan", locale="zh_CN")
    with mail.record_messages() as outbox:
        client.post(
            "/auth/register",
            data={
                "username": "impostor",
                "email": "susan@example.com",
                "password": "a long new passphrase",
                "password2": "a long new passphrase",
            },
            headers={"Accept-Language": "es"},
        )
    (message,) = outbox
    assert message.subject == "[Microblog] 有人试图用你的电子邮件地址注册"
    assert "susan，你好：" in message.body


def test_the_export_comes_in_the_users_language(make_app):
    # Sent by a background task, with no page to take a language from.
    app = make_app(REDIS_URL=None)
    client = app.test_client()
    add_user(app, "susan", locale="es")
    AuthActions(client).login("susan", PASSWORD)
    with mail.record_messages() as outbox:
        client.post("/export_posts", headers={"Accept-Language": "zh-CN"})
    (message,) = outbox
    assert message.subject == "[Microblog] Tus publicaciones"
    assert "Te adjuntamos el archivo con tus publicaciones" in message.body
