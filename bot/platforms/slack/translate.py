"""Slack payloads -> neutral events. Pure functions; every quirk is commented where it is handled."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core import forms
from bot.core.events import Attachment, CardAction, FormSubmission, HomeOpened, IncomingMessage, UserRef
from bot.platforms.shape import (
    MAX_CHAT_ID,
    MAX_THREAD,
    MAX_USER_ID,
    Malformed,
    Schema,
    bounded,
    check,
    required,
    sound,
)

PLATFORM = "slack"
MODAL_CALLBACK = "create_task_modal"
FORM_CALLBACK = "pmo_form"  # render.form_modal: a neutral FormSpec
FORM_ACTION = "pmo_form_"  # render.button: the action_id of a button that opens a form, `pmo_form_<i>:<form>`
# Modals opened before forms were neutral specs (render.change_modal, render.reject_modal): still read, so one
# open across an upgrade can be submitted.
CHANGE_MODAL = "change_request_modal"
REJECT_MODAL = "change_reject_modal"
SHORTCUT_CALLBACK = "create_task_from_message"
# The "new task" modal's neutral field -> its block (render.task_modal), where Slack shows an error in place; a
# modal rendered from a spec names its blocks by field.
FIELD_BLOCKS = {"title": "title_block", "estimate_hours": "estimate_block", "new_due": "due_block",
                "extra_hours": "hours_block", "budget": "budget_block", "people": "people_block",
                "reason": "reason_block"}
ACTIONS_VIA_RESPONSE_URL = "pmo_actions_ru"  # render.ACTIONS_VIA_RESPONSE_URL (render imports nothing from here)

# Slack escapes &, < and > in message text; mentions are <@U123> or <@U123|name>, channels <#C1|name>,
# links <url|label>. Mentions keep the neutral <@ID> form, the rest becomes plain text.
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_SPECIAL = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|@?([^>]*))?>")
_LINK = re.compile(r"<(?![@!])([^>|]+)(?:\|([^>]*))?>")

# "/pm task ..." etc.: the slash command's first word names what to do, in words the parser knows.
_SUBCOMMANDS = {
    "task": "new task", "create": "new task", "new": "new task", "add": "new task",
    "log": "log", "status": "status", "mine": "my tasks", "my": "my", "tasks": "my tasks",
    "hours": "my hours this week", "overdue": "overdue", "help": "help", "show": "show",
}


# What each payload must look like, as far as we or bolt read it (bot/platforms/shape.py). bolt's context
# builder looks for user/team/enterprise/channel ids (a string or an object with `id`) at the top, in the event,
# in a message inside it and in the first authorization; a string where it expects an object crashes it.
_CONTEXT: dict[str, type | tuple[type, ...]] = {
    "user": (str, dict), "user.id": str, "user.team_id": str, "team": (str, dict), "team.id": str,
    "team.enterprise_id": str, "enterprise": (str, dict), "enterprise.id": str, "channel": (str, dict),
    "channel.id": str, "user_id": str, "team_id": str, "enterprise_id": str, "channel_id": str, "thread_ts": str,
    "ts": str, "is_enterprise_install": (bool, str), "view": dict, "view.team_id": str,
    "view.app_installed_team_id": str, "item": dict, "item.channel": str, "assistant_thread": dict,
    "assistant_thread.channel_id": str, "assistant_thread.thread_ts": str, "function_data": dict,
    "function_execution_id": str, "bot_access_token": str, "message": dict, "previous_message": dict,
    "user_team": str, "is_ext_shared_channel": bool}
_LEVELS = ("", "event.", "event.message.", "event.previous_message.", "message.", "previous_message.",
           "authorizations.*.")
COMMON: Schema = {"type": str, "authorizations": list, "authorizations.*": dict, "event": dict,
                  "response_url": str, "response_urls": list, "response_urls.*": dict,
                  "response_urls.*.response_url": str, "trigger_id": str, "callback_id": str, "ssl_check": str,
                  **{level + key: kind for level in _LEVELS for key, kind in _CONTEXT.items()}}
EVENT: Schema = {"event_id": str, "event.type": str, "event.user": str, "event.channel": str, "event.ts": str,
                 "event.thread_ts": str, "event.subtype": str, "event.bot_id": str,
                 "event.text": str, "event.channel_type": str, "event.tab": str, "event.event_ts": str,
                 "event.files": list, "event.files.*": dict, "event.files.*.id": str, "event.files.*.name": str,
                 "event.files.*.title": str, "event.files.*.permalink": str}
URL_VERIFICATION: Schema = {"challenge": str}
BLOCK_ACTIONS: Schema = {"user": dict, "channel": dict, "actions": list, "actions.*": dict, "actions.*.action_id": str, "actions.*.block_id": str,
                         "actions.*.value": str, "actions.*.action_ts": str, "container": dict,
                         "container.channel_id": str, "container.message_ts": str, "container.thread_ts": str}
VIEW_SUBMISSION: Schema = {
    "user": dict, "view.id": str, "view.hash": str, "view.callback_id": str, "view.private_metadata": str, "view.state": dict,
    "view.state.values": dict, "view.state.values.*": dict, "view.state.values.*.*": dict,
    "view.state.values.*.*.value": str, "view.state.values.*.*.selected_user": str,
    "view.state.values.*.*.selected_date": str, "view.state.values.*.*.selected_option": dict,
    "view.state.values.*.*.selected_option.value": str, "view.state.values.*.*.selected_users": list,
    "view.state.values.*.*.selected_users.*": str}
SHORTCUT: Schema = {"user": dict, "channel": dict, "message.text": str}
COMMAND: Schema = {"command": str, "text": str}  # a form: every value is a string there, not in Socket Mode
PRIVATE_METADATA: Schema = {"channel_id": str, "thread_ts": str, "task": str, "change": (str, int), "form": str,
                            "button": str}
_BY_TYPE = {"event_callback": EVENT, "url_verification": URL_VERIFICATION, "block_actions": BLOCK_ACTIONS,
            "view_submission": VIEW_SUBMISSION, "message_action": SHORTCUT, "shortcut": SHORTCUT}
# What Slack always sends with each type: bolt indexes these without looking, so a payload without them is
# no payload from Slack.
_REQUIRED = {"event_callback": ("event.type",), "url_verification": ("challenge",),
             "block_actions": ("actions", "actions.0.action_id"),
             "view_submission": ("view", "view.type", "view.callback_id"),
             "message_action": ("callback_id",), "shortcut": ("callback_id",)}


def check_payload(body: Any) -> None:
    """Malformed unless the payload's fields have the types Slack sends (those we or bolt read)."""
    check(body, COMMON, what="slack payload")
    user = body.get("user")
    if isinstance(user, dict):  # the clicker of a shortcut or a form button: looked up before any event exists
        bounded(user.get("id"), MAX_USER_ID, "slack payload: user.id")
    kind = body.get("type")
    if kind is None and "command" in body:
        check(body, COMMAND, what="slack command")
    elif kind in _BY_TYPE:
        check(body, _BY_TYPE[kind], what=f"slack {kind}")
        for path in _REQUIRED.get(kind, ()):
            required(_at(body, path), f"slack {kind}: {path}")
        if kind == "message_action":  # its ids go into the modal's private_metadata, which Slack caps
            bounded(_at(body, "channel.id"), MAX_CHAT_ID, "slack message_action: channel.id")
            for path in ("message.ts", "message.thread_ts"):
                bounded(_at(body, path), MAX_THREAD, f"slack message_action: {path}")


