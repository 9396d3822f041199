"""WSGI entry point for any server: ``gunicorn api.wsgi:app``."""

from bingpin.api import create_app

app = create_app()
