"""The aiohttp server: health, metrics and the platforms' webhooks, behind one last-resort error middleware.

Who caused a failure decides the answer (bot/platforms/shape.py `classify`; docs/operations.md, "Bad
requests"): a request the platform should not repeat gets a 4xx, a fault of ours a 503 so the platform retries
once we are back. Every refusal and every failure is logged once, on one line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.metrics import Metrics
from bot.platforms.shape import RETRY_AFTER, log_failure
from storage.db import Database, outage


@web.middleware
async def storage_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A request that failed because the database is down or its disk is full: 503, so the platform retries
    (the intake logged the fault once for the whole batch; no traceback per request)."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        if outage(exc) is None:
            raise
        return web.json_response({"error": "storage unavailable"}, status=503, headers={"Retry-After": "1"})

logger = logging.getLogger(__name__)

# Slack's and Feishu's payloads are a few KB; Feishu's largest text message is ~150 KB. Larger bodies get 413.
MAX_BODY = 1024 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def last_resort(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No exception leaves a route as aiohttp's 500 with a traceback: refusals and data errors become 4xx,
    faults of ours 503 with Retry-After; each is logged once."""
    try:
        return await handler(request)
    except web.HTTPException as exc:  # aiohttp's own answers: 413 for a body over MAX_BODY, 404, 405...
        if exc.status in (404, 405):  # scanners: not worth a warning
            logger.info("%s %s: %d", request.method, request.path, exc.status)
        elif exc.status >= 400:
            logger.warning("%s %s refused (%d): %s", request.method, request.path, exc.status, exc.reason)
        raise
    except Exception as exc:
        status, reason = log_failure(f"{request.method} {request.path}", exc)
        headers = {"Retry-After": RETRY_AFTER} if status >= 500 else getattr(exc, "headers", None)
        return web.json_response({"error": reason}, status=status, headers=headers)


def make_web_app(db: Database, metrics: Metrics, routes: list[web.RouteDef] | None = None) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        """200 when the database answers and every configured platform connection is up (or has been down
        less than the grace period); else 503. docs/operations.md, "Reading /healthz"."""
        db_ok = await db.ping()
        conns = metrics.connections
        connected = conns.healthy()
        status = "ok" if db_ok and connected else ("db_unreachable" if not db_ok else "connection_down")
        body: dict[str, object] = {"status": status, "database": "ok" if db_ok else "unreachable"}
        if conns.items:
            body["connections"] = conns.report()
        return web.json_response(body, status=200 if db_ok and connected else 503)

    async def prometheus(_: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain", charset="utf-8",
                            headers={"X-Content-Type-Options": "nosniff"})

    app = web.Application(middlewares=[last_resort, storage_faults], client_max_size=MAX_BODY)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    app.add_routes(routes or [])
    return app
