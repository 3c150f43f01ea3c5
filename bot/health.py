"""`/healthz` says the web process answers; `/readyz` says the service can do its work.

Ready means Redis answers, the database answers, and at least one rq worker has sent a
heartbeat recently (rq workers register in Redis and refresh their key while they live).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify
from rq import Worker
from sqlalchemy import text

log = logging.getLogger(__name__)
health_bp = Blueprint("health", __name__)
HEARTBEAT_MAX_AGE = 60.0  # seconds; rq workers beat at least every worker_ttl (45 s)


@health_bp.get("/healthz")
def healthz():
    """Liveness: the web process answers (nothing else is checked)."""
    return {"ok": True}


@health_bp.get("/readyz")
def readyz():
    """Readiness: Redis, database and worker heartbeat; 503 when any of them is down."""
    services = current_app.extensions["cgbot"]
    redis = getattr(services.intake.queue, "redis", None)
    checks = {
        "redis": _check(lambda: _redis(redis)),
        "database": _check(lambda: _database(services.store.engine)),
        "worker": _check(lambda: _workers(redis)),
    }
    ready = all(c["ok"] for c in checks.values())
    if not ready:
        down = ", ".join(f"{k} ({v['detail']})" for k, v in checks.items() if not v["ok"])
        log.warning("GET /readyz: 503 not ready: %s", down)
    return jsonify({"ready": ready, "checks": checks}), 200 if ready else 503


def _check(probe) -> dict:
    try:
        return {"ok": True, "detail": probe()}
    except Exception as exc:  # a probe reports any failure as "down", never as a 500
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:200]}


def _redis(redis) -> str:
    if redis is None:
        raise RuntimeError("no Redis configured")
    redis.ping()
    return "ping ok"


def _database(engine) -> str:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return f"{engine.dialect.name} ok"


def _workers(redis) -> str:
    if redis is None:
        raise RuntimeError("no Redis configured")
    now = datetime.now(UTC)
    ages = []
    for worker in Worker.all(connection=redis):
        beat = worker.last_heartbeat
        if beat is not None:
            beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
            ages.append((now - beat).total_seconds())
    fresh = [age for age in ages if age <= HEARTBEAT_MAX_AGE]
    if not fresh:
        raise RuntimeError(f"no worker heartbeat in {HEARTBEAT_MAX_AGE:.0f} s ({len(ages)} known)")
    return f"{len(fresh)} worker(s), last heartbeat {min(fresh):.0f} s ago"
