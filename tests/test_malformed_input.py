"""Bad input at the edge: every malformed request gets a 4xx and one log line, and nothing is stored.

Correctly signed payloads (the platforms' own fixtures) with every field mutated in turn (missing, null, each
wrong JSON type, huge, a NUL, a lone surrogate, nested deeply) go through the real server to both platforms;
then the unsigned cases (no credentials, bad or non-ASCII signatures, odd timestamps), oversized bodies, Socket
Mode envelopes and the Feishu long connection; then a generated (hypothesis) sweep of the translators.

What each answer may be (docs/operations.md, "Bad requests"):
- 4xx: refused: exactly one log line, no traceback, nothing stored. 400 malformed, 401 unsigned or badly
  signed, 404 a well-formed Slack payload no listener takes, 413 a body over 1 MiB.
- 200: the platform needs its ack and the payload is either not for us (nothing stored) or still a good event
  (a mutated field we do not read): stored and processed without failure.
- never 5xx: that is for faults of ours (the inbox write failing: 503, and the platform retries).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dispatch import event_of, payload_of
from bot.platforms import shape
from bot.platforms.feishu import translate as feishu_translate
from bot.platforms.feishu.crypto import signature
from bot.platforms.slack import translate as slack_translate
from tests import service
from tests.fakes.feishu import ENCRYPT_KEY, VERIFICATION_TOKEN, seal
from tests.fakes.feishu import fixture_bytes as feishu_bytes
from tests.fakes.feishu import fixture_json as feishu_fixture
from tests.fakes.slack import fixture_bytes as slack_bytes
from tests.fakes.slack import fixture_json as slack_fixture
from tests.fakes.slack import sign
from tests.test_feishu import click, p2p
from tests.test_feishu import rig as feishu_rig
from tests.test_slack import HUMAN
from tests.test_slack import rig as slack_rig

DEEP = 10_000  # nested past the JSON parser's stack
Path = tuple[str | int, ...]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


# ---- mutations ---------------------------------------------------------------------------------------


def _paths(node: Any, path: Path = ()) -> Iterator[Path]:
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def _deep_json(depth: int = DEEP) -> bytes:
    """A JSON list nested `depth` deep (json.dumps itself cannot write one that deep)."""
    return b"[" * depth + b"]" * depth


def _wrong(value: Any) -> list[tuple[str, Any]]:
    """Values of the wrong JSON type (and the right type, but unusable) for a field holding `value`."""
    if isinstance(value, bool):
        return [("string", "yes"), ("number", 1)]
    if isinstance(value, str):
        return [("number", 12345), ("huge number", 10**30), ("list", ["x"]), ("object", {"x": 1}),
                ("boolean", True), ("huge", "x" * 100_000), ("NUL", "a\x00b"), ("lone surrogate", "a\ud800b"),
                ("nested", _nested(200))]
    if isinstance(value, int | float):
        return [("string", "x"), ("list", []), ("huge number", 10**30)]
    if isinstance(value, dict):
        return [("string", "text"), ("list", []), ("number", 7), ("nested", _nested(200))]
    if isinstance(value, list):
        return [("string", "text"), ("object", {}), ("number", 7), ("null item", [None]), ("number item", [7])]
    return [("string", "x"), ("number", 1)]


def mutations(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field of `doc` in turn: missing, null, and each wrong value; labelled `path=how`."""
    for path in _paths(doc):
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        for how, value in [("missing", None), ("null", None), *_wrong(parent[path[-1]])]:
            mutated = copy.deepcopy(doc)
            target: Any = mutated
            for key in path[:-1]:
                target = target[key]
            if how == "missing":
                del target[path[-1]]
            else:
                target[path[-1]] = value
            yield f"{'.'.join(map(str, path))}={how}", mutated


# ---- what the service logged and stored --------------------------------------------------------------

# The request path's loggers; processing (dispatch, intake, delivery, senders) runs meanwhile and logs apart.
EDGE = ("bot.web", "bot.platforms.shape", "bot.platforms.slack.adapter", "bot.platforms.feishu.adapter",
        "bot.platforms.feishu.longconn", "slack_bolt", "slack_sdk.socket_mode", "Lark", "aiohttp.server",
        "aiohttp.web")


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def edge(self, level: int = logging.INFO) -> list[logging.LogRecord]:
        return [r for r in self.records if r.levelno >= level and r.name.startswith(EDGE)]

    def tracebacks(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.exc_info]


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


