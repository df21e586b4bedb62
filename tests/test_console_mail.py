"""Without MAIL_SERVER, mail is printed for a person to read (app/email.py console_text)."""

from app.email import send_email
from app.extensions import mail


def test_the_console_shows_the_decoded_subject_the_text_part_and_attachment_names(app, capsys):
    with app.test_request_context(), mail.record_messages() as outbox:
        send_email(
            "[Microblog] Tus publicaciones — 导出",
            ["susan@example.com"],
            "export_posts",
            attachments=[
                ("posts.json", "application/json", b'{"posts": ["' + b"x" * 5000 + b'"]}')
            ],
            user={"username": "susan"},
        )
    assert len(outbox) == 1
    out = capsys.readouterr().out
    assert "MAIL_SERVER is not set" in out
    assert "Subject: [Microblog] Tus publicaciones — 导出" in out  # not =?utf-8?b?…?=
    assert "From: microblog <no-reply@localhost>" in out
    assert "To: susan@example.com" in out
    assert "Attachment: posts.json (application/json, 5015 bytes)" in out
    assert "xxxxxxxxxx" not in out  # named, not dumped
    assert "<html" not in out.lower() and "Content-Transfer-Encoding" not in out
    assert "Dear susan" in out
