"""Feishu request authenticity: Encrypt Key (AES-256-CBC), X-Lark-Signature, Verification Token, replay window.

lark_oapi does the first three (case-sensitive header lookup, no freshness check); we do all four ourselves so
webhook mode never imports lark_oapi (~2 s, ~170 MB) and a replayed request is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

from Crypto.Cipher import AES

from bot.platforms.shape import Refused

REPLAY_WINDOW = 300  # seconds between X-Lark-Request-Timestamp and our clock (Feishu signs every push anew)


class Rejected(Refused):
    """The request is not from Feishu (or not any more): answer 4xx (401 unless said) and store nothing."""

    status = 401


def _key(encrypt_key: str) -> bytes:
    return hashlib.sha256(encrypt_key.encode("utf-8")).digest()


def decrypt(encrypt_key: str, blob: str) -> bytes:
    """base64(IV ‖ AES-256-CBC(PKCS7(plaintext))) with key = SHA-256(Encrypt Key) -> plaintext bytes."""
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Rejected("encrypt is not base64", 400) from exc
    if len(raw) < 32 or len(raw) % 16:
        raise Rejected("encrypt has a bad length", 400)
    plain = AES.new(_key(encrypt_key), AES.MODE_CBC, raw[:16]).decrypt(raw[16:])
    pad = plain[-1]
    if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
        raise Rejected("encrypt does not decrypt with our Encrypt Key", 400)
    return plain[:-pad]


def encrypt(encrypt_key: str, plaintext: bytes, *, iv: bytes | None = None) -> str:
    """The inverse of `decrypt` (Feishu's side; used by the fake server, tests and the bench)."""
    iv = iv or os.urandom(16)
    pad = 16 - len(plaintext) % 16
    cipher = AES.new(_key(encrypt_key), AES.MODE_CBC, iv).encrypt(plaintext + bytes([pad]) * pad)
    return base64.b64encode(iv + cipher).decode()


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8") + body).hexdigest()


MAX_NONCES = 200_000  # nonces remembered at most (a replay is also dropped by the inbox's event-id key)


class Verifier:
    """Checks one webhook request. Header names are matched case-insensitively (proxies lower-case them)."""

    def __init__(self, *, encrypt_key: str = "", verification_token: str = "",
                 clock: Callable[[], float] = time.time, window: int = REPLAY_WINDOW) -> None:
        self.encrypt_key = encrypt_key
        self.verification_token = verification_token
        self.clock = clock
        self.window = window
        self._nonces: OrderedDict[tuple[str, str], float] = OrderedDict()

    def check_signature(self, headers: Mapping[str, str], body: bytes) -> None:
        """X-Lark-Signature over timestamp + nonce + Encrypt Key + raw body, within the replay window."""
        if not self.encrypt_key:
            return  # Feishu signs only when an Encrypt Key is set; the token check still applies
        low = {k.lower(): v for k, v in headers.items()}
        timestamp = low.get("x-lark-request-timestamp", "")
        nonce = low.get("x-lark-request-nonce", "")
        given = low.get("x-lark-signature", "").lower()
        if not (timestamp and nonce and given):
            raise Rejected("missing signature headers")
        # Feishu sends ASCII (digits, a nonce, hex). Anything else cannot match, and would make the hashing
        # (a header aiohttp decoded with surrogateescape) or compare_digest (non-ASCII str) raise instead.
        if not (timestamp.isascii() and nonce.isascii() and given.isascii()):
            raise Rejected("malformed signature headers")
        expected = signature(timestamp, nonce, self.encrypt_key, body)
        if not hmac.compare_digest(expected, given):
            raise Rejected("bad signature")
        # Seconds since 1970: ten digits until 2286. A longer one is no timestamp (and int() of thousands of
        # digits is slow, then too large for a float).
        if not (timestamp.isdigit() and len(timestamp) <= 12):
            raise Rejected("bad timestamp")
        if abs(self.clock() - int(timestamp)) > self.window:
            raise Rejected("stale timestamp")
        now = self.clock()
        # Forget what left the window, oldest first (insertion order is arrival order): O(1) per request.
        # (Rebuilding the whole dict once it held 10,000 entries cost a full scan on every request under load.)
        nonces = self._nonces
        while nonces:
            seen = next(iter(nonces.values()))
            if now - seen <= self.window and len(nonces) < MAX_NONCES:
                break
            nonces.popitem(last=False)
        if (timestamp, nonce) in nonces:  # the very same signed request again: a replay
            raise Rejected("replayed request")
        nonces[(timestamp, nonce)] = now

    def check_token(self, token: object) -> None:
        # Bytes, not str: compare_digest raises TypeError on a non-ASCII str (the token comes from the body).
        given = str(token or "").encode("utf-8", "surrogatepass")
        if self.verification_token and not hmac.compare_digest(given, self.verification_token.encode("utf-8")):
            raise Rejected("wrong verification token")

    def open(self, body: dict[str, object]) -> bytes | None:
        """The plaintext of an encrypted body, or None when it was not encrypted."""
        blob = body.get("encrypt")
        if blob is None:
            return None
        if not self.encrypt_key or not isinstance(blob, str):
            raise Rejected("encrypted body but no Encrypt Key configured", 400)
        return decrypt(self.encrypt_key, blob)