async def _processed(app: Any) -> None:
    """Wait until every stored event was processed (replies may still be on their way)."""
    for _ in range(800):
        if await service.scalar(app, "select count(*) from inbox where status = 'received'") == 0 \
                and app.intake.backlog == 0:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("stored events were not processed")


class Sweep:
    """Send each mutated request, judge its answer and log lines; collect what went wrong."""

    def __init__(self, app: Any, lines: Lines) -> None:
        self.app = app
        self.lines = lines
        self.problems: list[str] = []
        self.statuses: dict[int, int] = {}

    async def judge(self, label: str, send: Callable[[], Any]) -> int:
        before = await service.scalar(self.app, "select count(*) from inbox")
        self.lines.records.clear()
        status = await send()
        self.statuses[status] = self.statuses.get(status, 0) + 1
        edge = self.lines.edge()
        if status >= 500:
            self.problems.append(f"{label}: {status}")
        elif status >= 400:
            if len(edge) != 1:
                self.problems.append(f"{label}: {status} with {len(edge)} log lines: "
                                     f"{[r.getMessage()[:80] for r in edge]}")
            elif edge[0].levelno >= logging.ERROR:  # a data error our schemas let through: a gap to close
                self.problems.append(f"{label}: {status} past the schemas: {edge[0].getMessage()[:160]}")
            if await service.scalar(self.app, "select count(*) from inbox") != before:
                self.problems.append(f"{label}: {status} but an inbox row was written")
        elif self.lines.edge(logging.WARNING):
            self.problems.append(f"{label}: {status} with {[r.getMessage()[:80] for r in self.lines.edge()]}")
        if self.lines.tracebacks():
            self.problems.append(f"{label}: a traceback: {self.lines.tracebacks()[0].getMessage()[:80]}")
        return status

    async def finish(self) -> None:
        await _processed(self.app)
        failed = await service.scalar(self.app, "select count(*) from inbox where status = 'failed'")
        if failed:
            self.problems.append(f"{failed} stored events failed in processing")
        assert self.problems == [], "\n".join(self.problems[:40])


# ---- Slack: every payload type, every field ---------------------------------------------------------


def _form(payload: dict[str, Any]) -> bytes:
    return ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()


