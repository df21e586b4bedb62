from app.activitypub.keys import init_app
from app.activitypub.routes import bp

__all__ = ["bp", "init_app"]
