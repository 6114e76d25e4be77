"""A small asynchronous Feishu open-API client on one shared aiohttp session.

Not lark_oapi's `a*` calls: each builds a new httpx client (CPU on the loop for every call, no keep-alive) and
fetches the tenant token with blocking `requests` (performance-facts.md). Here the token is fetched and
refreshed with the same session, under a lock, and dropped when Feishu says it is invalid.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from bot.platforms.feishu.codes import Verdict, classify

logger = logging.getLogger(__name__)

DOMAINS = {"feishu": "https://open.feishu.cn", "lark": "https://open.larksuite.com"}
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
REFRESH_MARGIN = 600.0  # refresh this long before expiry (Feishu hands out a new token in the last 30 min)
# Which error codes are retried: bot/platforms/feishu/codes.py.


def base_url(domain: str) -> str:
    """FEISHU_DOMAIN: `feishu`, `lark`, or an origin such as http://127.0.0.1:8089 (a test server)."""
    return DOMAINS.get(domain.lower(), domain).rstrip("/")


class ApiError(Exception):
    def __init__(self, message: str, *, code: int = -1, status: int = 0, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent


class FeishuApi:
    def __init__(self, session: aiohttp.ClientSession, base: str, app_id: str, app_secret: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.session = session
        self.base = base_url(base)
        self.app_id = app_id
        self.app_secret = app_secret
        self.clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.calls = 0

    async def token(self) -> str:
        if self._token and self.clock() < self._expires - REFRESH_MARGIN:
            return self._token
        async with self._lock:  # one fetch for everyone waiting
            if self._token and self.clock() < self._expires - REFRESH_MARGIN:
                return self._token
            async with self.session.post(self.base + TOKEN_PATH, json={"app_id": self.app_id,
                                                                       "app_secret": self.app_secret}) as resp:
                body = await _json(resp)
            if resp.status >= 400 or body.get("code") != 0 or not body.get("tenant_access_token"):
                raise _error("tenant_access_token", resp, body)
            self._token = str(body["tenant_access_token"])
            self._expires = self.clock() + float(body.get("expire") or 7200)
            return self._token

    def forget_token(self) -> None:
        self._token = None

    async def call(self, method: str, path: str, *, params: dict[str, str] | None = None,
                   json: dict[str, Any] | None = None, data: aiohttp.FormData | None = None) -> dict[str, Any]:
        """One API call; the `data` of a code-0 answer, else ApiError. An invalid token is fetched anew once."""
        for attempt in (1, 2):
            token = await self.token()
            self.calls += 1
            async with self.session.request(method, self.base + path, params=params, json=json, data=data,
                                            headers={"Authorization": f"Bearer {token}"}) as resp:
                body = await _json(resp)
            code = body.get("code")
            if code == 0 and resp.status < 400:
                result = body.get("data")
                return result if isinstance(result, dict) else body
            if isinstance(code, int) and classify(code, "", resp.status) is Verdict.TOKEN and attempt == 1:
                self.forget_token()
                continue
            raise _error(f"{method} {path}", resp, body)
        raise AssertionError("unreachable")


async def _json(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await resp.json(content_type=None)
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def _error(what: str, resp: aiohttp.ClientResponse, body: dict[str, Any]) -> ApiError:
    code = body.get("code")
    code = int(code) if isinstance(code, int) else -1
    text = str(body.get("msg") or "")
    msg = f"{what}: HTTP {resp.status} code {code} {text}".strip()
    verdict = classify(code, text, resp.status)
    if verdict is Verdict.RATE:
        try:
            retry = float(resp.headers.get("x-ogw-ratelimit-reset") or 1)
        except ValueError:
            retry = 1.0
        return ApiError(msg, code=code, status=resp.status, retry_after=max(retry, 0.1))
    if verdict is Verdict.RETRY and code != -1:  # a documented temporary state: soon, not after the backoff
        return ApiError(msg, code=code, status=resp.status, retry_after=1.0)
    return ApiError(msg, code=code, status=resp.status, permanent=verdict is Verdict.PERMANENT)
