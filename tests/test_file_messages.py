"""Files people send reach the bot as neutral attachments (issue 15.3): Slack uploads (file_share), Feishu file,
image and video messages and the images inside a rich post. The payloads follow the shapes the platforms
document (fixtures in ../shared/reference/fixtures, the file fields from Slack's FileShareMessageEvent and
Feishu's received-message content structure)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.core.events import Attachment
from bot.dispatch import event_of, payload_of
from bot.platforms.feishu import translate as feishu
from bot.platforms.shape import Malformed
from bot.platforms.slack import translate as slack

SLACK_DM: dict[str, Any] = {
    "type": "event_callback", "event_id": "Ev01", "team_id": "T0TEAM0001",
    "event": {"type": "message", "subtype": "file_share", "user": "U0HUMAN001", "channel": "D0DM000001",
              "channel_type": "im", "ts": "1718000300.000200", "event_ts": "1718000300.000200",
              "text": "提交初验 CRM", "upload": True,
              "files": [{"id": "F04EEHX1EES", "name": "测试报告.pdf", "title": "测试报告.pdf",
                         "mimetype": "application/pdf",
                         "permalink": "https://acme.slack.com/files/U0HUMAN001/F04EEHX1EES/report.pdf"},
                        # a Slack Connect file: only its id until files.info is called
                        {"id": "F12345678", "mode": "file_access", "file_access": "check_file_info"}]}}


def feishu_message(message_type: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"schema": "2.0",
            "header": {"event_id": "e1", "event_type": "im.message.receive_v1", "token": "t"},
            "event": {"sender": {"sender_id": {"open_id": "ou_vendor"}, "sender_type": "user"},
                      "message": {"message_id": "om_1", "chat_id": "oc_1", "chat_type": "p2p",
                                  "message_type": message_type, "content": json.dumps(content)}}}


def test_a_slack_upload_carries_its_files() -> None:
    slack.check_payload(SLACK_DM)
    event = slack.message_event(SLACK_DM, bot_user="UBOT")
    assert event is not None and event.text == "提交初验 CRM"
    assert event.files == (
        Attachment("测试报告.pdf", "slack:F04EEHX1EES", "https://acme.slack.com/files/U0HUMAN001/F04EEHX1EES/report.pdf"),
        Attachment("F12345678", "slack:F12345678", None))
    assert event_of(json.loads(json.dumps(payload_of(event)))) == event  # the inbox copy keeps them


def test_a_slack_file_field_of_the_wrong_type_is_refused() -> None:
    body = copy.deepcopy(SLACK_DM)
    body["event"]["files"][0]["name"] = ["not", "a", "name"]
    with pytest.raises(Malformed):
        slack.check_payload(body)


@pytest.mark.parametrize(("kind", "content", "expected"), [
    ("file", {"file_key": "file_v2_abc", "file_name": "部署手册.docx"}, [("部署手册.docx", "feishu:om_1/file_v2_abc")]),
    ("image", {"image_key": "img_v2_abc"}, [("image", "feishu:om_1/img_v2_abc")]),
    ("media", {"file_key": "file_v2_vid", "image_key": "img_v2_cover", "file_name": "演示.mp4"},
     [("演示.mp4", "feishu:om_1/file_v2_vid")]),
    ("post", {"title": "", "content": [[{"tag": "text", "text": "提交初验 CRM"}],
                                       [{"tag": "img", "image_key": "img_v2_shot"}]]},
     [("image", "feishu:om_1/img_v2_shot")]),
    ("text", {"text": "my tasks"}, []),
])
def test_feishu_files_become_attachments(kind: str, content: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    event = feishu.message_event(feishu_message(kind, content), bot_open_id="ou_bot")
    assert event is not None
    assert [(f.name, f.ref) for f in event.files] == expected
    if kind == "post":
        assert event.text == "提交初验 CRM"


def test_a_feishu_file_message_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(Malformed):
        feishu.message_event(feishu_message("file", {"file_key": 12}), bot_open_id="ou_bot")


def test_stickers_are_still_not_work_for_the_bot() -> None:
    assert feishu.message_event(feishu_message("sticker", {"file_key": "x"}), bot_open_id="ou_bot") is None
