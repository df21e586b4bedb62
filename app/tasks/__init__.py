from app.tasks.routes import bp
from app.tasks.runner import init_app

__all__ = ["bp", "init_app"]