def _slack_payloads(response_url: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, how it is posted, payload) for each kind of request Slack sends us."""
    im = slack_fixture("slack_message_im.json")
    im["event"]["text"] = "help"
    mention = slack_fixture("slack_app_mention.json")
    mention["event"]["text"] = "<@U0BOT00001> help"
    home = {"type": "event_callback", "event_id": "EvHOME1", "team_id": "T0TEAM0001",
            "event": {"type": "app_home_opened", "user": HUMAN, "tab": "home", "event_ts": "1718002000.1"}}
    block = slack_fixture("slack_block_actions.payload.json")
    block["user"]["id"], block["actions"][0]["value"] = HUMAN, "task:done:CRM-9"
    view = slack_fixture("slack_view_submission.payload.json")
    command = dict(urllib.parse.parse_qsl(slack_bytes("slack_slash_command.txt").decode()))
    command.update(text="help", response_url=response_url)
    return [("message", "json", im), ("app_mention", "json", mention), ("app_home_opened", "json", home),
            ("url_verification", "json", slack_fixture("slack_url_verification.json")),
            ("block_actions", "form", block), ("view_submission", "form", view),
            ("message_action", "form", slack_fixture("slack_message_shortcut.payload.json")),
            ("slash command", "command", command)]


def _slack_body(how: str, payload: dict[str, Any]) -> tuple[bytes, str] | None:
    if how == "json":
        return json.dumps(payload).encode(), "application/json"
    if how == "form":
        return _form(payload), "application/x-www-form-urlencoded"
    # A slash command is a form of strings: a mutation can only drop a field, empty it or make it odd text.
    if not all(isinstance(v, str) for v in payload.values()):
        return None
    try:
        return urllib.parse.urlencode(payload).encode(), "application/x-www-form-urlencoded"
    except UnicodeEncodeError:  # a lone surrogate cannot be sent in a form at all
        return None


async def test_every_field_of_every_slack_payload_mutated_is_refused_or_ignored(db_url: str, lines: Lines) -> None:
    async with slack_rig(db_url) as slack:
        sweep = Sweep(slack.app, lines)
        for name, how, payload in _slack_payloads(slack.fake.url("/response/sweep")):
            for label, mutated in mutations(payload):
                encoded = _slack_body(how, mutated)
                if encoded is None:
                    continue
                body, content_type = encoded

                async def send(body: bytes = body, content_type: str = content_type) -> int:
                    resp = await slack.post(body, content_type=content_type)
                    if 400 <= resp.status < 500:  # a refusal is final: Slack is told not to retry
                        assert resp.headers.get("X-Slack-No-Retry") == "1", (resp.status, body[:200])
                    return resp.status

                await sweep.judge(f"slack {name} {label}", send)
        await sweep.finish()
        assert sweep.statuses.get(400, 0) > 100 and sweep.statuses.get(200, 0) > 100, sweep.statuses


async def test_a_slack_body_nested_ten_thousand_deep_or_not_json_is_400(db_url: str, lines: Lines) -> None:
    async with slack_rig(db_url) as slack:
        sweep = Sweep(slack.app, lines)
        deep = b'{"type": "event_callback", "event": ' + _deep_json() + b"}"
        cases = [("deep json", deep, "application/json"),
                 ("deep form payload", b"payload=" + urllib.parse.quote(b'{"type": "block_actions", "actions": '
                                                                        + _deep_json() + b"}").encode(),
                  "application/x-www-form-urlencoded"),
                 ("not utf-8", b'{"type": "event_callback", "event": "\xff\xfe"}', "application/json"),
                 ("a number of 5,000 digits", b'{"type": "event_callback", "event_id": ' + b"9" * 5000 + b"}",
                  "application/json"),
                 ("a list", b"[1, 2]", "application/json"),
                 ("truncated", b'{"type": "event_callback", "event": {', "application/json"),
                 ("form without fields", b"&&&", "application/x-www-form-urlencoded"),
                 ("payload not JSON", b"payload=%7Bbroken", "application/x-www-form-urlencoded")]
        for label, body, content_type in cases:
            async def send(body: bytes = body, content_type: str = content_type) -> int:
                return (await slack.post(body, content_type=content_type)).status

            assert await sweep.judge(label, send) == 400, label
        await sweep.finish()


async def test_slack_timestamps_and_signatures_that_are_not_slacks_get_401(db_url: str, lines: Lines) -> None:
    async with slack_rig(db_url) as slack:
        sweep = Sweep(slack.app, lines)
        body = slack_bytes("slack_message_im.json")
        now = int(time.time())
        timestamps = ["9" * 5000, "9" * 400, str(10**20), "-5", str(-now), "12ab", "", "1.5e9", str(now) + "0",
                      "\u0661\u0662\u0663"]  # Arabic-Indic digits: isdigit() is True for them
        for stamp in timestamps:
            digest = sign(body)["X-Slack-Signature"]
            async def send(stamp: str = stamp, digest: str = digest) -> int:
                return await _raw_post(slack.base, "/slack/events", body, {
                    "Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": digest})

            assert await sweep.judge(f"timestamp {stamp[:20]!r}", send) == 401
        for label, sig in (("non-ASCII", "v0=é" + "0" * 63), ("not hex", "v0=" + "z" * 64), ("empty", ""),
                           ("latin-1 bytes", "v0=\xff\xfe")):
            async def send_sig(sig: str = sig) -> int:
                return await _raw_post(slack.base, "/slack/events", body, {
                    "Content-Type": "application/json", "X-Slack-Request-Timestamp": str(now),
                    "X-Slack-Signature": sig})

            assert await sweep.judge(f"signature {label}", send_sig) == 401
        await sweep.finish()
        assert await slack.sql("select count(*) from inbox") == 0


async def _raw_post(base: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    """POST with header values sent as raw UTF-8 bytes (aiohttp's client refuses non-ASCII ones)."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(head.encode("utf-8", "surrogateescape") + b"\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def test_slack_without_a_signing_secret_refuses_everything(db_url: str, lines: Lines) -> None:
    async with slack_rig(db_url, slack_signing_secret="") as slack:
        sweep = Sweep(slack.app, lines)
        for label, body in (("fixture", slack_bytes("slack_message_im.json")),
                            ("deep", _deep_json())):
            async def send(body: bytes = body) -> int:
                return (await slack.post(body, headers=sign(body, secret=""))).status

            assert await sweep.judge(label, send) == 401
        await sweep.finish()


async def test_an_oversized_body_gets_413(db_url: str, lines: Lines) -> None:
    async with slack_rig(db_url) as slack:
        sweep = Sweep(slack.app, lines)
        body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": "x" * (2 << 20)}}).encode()

        async def send() -> int:
            return (await slack.post(body)).status

        assert await sweep.judge("2 MiB", send) == 413
        await sweep.finish()


async def test_a_store_that_fails_is_503_so_slack_retries(db_url: str, lines: Lines) -> None:
    from sqlalchemy.exc import OperationalError

    async with slack_rig(db_url) as slack:
        async def down(_: Any) -> bool:
            raise OperationalError("INSERT INTO inbox", {}, ConnectionRefusedError("the database is down"))

        adapter = slack.app.adapters[0]
        adapter.accept, real = down, adapter.accept
        lines.records.clear()
        resp = await slack.message("help")
        assert resp.status == 503 and resp.headers.get("Retry-After")
        assert len(lines.edge(logging.WARNING)) == 1 and not lines.tracebacks()
        adapter.accept = real
        assert (await slack.message("help")).status == 200  # Slack's retry, once the database is back
        await _processed(slack.app)
        assert await slack.sql("select count(*) from inbox") == 1


async def test_a_store_that_fails_is_503_so_feishu_pushes_again(db_url: str, lines: Lines) -> None:
    from sqlalchemy.exc import OperationalError

    async with feishu_rig(db_url) as feishu:
        async def down(_: Any) -> bool:
            raise OperationalError("INSERT INTO inbox", {}, ConnectionRefusedError("the database is down"))

        adapter = feishu.app.adapters[0]
        adapter.accept, real = down, adapter.accept
        lines.records.clear()
        event = p2p("help")
        status, _ = await feishu.event(event)
        assert status == 503 and len(lines.edge(logging.WARNING)) == 1 and not lines.tracebacks()
        adapter.accept = real
        assert (await feishu.event(event))[0] == 200  # Feishu's re-push (a new nonce), once the database is back
        await _processed(feishu.app)
        assert await feishu.sql("select count(*) from inbox") == 1


async def test_malformed_socket_mode_envelopes_are_acked_and_dropped(db_url: str, lines: Lines) -> None:
    async with slack_rig(db_url, slack_app_token="xapp-test") as slack:
        frames = slack_fixture("slack_socket_mode_frames.json")
        bad = []
        for name in ("events_api", "slash_commands", "interactive"):
            envelope = frames[name]
            for how, value in (("payload a string", "text"), ("payload a list", [1]),
                               ("payload deep", _nested(200))):
                bad.append((f"{name} {how}", {**envelope, "payload": value}))
        event = copy.deepcopy(frames["events_api"])
        event["payload"]["event"]["user"] = 12345
        bad.append(("events_api user a number", event))
        command = copy.deepcopy(frames["slash_commands"])
        command["payload"]["text"] = ["a", "list"]
        bad.append(("slash command text a list", command))
        for n, (_, envelope) in enumerate(bad):
            await slack.fake.push({**envelope, "envelope_id": f"bad-{n}"})
        try:
            await slack.fake.wait_for(lambda f: len(f.acks) >= len(bad))
        except TimeoutError:
            raise AssertionError(f"acked {[a['envelope_id'] for a in slack.fake.acks]}: "
                                 f"{[r.getMessage()[:200] for r in lines.edge()]}") from None
        assert {a["envelope_id"] for a in slack.fake.acks} == {f"bad-{n}" for n in range(len(bad))}
        refused = [r for r in lines.edge(logging.INFO) if "refused" in r.getMessage()]
        assert len(refused) == len(bad) and not lines.tracebacks()
        await slack.fake.push(frames["events_api"])  # the connection carries on
        await slack.fake.wait_for(lambda f: len(f.acks) > len(bad))
        await _processed(slack.app)
        assert await slack.sql("select count(*) from inbox") == 1


async def test_every_field_of_socket_mode_payloads_mutated_is_acked_once(db_url: str, lines: Lines) -> None:
    """Over Socket Mode every envelope is acked (a refused one too: Slack would send it again); none crashes."""
    async with slack_rig(db_url, slack_app_token="xapp-test") as slack:
        frames = slack_fixture("slack_socket_mode_frames.json")
        sent = 0
        for name in ("events_api", "slash_commands", "interactive"):
            envelope = frames[name]
            for label, payload in mutations(envelope["payload"]):
                if label.endswith(("=huge", "=nested")):
                    continue  # covered over HTTP; big frames only slow the fake down
                await slack.fake.push({**envelope, "envelope_id": f"{name}-{label}", "payload": payload})
                sent += 1
        try:
            await slack.fake.wait_for(lambda f: len(f.acks) >= sent, within=60)
        except TimeoutError:
            acked = {a["envelope_id"] for a in slack.fake.acks}
            raise AssertionError(f"{sent - len(acked)} not acked") from None
        assert not lines.tracebacks(), lines.tracebacks()[0].getMessage()
        assert not [r for r in lines.edge(logging.ERROR)], lines.edge(logging.ERROR)[0].getMessage()
        await _processed(slack.app)
        assert await slack.sql("select count(*) from inbox where status = 'failed'") == 0


async def test_every_field_of_a_long_connection_event_mutated_is_acked(db_url: str, lines: Lines) -> None:
    async with feishu_rig(db_url, feishu_mode="websocket") as feishu:
        await feishu.fake.wait_for(lambda f: bool(f._sockets))
        sent = 0
        for label, event in mutations(p2p("help")):
            if label.endswith(("=huge", "=nested", "=lone surrogate")):
                continue  # covered over HTTP (and a lone surrogate cannot be put in a frame)
            await asyncio.to_thread(feishu.fake.push, event)
            sent += 1
        await feishu.fake.wait_for(lambda f: len(f.acks) >= sent, within=60)
        assert {a["code"] for a in feishu.fake.acks} == {200}
        assert not lines.tracebacks() and not lines.edge(logging.ERROR)
        await _processed(feishu.app)
        assert await feishu.sql("select count(*) from inbox where status = 'failed'") == 0


# ---- Feishu: every payload type, every field ---------------------------------------------------------


async def test_every_field_of_every_feishu_payload_mutated_is_refused_or_ignored(db_url: str, lines: Lines) -> None:
    async with feishu_rig(db_url) as feishu:
        for adapter in feishu.app.adapters:
            adapter.card_wait = 0.0  # a stored click is answered at once (its card is patched later)
        sweep = Sweep(feishu.app, lines)
        payloads = [("message", "/feishu/events", p2p("help")),
                    ("group message", "/feishu/events", feishu_fixture("feishu_im_message_group_mention.json")),
                    ("card action", "/feishu/card", click("task:done:CRM-9", message_id="om_sweep")),
                    ("reason form", "/feishu/card", click("cr:reject:1", message_id="om_sweep", form={"reason": "no"})),
                    ("url_verification", "/feishu/events", feishu_fixture("feishu_url_verification.json"))]
        for name, path, payload in payloads:
            for label, mutated in mutations(payload):
                async def send(mutated: dict[str, Any] = mutated, path: str = path) -> int:
                    return (await feishu.event(mutated, path=path))[0]

                await sweep.judge(f"feishu {name} {label}", send)
        await sweep.finish()
        assert sweep.statuses.get(400, 0) > 100 and sweep.statuses.get(200, 0) > 50, sweep.statuses


async def test_feishu_envelopes_signatures_and_bodies_that_are_not_feishus(db_url: str, lines: Lines) -> None:
    async with feishu_rig(db_url) as feishu:
        sweep = Sweep(feishu.app, lines)
        good_body, good = seal(p2p("help"))
        now = str(int(time.time()))
        cases: list[tuple[str, bytes, dict[str, str], int]] = [
            ("deep plaintext", _deep_json(), {}, 400),
            ("deep, sealed", *seal(b'{"schema": "2.0", "header": ' + _deep_json() + b"}"), 400),
            ("non-ASCII signature", good_body, {**good, "X-Lark-Signature": "é" * 64}, 401),
            ("latin-1 nonce", good_body, {**good, "X-Lark-Request-Nonce": "\xff\xfe"}, 401),
            ("huge timestamp", *_resigned(good_body, "9" * 400), 401),
            ("negative timestamp", *_resigned(good_body, "-" + now), 401),
            ("encrypt a number", *_resigned(b'{"encrypt": 12345}', now), 400),
            ("encrypt non-ASCII", *_resigned('{"encrypt": "é"}'.encode(), now), 400),
            ("sealed list", *seal(b"[1, 2]"), 400),
            ("sealed not utf-8", *seal(b"\xff\xfe{}"), 400),
            ("header a string", *seal({"schema": "2.0", "header": "x", "event": {}}), 400),
            ("token a number", *seal({"schema": "2.0", "header": {"token": 5, "event_type": "x"}}), 400),
            ("non-ASCII token", *seal({"schema": "2.0", "header": {"token": "é", "event_type": "x"}}), 401),
        ]
        for label, body, headers, expected in cases:
            async def send(body: bytes = body, headers: dict[str, str] = headers) -> int:
                return await _raw_post(feishu.base, "/feishu/events", body, headers)

            assert await sweep.judge(label, send) == expected, label
        await sweep.finish()
        assert await feishu.sql("select count(*) from inbox") == 0


def _resigned(body: bytes, timestamp: str) -> tuple[bytes, dict[str, str]]:
    nonce = str(time.perf_counter_ns())
    return body, {"X-Lark-Request-Timestamp": timestamp, "X-Lark-Request-Nonce": nonce,
                  "X-Lark-Signature": signature(timestamp, nonce, ENCRYPT_KEY, body)}


async def test_feishu_without_credentials_refuses_bad_bodies_with_400(db_url: str, lines: Lines) -> None:
    async with feishu_rig(db_url, feishu_verification_token="", feishu_encrypt_key="") as feishu:
        sweep = Sweep(feishu.app, lines)
        body = json.dumps(p2p("help")).encode()
        cases = [("deep", b'{"schema": "2.0", "header": ' + _deep_json() + b"}", {}, 400),
                 ("deep, on /feishu/card", _deep_json(), {}, 400),
                 ("non-ASCII signature header", body, {"X-Lark-Signature": "é", "X-Lark-Request-Nonce": "n",
                                                       "X-Lark-Request-Timestamp": "1"}, 200),
                 ("event a string", json.dumps({"schema": "2.0", "header": {"event_type": feishu_translate.MESSAGE},
                                                "event": "x"}).encode(), {}, 400)]
        for label, payload, headers, expected in cases:
            async def send(payload: bytes = payload, headers: dict[str, str] = headers, label: str = label) -> int:
                path = "/feishu/card" if "card" in label else "/feishu/events"
                return await _raw_post(feishu.base, path, payload, headers)

            assert await sweep.judge(label, send) == expected, label
        await sweep.finish()
        # With no Encrypt Key Feishu signs nothing: the signature headers are ignored and the event is taken.
        assert await feishu.sql("select count(*) from inbox") == 1


async def test_the_long_connection_acks_and_drops_malformed_events(db_url: str, lines: Lines) -> None:
    async with feishu_rig(db_url, feishu_mode="websocket") as feishu:
        await feishu.fake.wait_for(lambda f: bool(f._sockets))
        bad: list[dict[str, Any]] = []
        for user in (12345, ["x"], "x" * 200):
            event = p2p("help", event_id=f"ev-bad-{len(bad)}")
            event["event"]["sender"]["sender_id"]["open_id"] = user
            bad.append(event)
        bad.append({"schema": "2.0", "header": "not an object"})
        bad.append({"schema": "2.0", "header": {"event_type": feishu_translate.MESSAGE}, "event": _nested(200)})
        broken_click = click("task:done:CRM-1", message_id="om_x")
        broken_click["event"]["action"] = "not an object"
        bad.append(broken_click)
        for event in bad:
            await asyncio.to_thread(feishu.fake.push, event)
        await feishu.fake.wait_for(lambda f: len(f.acks) >= len(bad))
        assert [a["code"] for a in feishu.fake.acks] == [200] * len(bad)  # acked: Feishu does not push them again
        refused = [r for r in lines.edge(logging.WARNING) if "refused" in r.getMessage()]
        assert len(refused) == len(bad) and not lines.tracebacks()
        await asyncio.to_thread(feishu.fake.push, p2p("help"))  # the connection carries on
        await feishu.fake.wait_for(lambda f: len(f.acks) > len(bad))
        await _processed(feishu.app)
        assert await feishu.sql("select count(*) from inbox") == 1


# ---- the rules themselves ----------------------------------------------------------------------------


def test_a_schema_checks_types_where_values_are_given() -> None:
    schema = {"user": (str, dict), "user.id": str, "items": list, "items.*": dict, "items.*.n": int,
              "meta.*": str}
    shape.check({}, schema, what="t")  # nothing given: nothing to check
    shape.check({"user": None, "items": [], "meta": {}}, schema, what="t")  # null is "not given"
    shape.check({"user": "U1", "items": [{"n": 1}, {}], "meta": {"a": "b"}}, schema, what="t")
    shape.check({"user": {"id": "U1"}, "other": [object()]}, schema, what="t")  # fields no one reads: unchecked
    for bad, why in (({"user": 5}, "user is a number, not a string or an object"),
                     ({"user": {"id": ["U1"]}}, "user.id is a list, not a string"),
                     ({"items": {"n": 1}}, "items is an object, not a list"),
                     ({"items": [None]}, "items holds a null"),
                     ({"items": [{"n": True}]}, "items.*.n is a boolean, not a number"),
                     ({"meta": {"a": 1}}, "meta.* is a number, not a string")):
        with pytest.raises(shape.Malformed, match=why.replace("*", r"\*")):
            shape.check(bad, schema, what="t")
    with pytest.raises(shape.Malformed, match="not an object"):
        shape.check([1], schema, what="t")


def test_the_edge_limits_are_the_columns_widths() -> None:
    from storage import models

    assert models.InboxEvent.__table__.c.event_id.type.length == shape.MAX_EVENT_ID
    assert models.Identity.__table__.c.external_id.type.length == shape.MAX_USER_ID
    assert models.OutboxMessage.__table__.c.user.type.length == shape.MAX_USER_ID
    assert models.OutboxMessage.__table__.c.chat.type.length == shape.MAX_CHAT_ID
    assert models.Chat.__table__.c.external_id.type.length == shape.MAX_CHAT_ID
    assert models.OutboxMessage.__table__.c.thread.type.length == shape.MAX_THREAD


async def test_the_last_resort_middleware_tells_bad_requests_from_our_faults(lines: Lines) -> None:
    from aiohttp import web

    from bot.web import last_resort

    async def raising(request: web.Request) -> web.Response:
        raise {"type": TypeError("list indices must be integers"), "key": KeyError("user"),
               "runtime": RuntimeError("a bug of ours"), "os": ConnectionRefusedError("db"),
               "down": shape.Unavailable("the inbox write failed"),
               "refused": shape.Refused("bad signature", 401)}[request.match_info["kind"]]

    app = web.Application(middlewares=[last_resort])
    app.router.add_post("/{kind}", raising)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    expected = {"type": 400, "key": 400, "runtime": 503, "os": 503, "down": 503, "refused": 401}
    try:
        async with aiohttp.ClientSession() as http:
            for kind, status in expected.items():
                lines.records.clear()
                async with http.post(f"http://127.0.0.1:{port}/{kind}") as resp:
                    assert resp.status == status, kind
                    assert (resp.headers.get("Retry-After") is not None) == (status == 503), kind
                assert len(lines.edge(logging.WARNING)) == 1 and not lines.tracebacks(), kind
    finally:
        await runner.cleanup()


# ---- a generated sweep of the translators (hypothesis) -------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(allow_nan=False)
    | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)


