"""Reply catalogue: leave, members, projects, the admin CLI and the audit trail."""

from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "project.not_found": {
        "zh": "没有找到项目 {key}。已有项目：{hint}",
        "en": "No project {key}. Known projects: {hint}",
    },
    "project.none": {
        "zh": "你还没有加入任何项目。PMO 可以用“新建项目 KEY 名称”创建，或请项目经理添加你。",
        "en": "You are not on any project yet. The PMO can “create project KEY Name”, or ask a PM to add you.",
    },
    "project.which": {
        "zh": "你在多个项目中（{keys}），请用 [KEY] 指明项目，或在已绑定项目的群里发送。",
        "en": "You are on several projects ({keys}): name one as [KEY], or write in a chat bound to it.",
    },
    "admin.bad_tz": {
        "zh": "不认识时区 {tz}，请用 IANA 名称，例如 Asia/Shanghai。",
        "en": "Unknown timezone {tz}; use an IANA name such as Asia/Shanghai.",
    },
    "admin.bad_locale": {
        "zh": "不支持的语言 {locale}，可选 zh 或 en。",
        "en": "Unsupported language {locale}: use zh or en.",
    },
    "admin.bad_key": {
        "zh": "项目编号 {key} 不合法：2–10 位大写字母或数字，以字母开头，例如 CRM。",
        "en": "Project key {key} is not valid: 2–10 capital letters or digits starting with a letter, e.g. CRM.",
    },
    "admin.project_exists": {"zh": "项目 {key} 已存在。", "en": "Project {key} already exists."},
    "admin.bad_role": {
        "zh": "没有角色 {role}，可选：{roles}。",
        "en": "There is no role {role}; choose one of: {roles}.",
    },
    "admin.need_key": {
        "zh": "请给出项目编号，例如：新建项目 CRM 客户关系系统",
        "en": "Give a project key, e.g.: create project CRM Customer Portal",
    },
    "admin.need_user": {
        "zh": "要添加谁？例如：添加成员 @张三 CRM 项目经理",
        "en": "Whom should I add? e.g. add @alice to CRM as pm",
    },
    "admin.created": {"zh": "已创建项目 {key}「{name}」。", "en": "Created project {key} “{name}”."},
    "admin.bind_dm": {"zh": "请在要绑定的群里发送这条消息。", "en": "Send this in the group chat you want to bind."},
    "admin.bound": {"zh": "本群已绑定到项目 {key}。", "en": "This chat is now bound to {key}."},
    "admin.member_added": {"zh": "已把 {name} 加入 {key}，角色：{role}。", "en": "Added {name} to {key} as {role}."},
    "admin.member_changed": {"zh": "{name} 在 {key} 的角色已改为：{role}。", "en": "{name} is now {role} on {key}."},
    "admin.set": {"zh": "{key} 的{field}已设为 {value}。", "en": "{key} {field} set to {value}."},
    "admin.set_mine": {"zh": "你的{field}已设为 {value}。", "en": "Your {field} is now {value}."},
    "admin.unknown": {"zh": "不支持这个管理操作。", "en": "That admin action is not supported."},
    "admin.not_member": {"zh": "{who} 不是 {key} 的成员。", "en": "{who} is not a member of {key}."},
    "admin.chat_not_bound": {"zh": "{chat} 没有绑定到 {key}。", "en": "{chat} is not bound to {key}."},
    "project.archived": {
        "zh": "项目 {project} 已归档，不能再新建任务。如需继续，请 PMO 取消归档（pmo-bot admin project unarchive {project}）。",
        "en": "Project {project} is archived: no new tasks. The PMO can reopen it (pmo-bot admin project unarchive {project}).",
    },
    "admin.calendar_missing": {"zh": "{day} 没有自定义的日历设置。", "en": "There is no calendar override for {day}."},
    "admin.link_refused": {
        "zh": "{who} 已是另一个人的记录，并且有自己的数据（{tables}），不能自动合并。",
        "en": "{who} is another person's record with data of its own ({tables}); not merged.",
    },
    "audit.change.requested": {"zh": "提交申请", "en": "asked"},
    "audit.change.assessed": {"zh": "完成影响评估", "en": "assessed"},
    "audit.change.approved": {"zh": "同意", "en": "approved"},
    "audit.change.rejected": {"zh": "驳回", "en": "rejected"},
    "audit.change.withdrawn": {"zh": "撤回", "en": "withdrew"},
    "audit.change.reassessed": {"zh": "重新评估影响", "en": "re-assessed"},
    "audit.change.applied": {"zh": "变更生效", "en": "applied"},
    "leave.recorded": {
        "zh": "已记录请假：{start} 至 {end}，期间不会提醒你站会。",
        "en": "Leave noted: {start} to {end}; no standup prompts then.",
    },
    "leave.too_long": {
        "zh": "请假最长 {days} 天，请分开登记。",
        "en": "Leave can be at most {days} days; please split it.",
    },
    "leave.which_days": {
        "zh": "请哪几天？点下面的按钮，或直接说，例如“下周一到周三请假”。",
        "en": "Which days? Press a button, or say it, e.g. “on leave Monday to Wednesday”.",
    },
    "leave.b_today": {"zh": "今天", "en": "Today"},
    "leave.b_tomorrow": {"zh": "明天", "en": "Tomorrow"},
    "leave.part_day": {
        "zh": "半天或几个小时不算请假：当天仍会提醒站会（站会按天提醒），没有记录请假。需要整天请假请说“明天请假”。",
        "en": "Part of a day is not leave: the standup prompt is per day, so it still comes; nothing was recorded. For a whole day say “off tomorrow”.",
    },
    "leave.mine_none": {"zh": "你目前没有登记的请假。", "en": "You have no leave booked."},
    "leave.mine": {"zh": "你登记的请假（{n}）：", "en": "Your leave ({n}):"},
    "leave.not_shared": {
        "zh": "你和 {name} 没有共同的项目，看不到 {name} 的请假。",
        "en": "You share no project with {name}, so their leave is not yours to see.",
    },
    "leave.is_away": {"zh": "{name} {day} 在请假（{span}）。", "en": "{name} is on leave on {day} ({span})."},
    "leave.not_away": {"zh": "{name} {day} 没有请假。", "en": "{name} is not on leave on {day}."},
    "leave.next": {"zh": "下一次请假：{span}。", "en": "Next leave: {span}."},
    "leave.nobody": {"zh": "{day} 没有人请假。", "en": "Nobody is on leave on {day}."},
    "leave.away_list": {"zh": "{day} 请假的人：{names}", "en": "On leave on {day}: {names}"},
    "leave.all_upcoming": {"zh": "今天起的请假", "en": "leave from today on"},
    "leave.nothing_to_cancel": {
        "zh": "没有可取消的请假（{what}），什么都没改。",
        "en": "No leave to cancel ({what}); nothing changed.",
    },
    "leave.cancelled": {"zh": "已取消请假（{n} 条）：", "en": "Leave cancelled ({n}):"},
    "leave.kept": {"zh": "保留 {spans}", "en": "kept {spans}"},
    "leave.removed": {"zh": "已删除", "en": "removed"},
    "mem.list": {"zh": "{key} 的成员（{n}）：", "en": "{key} members ({n}):"},
    "mem.removed": {
        "zh": "已把 {name} 移出 {key}（原角色：{role}），其权限立即失效。",
        "en": "Removed {name} from {key} (was {role}); their access ends now.",
    },
    "mem.not_member": {
        "zh": "{name} 不是 {key} 的成员，什么都没改。",
        "en": "{name} is not on {key}; nothing changed.",
    },
    "mem.last_manager": {
        "zh": "{name} 是 {key} 唯一的项目经理，先任命另一位项目经理再移除。",
        "en": "{name} is the only PM of {key}: name another PM first.",
    },
    "mem.projects": {"zh": "项目（{n}）：", "en": "Projects ({n}):"},
    "mem.projects_none": {"zh": "你还没有可见的项目。", "en": "You can see no projects yet."},
    "admin.ask_pm": {
        "zh": "谁是 {key} 的项目经理？请说「add @某人 to {key} as pm」（PMO 不会自动成为项目成员）。",
        "en": "Who is {key}'s PM? Say “add @someone to {key} as pm” (the PMO is not made a member).",
    },
    "admin.you_are_pmo": {
        "zh": "你是 PMO（可管理所有项目），不是这个项目的成员。",
        "en": " You are the PMO (you act on every project), not a member of this one.",
    },
    "admin.pm_named": {"zh": "{name} 是 {key} 的项目经理。", "en": "{name} is {key}'s PM."},
    "audit.acceptance.submitted": {"zh": "提交验收", "en": "submitted for acceptance"},
    "audit.acceptance.passed": {"zh": "签署通过", "en": "passed"},
    "audit.acceptance.failed": {"zh": "签署不通过", "en": "failed"},
}
