"""Requests for help: "help", "帮助", "怎么用", "?", optionally about one topic."""

from __future__ import annotations

import re

from .intents import Help
from .message import Message

_BARE = re.compile(
    r"^(?:/?help|h|\?+|帮助|求助|怎么用|如何使用|怎么使用|使用说明|使用帮助|说明|用法|指令|命令|命令列表|菜单|"
    r"help me|help please|帮助一下|你能做什么|你会什么|你会做什么|能做什么|你能干什么|有什么功能|功能列表|"
    r"what can you do|what do you do|commands|command list|usage|how to use|how do i use (?:this|you|it|the bot)|"
    r"怎么用你|这个怎么用|这个机器人怎么用|机器人怎么用|bot怎么用|how does this work)$",
    re.IGNORECASE,
)
# Help asked in words: "这个机器人咋用", "有哪些命令", "你都会啥", "how do I use this", "what are the commands".
_ASKED = re.compile(
    r"^(?:请问)?\s*(?:这个|这)?\s*(?:机器人|bot|助手|你)?\s*(?:该|要)?\s*(?:咋|怎么|怎样|如何)\s*(?:用|使用|玩|操作)\s*"
    r"(?:啊|呀|呢|的)?\s*[?？]*$|"
    r"^(?:你|机器人|bot)?\s*(?:都)?\s*有(?:哪些|什么|啥)\s*(?:命令|指令|功能|用法)\s*[?？]*$|"
    r"^(?:你|机器人)?\s*(?:都)?\s*(?:能|会|可以)\s*(?:做|干)?\s*(?:些)?\s*(?:什么|啥|哪些)\s*(?:事|功能)?\s*[?？]*$|"
    r"^(?:what\s+(?:are\s+(?:the|your)\s+)?commands|what\s+(?:else\s+)?can\s+(?:you|i)\s+(?:do|say|ask)|"
    r"how\s+(?:do|does|can|should)\s+(?:i|we|one)\s+use\s+(?:this|it|you|the\s+bot)(?:\s+bot)?|"
    r"what\s+do\s+you\s+(?:do|understand)|show\s+(?:me\s+)?(?:the\s+)?(?:commands|help))\s*\??$",
    re.IGNORECASE,
)
_TOPIC = re.compile(
    r"^(?:/?help|帮助)\s*(?:on|with|about|:)?\s*(?P<t>.{1,30})$"
    r"|^(?:how\s+(?:do|can)\s+i|怎么|如何|怎样)\s*(?P<t2>.{1,30}?)\s*\??$",
    re.IGNORECASE,
)
_TOPICS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"工时|hours?|\blog|timesheet|记时", re.IGNORECASE), "log_hours"),
    (re.compile(r"变更|change|延期|postpone", re.IGNORECASE), "request_change"),
    (re.compile(r"站会|standup|stand-up|日报", re.IGNORECASE), "standup"),
    (re.compile(r"(?:建|创建|新建|加).*任务|create|new task|add task|task", re.IGNORECASE), "create_task"),
    (re.compile(r"更新|状态|进度|update|status|progress", re.IGNORECASE), "update_task"),
    (re.compile(r"查|query|search|report", re.IGNORECASE), "query"),
    (re.compile(r"项目|成员|绑定|时区|语言|project|member|bind|timezone|language|admin|setup", re.IGNORECASE),
     "admin"),
]


def parse_help(msg: Message) -> Help | None:
    text = msg.text.strip(" .!。~")
    if _BARE.match(text) or _ASKED.match(text):
        return Help()
    m = _TOPIC.match(text)
    if not m:
        return None
    raw = (m["t"] or m["t2"] or "").strip(" ?")
    if not raw:
        return Help()
    for pattern, topic in _TOPICS:
        if pattern.search(raw):
            return Help(topic=topic)
    # "怎么样" / "how do I get there" are not help requests unless they name a bot topic.
    return Help(topic=raw.lower()) if m["t"] else None
