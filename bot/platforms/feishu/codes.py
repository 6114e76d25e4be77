"""Feishu open-API error codes: which ones a retry can fix. The one home for that rule.

Feishu answers many errors with HTTP 200 or 400 and a non-zero `code`; the HTTP status alone says little (a
400 can be "message is being sent, try again"). Each entry keeps the wording of Feishu's error tables
(send message, card, frequency control); docs/operations.md lists them for operators.

An unknown code in a 4xx answer is permanent (retrying a bad request only repeats it); an unknown code in a
5xx answer, or no code at all (a proxy's page), is retried.
"""

from __future__ import annotations

import enum


class Verdict(enum.Enum):
    RETRY = "retry"  # temporary: the same request later should succeed
    RATE = "rate"  # a frequency limit: wait `x-ogw-ratelimit-reset` (or a second), then retry
    TOKEN = "token"  # the tenant_access_token is invalid or expired: fetch a new one, retry once
    PERMANENT = "permanent"  # no retry fixes it


# code -> (verdict, Feishu's wording)
CODES: dict[int, tuple[Verdict, str]] = {
    # temporary
    230049: (Verdict.RETRY, "The message is being sent, please try again later"),
    11310: (Verdict.RETRY, "card action is lock"),  # inside a 230099 (see `classify`)
    # frequency limits
    99991400: (Verdict.RATE, "request trigger frequency limit"),
    230020: (Verdict.RATE, "This operation triggers the frequency limit"),
    11232: (Verdict.RATE, "create message trigger rate limit"),
    11233: (Verdict.RATE, "chat trigger rate limit"),
    # token
    99991661: (Verdict.TOKEN, "Missing access token for authorization"),
    99991663: (Verdict.TOKEN, "Invalid access token for authorization"),
    99991664: (Verdict.TOKEN, "Invalid app access token"),
    99991665: (Verdict.TOKEN, "Invalid tenant code"),
    99991668: (Verdict.TOKEN, "Invalid access token (expired)"),
    # permanent: bad request, bot not in chat / no bot capability, recipient out of the app's range, no
    # permission or scope, message gone or not editable, card content rejected
    10003: (Verdict.PERMANENT, "invalid param"),
    10014: (Verdict.PERMANENT, "app secret invalid"),
    230001: (Verdict.PERMANENT, "Your request contains an invalid request parameter"),
    230002: (Verdict.PERMANENT, "The bot can not be outside the group"),
    230006: (Verdict.PERMANENT, "Bot ability is not activated"),
    230011: (Verdict.PERMANENT, "The message is recalled"),
    230013: (Verdict.PERMANENT, "Bot has NO availability to this user"),
    230017: (Verdict.PERMANENT, "Bot is not the owner of the resource"),
    230018: (Verdict.PERMANENT, "These operations are not allowed at current group settings"),
    230025: (Verdict.PERMANENT, "The length of the message content reaches its limit"),
    230027: (Verdict.PERMANENT, "Lack of necessary permissions"),
    230028: (Verdict.PERMANENT, "The messages do NOT pass the audit"),
    230031: (Verdict.PERMANENT, "The operator or the message is not in the chat"),
    230099: (Verdict.PERMANENT, "Failed to create card content"),
    230110: (Verdict.PERMANENT, "Action unavailable as the message has been deleted"),
    231003: (Verdict.PERMANENT, "The message is not found"),
    99991672: (Verdict.PERMANENT, "Access denied: the app lacks a required scope"),
    99991679: (Verdict.PERMANENT, "Unauthorized: the user has not granted the scope"),
    99992402: (Verdict.PERMANENT, "field validation failed"),
    # ephemeral/v1/send in a p2p chat: the API takes group chats only (documented; library-facts.md). The
    # code number is our assumption, not read from Feishu's table: the sender does not depend on it (it
    # never sends an ephemeral note to a chat it knows is p2p, and falls back on any refusal of one).
    11247: (Verdict.PERMANENT, "chat type not support, ephemeral message only support group chat"),
}

EPHEMERAL_NOT_IN_P2P = 11247
CARD_LOCKED = 11310  # "230099 … ErrCode: 11310; ErrMsg: card action is lock": someone else's click is updating it


def classify(code: int, msg: str, status: int) -> Verdict:
    """What to do about an error answer: `code` (-1 when the body had none), `msg`, the HTTP status."""
    if status == 429:
        return Verdict.RATE
    if code == 230099 and str(CARD_LOCKED) in msg:  # the inner code comes in the message text
        return Verdict.RETRY
    known = CODES.get(code)
    if known is not None:
        return known[0]
    if code == -1 or status >= 500 or status < 400:
        # No code (a proxy's page), a server error, or a code we do not know in a 200: try again later.
        return Verdict.RETRY
    return Verdict.PERMANENT
