"""WSGI entry point: `gunicorn bot.wsgi:app`."""

import logging

from app.compose import build_app

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
app = build_app()
