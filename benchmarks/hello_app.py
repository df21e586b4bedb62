"""The floor: a one-route Flask app served the same way as microblog."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
