"""`GET /api/openapi.json`, public: bot/openapi.yaml plus request schemas from pydantic."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify

from bot.actions_api import ActionRequest
from bot.bridge import BridgeMessage

DOCUMENT = Path(__file__).with_name("openapi.yaml")
openapi_bp = Blueprint("openapi", __name__, url_prefix="/api")


@cache
def openapi_document() -> dict:
    """Build the document once per process."""
    doc = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    schemas = doc["components"]["schemas"]
    # Nested models (BridgeLocation) become components, referenced where OpenAPI looks for them.
    bridge = BridgeMessage.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(bridge.pop("$defs", {}))
    schemas["BridgeMessage"] = bridge
    schemas["ActionRequest"] = ActionRequest.model_json_schema()
    return doc


@openapi_bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
