"""What the desk's views share: the CSRF extension, session length, templates and static files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_wtf.csrf import CSRFProtect

ROOT = Path(__file__).resolve().parent.parent.parent
SESSION_HOURS = 8  # a signed-in leader's working day
csrf = CSRFProtect()
# Templates in templates/desk/, static files (ECharts, CSS) in static/ at the repository root.
assets_bp = Blueprint(
    "desk_assets",
    __name__,
    template_folder=str(ROOT / "templates"),
    static_folder=str(ROOT / "static"),
    static_url_path="/desk/static",
)
