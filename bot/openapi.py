"""The OpenAPI document of the JSON API; request schemas come from the pydantic models."""

from __future__ import annotations

from functools import cache


def _ticket_schema() -> dict:
    nullable_str = {"type": ["string", "null"]}
    return {
        "type": "object",
        "required": [
            "no",
            "status",
            "category",
            "community",
            "station",
            "officer",
            "reporter",
            "created_at",
            "msg_ids",
        ],
        "properties": {
            "no": {"type": "string", "example": "CY20261126-0001"},
            "status": {
                "type": "string",
                "enum": [
                    "received",
                    "dispatched",
                    "accepted",
                    "resolved",
                    "closed",
                    "returned",
                    "transferred",
                    "escalated",
                    "merged",
                    "reopened",
                ],
            },
            "status_name": {"type": "string", "example": "已派单"},
            "category": {"type": "string", "example": "fire_lane_blocked"},
            "category_name": {"type": "string"},
            "urgent": {"type": "boolean"},
            "community": {"type": "string"},
            "station": {"type": "string"},
            "station_name": {"type": "string"},
            "officer": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {"userid": {"type": "string"}, "name": {"type": "string"}},
                    },
                ]
            },
            "reporter": {"type": "string", "description": "display name only"},
            "reporters": {"type": "integer"},
            "place": nullable_str,
            "text": {"type": "string"},
            "evidence": {"type": "array", "items": {"type": "string"}},
            "created_at": {"type": "string", "format": "date-time"},
            "accept_by": {"type": ["string", "null"], "format": "date-time"},
            "resolve_by": {"type": ["string", "null"], "format": "date-time"},
            "msg_ids": {"type": "array", "items": {"type": "string"}},
            "events": {"type": "array", "items": {"type": "object"}},
        },
    }


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json({"$ref": "#/components/schemas/Error"})}


@cache
def openapi_document() -> dict:
    """Build the document once per process."""
    from bot.actions_api import ActionRequest
    from bot.bridge import BridgeMessage

    bearer = [{"bearer": []}]
    ticket_ref = {"$ref": "#/components/schemas/Ticket"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "社区城管助手 API", "version": "1.0.0"},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API_TOKEN"},
                "bridgeSignature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Signature",
                    "description": "hex HMAC-SHA256(BRIDGE_SECRET, X-Timestamp + '.' + body)",
                },
            },
            "schemas": {
                "BridgeMessage": BridgeMessage.model_json_schema(),
                "ActionRequest": ActionRequest.model_json_schema(),
                "Ticket": _ticket_schema(),
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
            },
        },
        "paths": {
            "/api/messages": {
                "post": {
                    "summary": "A group message from a bridge",
                    "security": [{"bridgeSignature": []}],
                    "parameters": [
                        {
                            "name": "X-Timestamp",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        **_json({"$ref": "#/components/schemas/BridgeMessage"}),
                    },
                    "responses": {
                        "200": {
                            "description": "accepted (or a duplicate, acknowledged again)",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "accepted": {"type": "boolean"},
                                        "msg_id": {"type": "string"},
                                        "duplicate": {"type": "boolean"},
                                    },
                                }
                            ),
                        },
                        "400": _error("malformed body"),
                        "401": _error("bad or stale signature"),
                        "413": {"description": "body too large"},
                    },
                }
            },
            "/api/tickets": {
                "get": {
                    "summary": "Tickets, newest first",
                    "security": bearer,
                    "parameters": [
                        {"name": n, "in": "query", "schema": {"type": t}}
                        for n, t in (
                            ("status", "string"),
                            ("station", "string"),
                            ("community", "string"),
                            ("category", "string"),
                            ("limit", "integer"),
                            ("offset", "integer"),
                        )
                    ],
                    "responses": {
                        "200": {
                            "description": "tickets",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "tickets": {"type": "array", "items": ticket_ref}
                                    },
                                }
                            ),
                        },
                        "401": _error("missing or bad token"),
                    },
                }
            },
            "/api/tickets/{no}": {
                "get": {
                    "summary": "One ticket with its events",
                    "security": bearer,
                    "parameters": [
                        {"name": "no", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "the ticket", **_json(ticket_ref)},
                        "401": _error("missing or bad token"),
                        "404": _error("not found"),
                    },
                }
            },
            "/api/messages/{channel}/{msg_id}": {
                "get": {
                    "summary": "What became of a message (state, outcome, ticket, replies)",
                    "security": bearer,
                    "parameters": [
                        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                        for n in ("channel", "msg_id")
                    ],
                    "responses": {
                        "200": {"description": "the message"},
                        "401": _error("missing or bad token"),
                        "404": _error("not found"),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document (no token needed)",
                    "security": [],
                    "responses": {"200": {"description": "the OpenAPI 3.1 document"}},
                }
            },
            "/api/tickets/{no}/actions": {
                "post": {
                    "summary": "An officer's action (same rules as the WeCom commands)",
                    "security": bearer,
                    "parameters": [
                        {"name": "no", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        **_json({"$ref": "#/components/schemas/ActionRequest"}),
                    },
                    "responses": {
                        "200": {"description": "done; the ticket after the action"},
                        "400": _error("malformed action"),
                        "401": _error("bad token"),
                        "403": _error("not the actor's station or squadron"),
                        "404": _error("no such ticket"),
                        "409": _error("not allowed in the ticket's state"),
                    },
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Figures for leaders: incidents, amounts by unit, on-time rates",
                    "security": bearer,
                    "parameters": [
                        {"name": n, "in": "query", "schema": {"type": "string"}}
                        for n in ("from", "to", "squadron", "format")
                    ],
                    "responses": {
                        "200": {"description": "figures (JSON, or text with format=text)"},
                        "400": _error("bad dates or squadron"),
                        "401": _error("bad token"),
                    },
                }
            },
            "/api/outbox": {
                "get": {
                    "summary": "What the bot sent and to whom",
                    "security": bearer,
                    "parameters": [
                        {"name": "ticket_no", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "outbox rows, newest first"},
                        "401": _error("missing or bad token"),
                    },
                }
            },
        },
    }