def _mutate(doc: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    mutated = copy.deepcopy(doc)
    target: Any = mutated
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return mutated


def _mutate_all(doc: dict[str, Any], changes: list[tuple[Path, Any]]) -> dict[str, Any]:
    """`doc` with each (path, value) applied in turn; a path an earlier change removed is skipped."""
    mutated = copy.deepcopy(doc)
    for path, value in changes:
        target: Any = mutated
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return mutated


def _sound_or_refused(translate: Callable[[], Any]) -> None:
    """A translator either refuses the payload (Malformed) or returns nothing or an event the inbox can store
    and rebuild; anything else is a crash the edge let through."""
    try:
        event = translate()
    except shape.Malformed:
        return
    if event is None:
        return
    shape.sound(event)
    stored = json.dumps(payload_of(event), ensure_ascii=False).encode("utf-8")
    assert event_of(json.loads(stored)) == event


SLACK_DOCS = {"event": slack_fixture("slack_message_im.json"), "block": slack_fixture("slack_block_actions.payload.json"),
              "view": slack_fixture("slack_view_submission.payload.json"),
              "shortcut": slack_fixture("slack_message_shortcut.payload.json")}
SLACK_PATHS = [(name, path) for name, doc in SLACK_DOCS.items() for path in _paths(doc)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(SLACK_PATHS), value=JSON_VALUES)
def test_generated_slack_payloads_are_refused_or_sound(target: tuple[str, Path], value: Any) -> None:
    name, path = target
    body = _mutate(SLACK_DOCS[name], path, value)

    def translate() -> Any:
        slack_translate.check_payload(body)
        if name == "event":
            return slack_translate.message_event(body, bot_user="U0BOT00001")
        if name == "block":
            return slack_translate.block_action(body)
        if name == "view":
            return slack_translate.view_submission(body)
        return None

    _sound_or_refused(translate)


FEISHU_DOCS = {"message": p2p("help"), "group": feishu_fixture("feishu_im_message_group_mention.json"),
               "card": click("task:done:CRM-1", message_id="om_x"),
               "form": click("cr:reject:1", message_id="om_x", form={"reason": "no"})}
FEISHU_PATHS = [(name, path) for name, doc in FEISHU_DOCS.items() for path in _paths(doc)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(FEISHU_PATHS), value=JSON_VALUES)
def test_generated_feishu_payloads_are_refused_or_sound(target: tuple[str, Path], value: Any) -> None:
    name, path = target
    body = _mutate(FEISHU_DOCS[name], path, value)

    def translate() -> Any:
        kind, _ = feishu_translate.envelope(body)
        if kind == feishu_translate.MESSAGE:
            return feishu_translate.message_event(body, bot_open_id="ou_b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0")
        if kind == feishu_translate.CARD_ACTION:
            return feishu_translate.card_action(body)
        return None

    _sound_or_refused(translate)


@settings(max_examples=200, deadline=None)
@given(content=JSON_VALUES, kind=st.sampled_from(["text", "post"]))
def test_generated_feishu_message_contents_are_refused_or_sound(content: Any, kind: str) -> None:
    """`content` is JSON inside a string: generated JSON of any shape, as a text or a rich-text message."""
    body = p2p("help")
    body["event"]["message"].update(message_type=kind, content=json.dumps(content))
    _sound_or_refused(lambda: feishu_translate.message_event(body, bot_open_id=None))


@pytest.fixture
async def slack_live(db_url: str) -> Any:
    async with slack_rig(db_url) as slack:
        yield slack


@pytest.fixture
async def feishu_live(db_url: str) -> Any:
    async with feishu_rig(db_url) as feishu:
        for adapter in feishu.app.adapters:
            adapter.card_wait = 0.0
        yield feishu


LIVE = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLACK_LIVE = {"event": ("json", slack_fixture("slack_message_im.json")),
              "block": ("form", slack_fixture("slack_block_actions.payload.json")),
              "view": ("form", slack_fixture("slack_view_submission.payload.json"))}
SLACK_LIVE_PATHS = [(name, path) for name, (_, doc) in SLACK_LIVE.items() for path in _paths(doc)]


@LIVE
@given(name=st.sampled_from(sorted(SLACK_LIVE)),
       changes=st.lists(st.tuples(st.sampled_from(SLACK_LIVE_PATHS), JSON_VALUES), min_size=1, max_size=3))
async def test_generated_signed_slack_requests_are_refused_or_taken(slack_live: Any, lines: Lines, name: str,
                                                                   changes: list[Any]) -> None:
    how, doc = SLACK_LIVE[name]
    mutated = _mutate_all(doc, [(path, value) for (target, path), value in changes if target == name])
    try:
        encoded = _slack_body(how, mutated)
    except UnicodeEncodeError:  # a lone surrogate cannot even be sent
        return
    assert encoded is not None
    body, content_type = encoded
    sweep = Sweep(slack_live.app, lines)

    async def send() -> int:
        resp = await slack_live.post(body, content_type=content_type)
        if 400 <= resp.status < 500 and resp.status != 413:
            assert resp.headers.get("X-Slack-No-Retry") == "1", resp.status  # a refusal is final
        return resp.status

    await sweep.judge(f"slack {name} {changes!r:.200}", send)
    await sweep.finish()


FEISHU_LIVE = {"message": ("/feishu/events", p2p("help")),
               "card": ("/feishu/card", click("task:done:CRM-9", message_id="om_live"))}
FEISHU_LIVE_PATHS = [(name, path) for name, (_, doc) in FEISHU_LIVE.items() for path in _paths(doc)]


@LIVE
@given(name=st.sampled_from(sorted(FEISHU_LIVE)),
       changes=st.lists(st.tuples(st.sampled_from(FEISHU_LIVE_PATHS), JSON_VALUES), min_size=1, max_size=3))
async def test_generated_sealed_feishu_requests_are_refused_or_taken(feishu_live: Any, lines: Lines, name: str,
                                                                    changes: list[Any]) -> None:
    path, doc = FEISHU_LIVE[name]
    mutated = _mutate_all(doc, [(where, value) for (target, where), value in changes if target == name])
    try:
        body, headers = seal(mutated)
    except UnicodeEncodeError:
        return
    sweep = Sweep(feishu_live.app, lines)

    async def send() -> int:
        return (await feishu_live.post(body, headers, path=path))[0]

    await sweep.judge(f"feishu {name} {changes!r:.200}", send)
    await sweep.finish()


def test_the_fixtures_themselves_pass() -> None:
    """The sweeps mutate real payloads: unmutated, each one is a good event."""
    for name in ("slack_message_im.json", "slack_app_mention.json"):
        slack_translate.check_payload(slack_fixture(name))
    for name in ("slack_block_actions.payload.json", "slack_view_submission.payload.json",
                 "slack_message_shortcut.payload.json"):
        slack_translate.check_payload(slack_fixture(name))
    assert feishu_translate.message_event(p2p("help"), bot_open_id=None) is not None
    assert feishu_translate.card_action(click("task:done:CRM-1", message_id="om_x")) is not None
    assert json.loads(feishu_bytes("feishu_url_verification.json"))["token"] == VERIFICATION_TOKEN
