"""Process-wide counters rendered as Prometheus text for GET /metrics."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from bot.platforms.watchdog import Connections

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Metrics:
    events: Counter[str] = field(default_factory=Counter)  # by outcome: handled, duplicate, rejected, failed
    sent: Counter[str] = field(default_factory=Counter)  # by outcome: sent, retry, dead
    latency_counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    latency_sum: float = 0.0
    outbox_backlog: int = 0
    loop_stall_max: float = 0.0  # the longest the event loop was late, in seconds
    inbox_dead_lettered: int = 0  # inbox rows this process dead-lettered
    inbox_pending: int = 0  # unprocessed inbox rows (all processes), refreshed every few seconds
    inbox_dead: int = 0  # dead-lettered inbox rows waiting for an operator (`pmo-bot admin inbox`)
    connections: Connections = field(default_factory=Connections)  # Socket Mode, the Feishu long connection

    def observe(self, seconds: float) -> None:
        self.latency_counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum += seconds

    def render(self) -> str:
        lines = ["# HELP pmobot_events_total Inbound events by outcome.", "# TYPE pmobot_events_total counter"]
        for outcome in ("handled", "duplicate", "rejected", "failed"):
            lines.append(f'pmobot_events_total{{outcome="{outcome}"}} {self.events[outcome]}')
        lines += ["# HELP pmobot_errors_total Events that failed with an internal error.",
                  "# TYPE pmobot_errors_total counter", f"pmobot_errors_total {self.events['failed']}"]
        lines += ["# HELP pmobot_outbox_total Outbox send attempts by outcome.", "# TYPE pmobot_outbox_total counter"]
        for outcome in ("sent", "retry", "dead"):
            lines.append(f'pmobot_outbox_total{{outcome="{outcome}"}} {self.sent[outcome]}')
        lines += ["# HELP pmobot_outbox_backlog Messages waiting to be sent.", "# TYPE pmobot_outbox_backlog gauge",
                  f"pmobot_outbox_backlog {self.outbox_backlog}"]
        lines += ["# HELP pmobot_inbox_dead_lettered_total Inbox events dead-lettered after failing every try.",
                  "# TYPE pmobot_inbox_dead_lettered_total counter",
                  f"pmobot_inbox_dead_lettered_total {self.inbox_dead_lettered}"]
        lines += ["# HELP pmobot_inbox_pending Inbox events stored and not yet processed.",
                  "# TYPE pmobot_inbox_pending gauge", f"pmobot_inbox_pending {self.inbox_pending}"]
        lines += ["# HELP pmobot_inbox_dead Dead-lettered inbox events in the database.",
                  "# TYPE pmobot_inbox_dead gauge", f"pmobot_inbox_dead {self.inbox_dead}"]
        lines += ["# HELP pmobot_loop_stall_max_seconds Longest event-loop stall seen.",
                  "# TYPE pmobot_loop_stall_max_seconds gauge", f"pmobot_loop_stall_max_seconds {self.loop_stall_max:.6f}"]
        lines += self._connection_lines()
        lines += ["# HELP pmobot_handler_seconds Time from event to commit.", "# TYPE pmobot_handler_seconds histogram"]
        running = 0
        for bound, count in zip((*BUCKETS, float("inf")), self.latency_counts, strict=True):
            running += count
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'pmobot_handler_seconds_bucket{{le="{le}"}} {running}')
        lines += [f"pmobot_handler_seconds_sum {self.latency_sum:.6f}", f"pmobot_handler_seconds_count {running}"]
        return "\n".join(lines) + "\n"

    def _connection_lines(self) -> list[str]:
        items = sorted(self.connections.items.items())
        if not items:
            return []
        lines = ["# HELP pmobot_connection_up 1 when the platform's socket is connected and hearing.",
                 "# TYPE pmobot_connection_up gauge"]
        lines += [f'pmobot_connection_up{{platform="{p}"}} {int(c.state == "up")}' for p, c in items]
        lines += ["# HELP pmobot_connection_reconnects_total Connections regained after being lost.",
                  "# TYPE pmobot_connection_reconnects_total counter"]
        lines += [f'pmobot_connection_reconnects_total{{platform="{p}"}} {c.reconnects}' for p, c in items]
        lines += ["# HELP pmobot_connection_last_heard_seconds Seconds since the socket last heard a frame.",
                  "# TYPE pmobot_connection_last_heard_seconds gauge"]
        lines += [f'pmobot_connection_last_heard_seconds{{platform="{p}"}} {c.deaf_for():.1f}' for p, c in items]
        return lines
