"""The aiohttp server: health and metrics now; platform webhooks mount here too."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.metrics import Metrics
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


def make_web_app(db: Database, metrics: Metrics, routes: list[web.RouteDef] | None = None) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        ok = await db.ping()
        return web.json_response({"status": "ok" if ok else "db_unreachable"}, status=200 if ok else 503)

    async def prometheus(_: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain", charset="utf-8",
                            headers={"X-Content-Type-Options": "nosniff"})

    app = web.Application(middlewares=[storage_faults])
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    app.add_routes(routes or [])
    return app
