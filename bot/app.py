"""Composition root: engine, router, dispatcher, delivery, web server and scheduler; start and stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import instance, platforms
from bot.config import Config
from bot.core.events import Event
from bot.delivery import Delivery
from bot.dispatch import Dispatcher, Outcome, utc_clock
from bot.intake import Intake
from bot.metrics import Metrics
from bot.platforms.base import Deps, Platform, Sender
from bot.routes import build_router
from bot.web import make_web_app
from storage import outbox
from storage.db import Database, outage
from storage.migrate import upgrade

logger = logging.getLogger(__name__)


class App:
    def __init__(self, config: Config, *, clock: Callable[[], dt.datetime] = utc_clock) -> None:
        self.config = config
        self.clock = clock
        self.db = Database(config.database_url)
        self.metrics = Metrics()
        # What the running platforms lend the shell, by platform name, filled by `add_platform` as each one
        # starts: the parts below are built with these mappings, nothing is set inside them afterwards.
        self.senders: dict[str, Sender] = {}
        self.enrichers: dict[str, Callable[[Event], Awaitable[Event]]] = {}
        self.bot_ids: dict[str, str] = {}
        self.adapters: list[Platform] = []
        self.dispatcher = Dispatcher(self.db, build_router(), settings=config.settings, clock=clock,
                                     metrics=self.metrics, bot_ids=self.bot_ids)
        self.delivery = Delivery(self.db, self.senders, clock=clock, metrics=self.metrics)
        # SQLite has one writer, so more workers would only queue on its lock; PostgreSQL runs several.
        self.intake = Intake(self.db, self.dispatcher, clock=clock, workers=1 if self.db.sqlite else 8,
                             on_processed=self.delivery.wake, metrics=self.metrics,
                             max_attempts=config.inbox_max_attempts, enrichers=self.enrichers)

    def add_sender(self, platform: str, sender: Sender) -> None:
        """A sender with no platform around it (the console; tests)."""
        self.senders[platform] = sender

    async def add_platform(self, platform: Platform) -> list[web.RouteDef]:
        """Start one platform and register what it lends the shell: its sender, its user lookup and the bot's
        id there. Stopped with the app. Returns its HTTP routes."""
        self.senders[platform.name] = await platform.start()
        self.enrichers[platform.name] = platform.enrich
        if platform.bot_user_id:
            self.bot_ids[platform.name] = platform.bot_user_id
        self.adapters.append(platform)
        return platform.routes()

    def deps(self) -> Deps:
        """What a platform may use of the shell (bot/platforms/base.py)."""
        return Deps(accept=self.intake.accept, connections=self.metrics.connections,
                    default_locale=self.config.settings.default_locale, outage=outage,
                    posted_in_thread=self._posted_in_thread)

    async def _posted_in_thread(self, platform: str, chat: str, thread: str) -> bool:
        async with self.db.unit_of_work() as session:
            return await outbox.posted_in_thread(session, platform, chat, thread)

    async def migrate(self) -> None:
        await upgrade(self.db.engine)

    async def handle(self, event: Event) -> Outcome:
        outcome = await self.dispatcher.handle(event)
        if outcome.replies:
            self.delivery.wake()
        return outcome

    async def serve(self, stop: asyncio.Event, *, host: str, port: int, ready: asyncio.Event | None = None) -> None:
        """Run the web server, delivery and the scheduler until `stop`; then drain the outbox and close.
        `ready` is set once the port is bound (a taken port raises OSError before)."""
        from jobs import scheduler as jobs_scheduler

        # Who this process is across restarts: it takes over its dead predecessor's leases at once.
        me = instance.acquire(self.config.database_url, configured=self.config.instance_id)
        self.delivery.instance = self.intake.instance = me
        logger.info("instance %s", me.id)
        routes = await self._start_platforms()
        runner = web.AppRunner(make_web_app(self.db, self.metrics, routes), handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        logger.info("listening on http://%s:%s", host, port)
        if ready is not None:
            ready.set()
        scheduler = jobs_scheduler.build(self.db, self.clock, settings=self.config.settings, wake=self.delivery.wake)
        if self.config.jobs_enabled:
            scheduler.start()
        self.intake.start()
        # Everything loaded so far (modules, mappers, bolt, clients) lives as long as the process: move it out
        # of the collector's reach. Otherwise each full collection walks it all and stalls the loop ~0.1-0.2 s.
        gc.collect()
        gc.freeze()
        delivery_stop = asyncio.Event()
        sender_task = asyncio.create_task(self.delivery.run(delivery_stop))
        watchdog = asyncio.create_task(self._watch_loop())
        try:
            await stop.wait()
        finally:
            logger.info("shutting down")
            watchdog.cancel()
            await runner.cleanup()  # no new events
            await self.intake.stop()  # what was acked is processed now, or by the next start's sweep
            if scheduler.running:
                scheduler.shutdown(wait=False)
            delivery_stop.set()
            await sender_task
            await self.delivery.drain(limit=10)  # queued messages go out (or stay queued) before exit
            for adapter in self.adapters:
                await adapter.stop()
            await self.db.dispose()
            me.close()
            logger.info("stopped")

    async def _watch_loop(self, tick: float = 0.01) -> None:
        """Measure event-loop stalls: a late wake-up means something blocked the loop."""
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(tick)
            stall = loop.time() - before - tick
            if stall > self.metrics.loop_stall_max:
                self.metrics.loop_stall_max = stall
                if stall > 0.1:
                    logger.warning("event loop stalled for %.0f ms", stall * 1000)

    async def _start_platforms(self) -> list[web.RouteDef]:
        """Start the configured platforms (bot/platforms/__init__.py, the registry); return their HTTP routes."""
        routes: list[web.RouteDef] = []
        for name, settings in self.config.platforms.items():
            routes += await self.add_platform(platforms.entry(name).create(settings, self.deps()))
        return routes

    async def close(self) -> None:
        await self.db.dispose()
