"""The aiohttp server: health and metrics now; platform webhooks mount here too."""

from __future__ import annotations

from aiohttp import web

from bot.metrics import Metrics
from storage.db import Database


def make_web_app(db: Database, metrics: Metrics, routes: list[web.RouteDef] | None = None) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        ok = await db.ping()
        return web.json_response({"status": "ok" if ok else "db_unreachable"}, status=200 if ok else 503)

    async def prometheus(_: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain", charset="utf-8",
                            headers={"X-Content-Type-Options": "nosniff"})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    app.add_routes(routes or [])
    return app
