"""`flask translate …`: the tutorial's translation workflow, on top of pybabel."""

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.seed import seed

APP_DIR = Path(__file__).resolve().parent
TRANSLATIONS = APP_DIR / "translations"
POT_FILE = APP_DIR.parent / "messages.pot"
BABEL_CFG = APP_DIR.parent / "babel.cfg"

translate = AppGroup("translate", help="Translation and localization commands.")


def pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, check=False).returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


def extract() -> None:
    pybabel("extract", "-F", str(BABEL_CFG), "-k", "_l", "-o", str(POT_FILE), str(APP_DIR))


@translate.command()
def update() -> None:
    """Update all languages from the source code."""
    extract()
    pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS))
    POT_FILE.unlink()


@translate.command()
def compile() -> None:
    """Compile all languages."""
    pybabel("compile", "-d", str(TRANSLATIONS))


@translate.command()
@click.argument("lang")
def init(lang: str) -> None:
    """Initialize a new language."""
    extract()
    pybabel("init", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "-l", lang)
    POT_FILE.unlink()


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(seed)
