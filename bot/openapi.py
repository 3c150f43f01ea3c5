"""The OpenAPI document of the JSON API: bot/openapi.yaml, plus request schemas from pydantic."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DOCUMENT = Path(__file__).with_name("openapi.yaml")


@cache
def openapi_document() -> dict:
    """Build the document once per process."""
    from bot.actions_api import ActionRequest
    from bot.bridge import BridgeMessage

    doc = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    schemas = doc["components"]["schemas"]
    schemas["BridgeMessage"] = BridgeMessage.model_json_schema()
    schemas["ActionRequest"] = ActionRequest.model_json_schema()
    return doc
