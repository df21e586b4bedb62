from app.account import deletion, email_change, security_log  # noqa: F401 (their routes)
from app.account.routes import bp

__all__ = ["bp"]