def _at(body: dict[str, Any], path: str) -> Any:
    """The value at a dotted path (a number indexes a list), or None."""
    value: Any = body
    for key in path.split("."):
        if key.isdigit():
            value = value[int(key)] if isinstance(value, list) and len(value) > int(key) else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
    return value


def plain_text(text: str) -> str:
    text = _USER.sub(lambda m: f"<@{m.group(1)}>", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1) or m.group(2) or 'team'}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentioned_ids(text: str) -> list[str]:
    return list(dict.fromkeys(_USER.findall(text)))


def message_key(channel: str, ts: str) -> str:
    """The inbox key of a message: a mention arrives twice (app_mention and message, two event ids) and a
    retry repeats the event id, but channel + ts is the same for all of them."""
    return f"msg:{channel}:{ts}"


def message_event(body: dict[str, Any], *, bot_user: str | None, bot_in_thread: bool = False,
                  ) -> IncomingMessage | None:
    """A message or app_mention event callback -> an IncomingMessage, or None when it is not for us."""
    event = body.get("event") or {}
    if event.get("type") not in ("message", "app_mention"):
        return None
    # Our own and other bots' messages: modern bot posts have bot_id without a subtype.
    if event.get("bot_id") or event.get("subtype") in ("bot_message", "message_changed", "message_deleted",
                                                       "channel_join", "channel_leave"):
        return None
    if event.get("subtype") not in (None, "thread_broadcast", "file_share"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or user == bot_user:
        return None
    raw = event.get("text") or ""
    is_dm = event.get("channel_type") == "im" or str(channel).startswith("D")
    mentioned = bot_user is not None and f"<@{bot_user}>" in raw
    # In channels the bot acts when mentioned, or when someone answers in a thread it is part of.
    if not is_dm and not (event.get("type") == "app_mention" or mentioned or
                          (event.get("thread_ts") and bot_in_thread)):
        return None
    thread = None if is_dm else (event.get("thread_ts") or ts)
    mentions = tuple(UserRef(PLATFORM, uid) for uid in mentioned_ids(raw) if uid != bot_user)
    # Uploads (subtype file_share, or files on an app_mention): a Slack Connect file may come without a name
    # or link until files.info is called ("mode": "file_access"); its id is enough to find it again.
    files = tuple(Attachment(name=str(f.get("name") or f.get("title") or f["id"])[:200], ref=f"slack:{f['id']}",
                             url=f.get("permalink")) for f in event.get("files") or [] if f.get("id"))
    return sound(IncomingMessage(platform=PLATFORM, event_id=message_key(channel, ts),
                                 user=UserRef(PLATFORM, user), text=plain_text(raw),
                                 chat=None if is_dm else channel, thread=thread, mentions=mentions, files=files))


def block_action(payload: dict[str, Any]) -> CardAction | None:
    """A button click -> CardAction. The button's value is our button id; the message ref is channel:ts."""
    actions = payload.get("actions") or []
    user = (payload.get("user") or {}).get("id")
    if not actions or not user:
        return None
    action = actions[0] or {}
    container = payload.get("container") or {}
    channel = container.get("channel_id") or (payload.get("channel") or {}).get("id")
    message_ts = container.get("message_ts")
    is_dm = str(channel or "").startswith("D")
    # action_ts is unique per click; a double click is two events that the handler makes idempotent.
    click = required(action.get("action_ts") or payload.get("trigger_id"), "slack block_actions: action_ts")
    event_id = f"act:{click}:{user}"
    # A card a slash command posted (render.ACTIONS_VIA_RESPONSE_URL) may be where chat.update cannot reach:
    # answer its clicks through the click's own response_url.
    reply_url = payload.get("response_url") if action.get("block_id") == ACTIONS_VIA_RESPONSE_URL else None
    return sound(CardAction(platform=PLATFORM, event_id=event_id, user=UserRef(PLATFORM, user),
                            action=str(action.get("value") or action.get("action_id") or "")[:200],
                            chat=None if is_dm else channel,
                            thread=None if is_dm else (container.get("thread_ts") or message_ts),
                            message=f"{channel}:{message_ts}" if channel and message_ts else None,
                            reply_url=str(reply_url) if reply_url else None))


def form_of(action: dict[str, Any]) -> forms.FormSpec | None:
    """The form a click opens: the one its button names (render.FORM_ACTION), else — a card posted before
    buttons named their form — the spec that claims the button id's prefix."""
    action_id = str(action.get("action_id") or "")
    name = action_id.partition(":")[2] if action_id.startswith(FORM_ACTION) else None
    found = forms.opened_by(str(action.get("value") or ""), name)
    return found if found is not None and forms.opens(found, str(action.get("value") or "")) else None


def slash_command(form: dict[str, str]) -> IncomingMessage | None:
    """`/pm task ...` -> the same grammar as a message; the answer goes to the command's response_url."""
    user, channel = form.get("user_id"), form.get("channel_id")
    if not user:
        return None
    text = plain_text(form.get("text") or "").strip()
    first, _, rest = text.partition(" ")
    if first.lower() in _SUBCOMMANDS:
        text = f"{_SUBCOMMANDS[first.lower()]} {rest}".strip()
    text = text or "help"
    is_dm = str(channel or "").startswith("D")
    mentions = tuple(UserRef(PLATFORM, uid) for uid in mentioned_ids(form.get("text") or ""))
    # Without response_url the command cannot be answered; without either id it is no command Slack sent.
    reply_url = required(form.get("response_url"), "slack command: response_url")
    return sound(IncomingMessage(platform=PLATFORM, event_id=f"cmd:{form.get('trigger_id') or reply_url}",
                                 user=UserRef(PLATFORM, user), text=text, chat=None if is_dm else channel,
                                 mentions=mentions, reply_url=reply_url))


def view_submission(payload: dict[str, Any]) -> FormSubmission | None:
    """Our modals -> FormSubmission: a neutral form (render.form_modal) -> its spec's name, "new task" ->
    create_task; private_metadata carries which form, the button that opened it and where it came from."""
    view = payload.get("view") or {}
    if view.get("callback_id") == FORM_CALLBACK:
        return _spec_form(payload, view)
    if view.get("callback_id") in (CHANGE_MODAL, REJECT_MODAL):
        return _change_form(payload, view)
    if view.get("callback_id") != MODAL_CALLBACK:
        return None
    values = _values(view)
    meta = _metadata(view)
    assignees = values.get("assignee_select") or values.get("assignees_select") or []
    form = {
        "title": values.get("title_input"), "assignees": [assignees] if isinstance(assignees, str) else assignees,
        "due": values.get("due_picker"), "priority": values.get("priority_select"),
        "estimate_hours": values.get("estimate_input"), "project": values.get("project_input"),
    }
    channel = meta.get("channel_id")
    is_dm = not channel or str(channel).startswith("D")
    return sound(FormSubmission(platform=PLATFORM, event_id=_view_id(view), user=_submitter(payload),
                                form="create_task", values=form, chat=None if is_dm else channel,
                                thread=None if is_dm else meta.get("thread_ts")))


def _view_id(view: dict[str, Any]) -> str:
    return f"view:{required(view.get('id'), 'slack view_submission: view.id')}:{view.get('hash')}"


def _submitter(payload: dict[str, Any]) -> UserRef:
    return UserRef(PLATFORM, required((payload.get("user") or {}).get("id"), "slack view_submission: user.id"))


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    """Our modal's private_metadata: JSON we wrote (render.py), so anything else is malformed."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except (ValueError, RecursionError):
        raise Malformed("slack view_submission: private_metadata is not JSON") from None
    check(meta, PRIVATE_METADATA, what="slack private_metadata")
    return dict(meta)


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in ((view.get("state") or {}).get("values") or {}).values():
        for action_id, field in block.items():
            values[action_id] = (field.get("value") or field.get("selected_user") or field.get("selected_date")
                                 or (field.get("selected_option") or {}).get("value") or field.get("selected_users"))
    return values


def error_block(payload: dict[str, Any], name: str) -> str:
    """The modal block where Slack shows field `name`'s error."""
    callback = ((payload.get("view") or {}).get("callback_id"))
    return name if callback == FORM_CALLBACK else FIELD_BLOCKS.get(name, name)


def _spec_form(payload: dict[str, Any], view: dict[str, Any]) -> FormSubmission | None:
    meta = _metadata(view)
    spec = forms.spec(str(meta.get("form") or ""))
    if spec is None:  # a form this build does not know (renamed since the modal opened): nothing to store
        return None
    values = _values(view)
    channel = meta.get("channel_id")
    is_dm = not channel or str(channel).startswith("D")
    return sound(FormSubmission(platform=PLATFORM, event_id=_view_id(view), user=_submitter(payload),
                                form=spec.name, values=forms.submitted(spec, meta.get("button"), values),
                                chat=None if is_dm else channel, thread=None if is_dm else meta.get("thread_ts")))


def _change_form(payload: dict[str, Any], view: dict[str, Any]) -> FormSubmission:
    values = _values(view)
    meta = _metadata(view)
    if view.get("callback_id") == REJECT_MODAL:
        name, form = "change_reject", {"change": str(meta.get("change") or ""), "reason": values.get("reason_input")}
    else:
        name, form = "change_request", {
            "task": meta.get("task"), "change_type": values.get("change_type_select"),
            "new_due": values.get("new_due_picker"), "extra_hours": values.get("extra_hours_input"),
            "budget": values.get("budget_input"), "people": values.get("people_input"),
            "reason": values.get("reason_input")}
    channel = meta.get("channel_id")
    is_dm = not channel or str(channel).startswith("D")
    return sound(FormSubmission(platform=PLATFORM, event_id=_view_id(view), user=_submitter(payload), form=name,
                                values=form, chat=None if is_dm else channel,
                                thread=None if is_dm else meta.get("thread_ts")))


def home_opened(body: dict[str, Any]) -> HomeOpened | None:
    event = body.get("event") or {}
    if event.get("tab", "home") != "home" or not event.get("user"):
        return None
    event_id = body.get("event_id") or f"home:{required(event.get('event_ts'), 'slack app_home_opened: event_ts')}"
    return sound(HomeOpened(platform=PLATFORM, event_id=str(event_id), user=UserRef(PLATFORM, event["user"])))
