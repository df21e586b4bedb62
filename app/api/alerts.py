"""Alerts: your notifications (who mentioned you), newest first (with a token)."""

from flask import url_for

from app.api.auth import token_required, token_user
from app.api.blueprint import bp
from app.api.paging import collection
from app.models import Alert
from app.models.types import iso


def alert_to_dict(alert: Alert, read_until) -> dict:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "timestamp": iso(alert.timestamp),
        "unread": read_until is None or alert.timestamp > read_until,
        "actor": {
            "id": alert.actor.id,
            "username": alert.actor.username,
            "_links": {"self": url_for("api.get_user", id=alert.actor.id)},
        },
        "post_id": alert.post_id,
        "_links": {"post": url_for("api.get_post", id=alert.post_id) if alert.post_id else None},
    }


@bp.get("/alerts")
@token_required
def get_alerts():
    """Your notifications, newest first."""
    user = token_user()
    read_until = user.last_alert_read_time
    return collection(
        Alert.received_by(user), lambda alert: alert_to_dict(alert, read_until), "api.get_alerts"
    )
