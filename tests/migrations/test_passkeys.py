"""Migration 0014 adds the passkey table: credential ids unique as bytes, rows removed with
their user, and a downgrade that drops it and keeps the users."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, 123456)


def passkey_row(user_id: int, credential_id: bytes, name: str = "Laptop") -> dict:
    return {
        "user_id": user_id,
        "credential_id": credential_id,
        "public_key": b"\xa5\x01\x02" + bytes(200),
        "sign_count": 2**32 - 1,  # the counter is unsigned 32-bit: past a signed int's range
        "transports": ["usb", "nfc"],
        "name": name,
        "created_at": NOW,
        "last_used_at": None,
    }


def test_passkeys_table_up_and_down(app, scripts):
    before = scripts.get_revision("0014").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": NOW, "mike": NOW})

        flask_migrate.upgrade(revision="0014")
        passkey = sa.Table("passkey", sa.MetaData(), autoload_with=db.engine)
        passkey.c.transports.type = sa.JSON()  # MariaDB reflects JSON as LONGTEXT
        user = user_table()
        with db.engine.begin() as connection:
            ids = dict(connection.execute(sa.select(user.c.username, user.c.id)).all())
            long_id = bytes(range(256)) * 3 + bytes(255)  # 1023 bytes, every byte value
            connection.execute(
                passkey.insert(),
                [passkey_row(ids["susan"], long_id), passkey_row(ids["mike"], b"\x00\xff")],
            )
            row = connection.execute(
                sa.select(passkey).where(passkey.c.credential_id == long_id)
            ).one()
            assert row.user_id == ids["susan"]
            assert row.sign_count == 2**32 - 1
            assert row.transports == ["usb", "nfc"]
            assert row.created_at.replace(tzinfo=None) == NOW

        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(passkey.insert(), passkey_row(ids["mike"], long_id, "Copy"))

        with db.engine.begin() as connection:
            connection.execute(user.delete().where(user.c.username == "susan"))
            left = connection.execute(sa.select(passkey.c.credential_id)).scalars().all()
            assert left == [b"\x00\xff"]

        flask_migrate.downgrade(revision=before)
        assert "passkey" not in sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            names = connection.execute(sa.select(user_table().c.username)).scalars().all()
        assert names == ["mike"]
