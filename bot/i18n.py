"""The reply catalogue, Chinese and English. Every user-visible sentence lives here."""

from __future__ import annotations

import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

LOCALES = ("zh", "en")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_WORDS = re.compile(r"<@[^>]*>|@\S+|\b[A-Za-z][A-Za-z0-9]*-\d+\b|\[[A-Za-z0-9]+\]|\b[A-Z0-9]{2,}\b")
_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]+\b")

HELP_ZH = """我能帮你在聊天里管理项目：
• 新建任务：新建任务 登录页 @张三 下周五前 P1 预计8小时
• 更新任务：CRM-3 完成 / CRM-3 进度 60% / CRM-3 改给 @李四 / CRM-3 截止改到12月20日
• 记工时：CRM-12 3小时 昨天 接口联调（一条消息可记多条）
• 查询：我的任务 / CRM 进度 / 逾期任务 / 我这周工时 / CRM-12 详情
• 变更申请：变更申请 CRM-3 延期到12月20日，原因…
• 项目管理：新建项目 CRM 客户关系系统 / 本群绑定 CRM / 添加成员 @张三 CRM 项目经理 / CRM 时区 Asia/Shanghai
• 语言：我的语言 英文"""

HELP_EN = """I manage projects from chat:
• Create a task: new task login page @alice by next Friday P1 est 8h
• Update: CRM-3 done / CRM-3 60% / assign CRM-3 to @bob / move CRM-3 due to Dec 20
• Log hours: log 3h on CRM-12 yesterday API testing (several entries in one message are fine)
• Ask: my tasks / status CRM / overdue / my hours this week / show CRM-12
• Change request: change request CRM-3 delay to Dec 20 because ...
• Admin: create project CRM Customer Portal / bind this chat to CRM / add @alice to CRM as pm / CRM timezone Asia/Shanghai
• Language: set my language to Chinese"""

CATALOGUE: dict[str, dict[str, str]] = {
    "help": {"zh": HELP_ZH, "en": HELP_EN},
    "unknown": {"zh": "没太明白。发送“帮助”查看我能做什么。", "en": "Sorry, I didn't get that. Send “help” to see what I can do."},
    "error.internal": {"zh": "处理时出错了，什么都没有改动。请稍后再试（编号 {ref}）。",
                       "en": "Something went wrong and nothing was changed. Please try again (ref {ref})."},
    "notice.cut": {"zh": "（内容过长，已截断为 {limit} 个字符）", "en": "(text too long: cut to {limit} characters)"},
    "notice.message_cut": {"zh": "（消息过长，只读取了前 {limit} 个字符）",
                           "en": "(message too long: only the first {limit} characters were read)"},
    # permissions
    "perm.not_member": {"zh": "你不是项目 {project} 的成员，请联系项目经理添加。",
                        "en": "You are not a member of {project}; ask its PM to add you."},
    "perm.viewer": {"zh": "你在 {project} 中是只读角色（{role}），不能修改。",
                    "en": "You have a read-only role ({role}) on {project} and cannot change it."},
    "perm.manager_only": {"zh": "只有 {project} 的项目经理或 PMO 可以{what}。",
                          "en": "Only the PM or the PMO of {project} can {what}."},
    "perm.pmo_only": {"zh": "只有 PMO 可以做这件事（新建项目、任命 PMO）。",
                      "en": "Only the PMO can do that (create projects, name a PMO)."},
    "perm.not_yours": {"zh": "{key} 不是你的任务；只有负责人、创建人或项目经理可以更新。",
                       "en": "{key} is not yours: only its assignees, its reporter or the PM can update it."},
    "what.reassign": {"zh": "改派他人的任务", "en": "reassign other people's tasks"},
    "what.due": {"zh": "修改截止日期", "en": "change due dates"},
    "what.members": {"zh": "管理成员", "en": "manage members"},
    "what.bind": {"zh": "绑定群聊", "en": "bind chats"},
    "what.settings": {"zh": "修改项目设置", "en": "change project settings"},
    # lookups
    "project.not_found": {"zh": "没有找到项目 {key}。已有项目：{hint}", "en": "No project {key}. Known projects: {hint}"},
    "project.none": {"zh": "你还没有加入任何项目。PMO 可以用“新建项目 KEY 名称”创建，或请项目经理添加你。",
                     "en": "You are not on any project yet. The PMO can “create project KEY Name”, or ask a PM to add you."},
    "project.which": {"zh": "你在多个项目中（{keys}），请用 [KEY] 指明项目，或在已绑定项目的群里发送。",
                      "en": "You are on several projects ({keys}): name one as [KEY], or write in a chat bound to it."},
    "task.which": {"zh": "是哪个任务？请写上任务编号，例如 CRM-12。", "en": "Which task? Add its key, e.g. CRM-12."},
    "task.not_found": {"zh": "没有找到任务 {key}。相近的：{hint}", "en": "Task {key} not found. Closest: {hint}"},
    "person.not_found": {"zh": "不认识 {name}，请先把他/她加入项目。", "en": "I don't know {name}; add them to the project first."},
    # fields and labels
    "f.title": {"zh": "标题", "en": "Title"},
    "f.status": {"zh": "状态", "en": "Status"},
    "f.priority": {"zh": "优先级", "en": "Priority"},
    "f.assignees": {"zh": "负责人", "en": "Assignees"},
    "f.due": {"zh": "截止", "en": "Due"},
    "f.estimate": {"zh": "预估", "en": "Estimate"},
    "f.estimate_hours": {"zh": "预估", "en": "Estimate"},
    "f.progress": {"zh": "进度", "en": "Progress"},
    "f.logged": {"zh": "已记工时", "en": "Logged"},
    "f.timezone": {"zh": "时区", "en": "timezone"},
    "f.locale": {"zh": "语言", "en": "language"},
    "status.todo": {"zh": "待办", "en": "to do"},
    "status.in_progress": {"zh": "进行中", "en": "in progress"},
    "status.blocked": {"zh": "受阻", "en": "blocked"},
    "status.done": {"zh": "已完成", "en": "done"},
    "role.pmo": {"zh": "PMO", "en": "PMO"},
    "role.sponsor": {"zh": "业务负责人", "en": "sponsor"},
    "role.pm": {"zh": "项目经理", "en": "PM"},
    "role.member": {"zh": "成员", "en": "member"},
    "role.vendor": {"zh": "供应商", "en": "vendor"},
    "role.viewer": {"zh": "只读", "en": "viewer"},
    "b.start": {"zh": "开始", "en": "Start"},
    "b.done": {"zh": "完成", "en": "Done"},
    "b.log": {"zh": "记 {h} 小时", "en": "Log {h}h"},
    "b.undo": {"zh": "撤销", "en": "Undo"},
    "action.unknown": {"zh": "这个按钮已失效。", "en": "This button is no longer valid."},
    # tasks
    "task.created": {"zh": "已创建 {key}：{title}", "en": "Created {key}: {title}"},
    "task.assigned_to_you": {"zh": "{by} 把 {key}「{title}」分配给了你。", "en": "{by} assigned {key} “{title}” to you."},
    "task.empty_title": {"zh": "任务标题不能为空，例如：新建任务 登录页 @张三 周五前",
                         "en": "A task needs a title, e.g.: new task login page @alice by Friday"},
    "task.bad_estimate": {"zh": "预估工时 {value} 不合理（应在 0 到 10000 小时之间）。",
                          "en": "An estimate of {value} hours is not plausible (0 to 10000)."},
    "task.assignee_not_member": {"zh": "{name} 不是 {project} 的成员，请项目经理先添加。",
                                 "en": "{name} is not a member of {project}; a PM must add them first."},
    "task.nothing_to_update": {"zh": "要把 {key} 改成什么？例如：{key} 完成 / {key} 进度 50%",
                               "en": "What should change on {key}? e.g. {key} done / {key} 50%"},
    "task.unchanged": {"zh": "{key} 没有变化。", "en": "{key} is unchanged."},
    "task.updated": {"zh": "已更新 {key}：{summary}", "en": "Updated {key}: {summary}"},
    "task.bad_progress": {"zh": "进度 {value}% 不对，应在 0 到 100 之间。", "en": "Progress {value}% must be between 0 and 100."},
    "task.already": {"zh": "{key} 已经是「{status}」。", "en": "{key} is already {status}."},
    "task.undo_refused": {"zh": "{key} 不能撤销：只有创建人在 15 分钟内、且尚未记工时时可以撤销。",
                          "en": "{key} can't be undone: only its reporter can, within 15 minutes, before hours are logged."},
    "task.undone": {"zh": "已撤销创建 {key}。", "en": "Undone: {key} was deleted."},
    # work logs
    "log.nothing": {"zh": "要记多少工时、记到哪个任务？例如：CRM-12 3小时", "en": "How many hours on which task? e.g. log 3h on CRM-12"},
    "log.which_task": {"zh": "记到哪个任务上？你进行中的任务：{hint}", "en": "Which task? Your open tasks: {hint}"},
    "log.how_many": {"zh": "{key} 记多少小时？例如：{key} 2小时", "en": "How many hours on {key}? e.g. log 2h on {key}"},
    "log.bad_hours": {"zh": "工时 {value} 小时不合理：应大于 0 且不超过 24。",
                      "en": "{value} hours is not valid: it must be more than 0 and at most 24."},
    "log.future": {"zh": "不能给未来的日期（{day}）记工时。", "en": "You can't log hours for a future date ({day})."},
    "log.over_day": {"zh": "{day} 已记 {already}，再加 {added} 会超过一天 24 小时，未记录。",
                     "en": "{day} already has {already}; adding {added} would pass 24 hours in a day. Nothing logged."},
    "log.line": {"zh": "• {key} {hours}（{date}）", "en": "• {key} {hours} ({date})"},
    "log.done": {"zh": "已记工时：\n{lines}\n当日合计：{totals}", "en": "Logged:\n{lines}\nDay total: {totals}"},
    # queries
    "q.no_user": {"zh": "这个查询需要在聊天中由本人发起。", "en": "This question must come from a person in chat."},
    "q.due": {"zh": "截止 {due}", "en": "due {due}"},
    "q.overdue_mark": {"zh": "已逾期", "en": "overdue"},
    "q.my_none": {"zh": "你目前没有未完成的任务。🎉", "en": "You have no open tasks. 🎉"},
    "q.my_tasks": {"zh": "你的未完成任务（{n}）：", "en": "Your open tasks ({n}):"},
    "q.overdue": {"zh": "逾期", "en": "Overdue"},
    "q.completion": {"zh": "完成率", "en": "Completion"},
    "q.week_hours": {"zh": "本周工时", "en": "Hours this week"},
    "q.status": {"zh": "{key}：共 {total} 个任务，已完成 {done}，逾期 {late}，本周工时 {hours}。",
                 "en": "{key}: {total} tasks, {done} done, {late} overdue, {hours} logged this week."},
    "q.overdue_none": {"zh": "没有逾期任务。", "en": "No overdue tasks."},
    "q.overdue_list": {"zh": "逾期任务（{n}）：", "en": "Overdue tasks ({n}):"},
    "q.hours_none": {"zh": "本周（{start} 起）你还没有记工时。", "en": "You have logged no hours this week (from {start})."},
    "q.hours": {"zh": "本周（{start} 起）共 {total}。\n按天：{days}\n按任务：{tasks}",
                "en": "This week (from {start}): {total}.\nBy day: {days}\nBy task: {tasks}"},
    "q.task_history": {"zh": "{key} 的变更历史：", "en": "History of {key}:"},
    "a.task.created": {"zh": "创建了任务", "en": "created the task"},
    "a.task.updated": {"zh": "修改了", "en": "changed"},
    "a.task.deleted": {"zh": "删除了任务", "en": "deleted the task"},
    # home view
    "home.title": {"zh": "我的工作台", "en": "My work"},
    "home.tasks": {"zh": "我的未完成任务（{n}）", "en": "My open tasks ({n})"},
    "home.approvals": {"zh": "等我审批（{n}）", "en": "Waiting on my approval ({n})"},
    "lang.zh": {"zh": "中文", "en": "Chinese"},
    "lang.en": {"zh": "英文", "en": "English"},
    # Slack modal
    "modal.modal_title": {"zh": "新建任务", "en": "New task"},
    "modal.submit": {"zh": "创建", "en": "Create"},
    "modal.title": {"zh": "标题", "en": "Title"},
    "modal.assignee": {"zh": "负责人", "en": "Assignee"},
    "modal.due": {"zh": "截止日期", "en": "Due date"},
    "modal.priority": {"zh": "优先级", "en": "Priority"},
    "modal.estimate": {"zh": "预估工时（小时）", "en": "Estimate (hours)"},
    # admin
    "admin.bad_tz": {"zh": "不认识时区 {tz}，请用 IANA 名称，例如 Asia/Shanghai。",
                     "en": "Unknown timezone {tz}; use an IANA name such as Asia/Shanghai."},
    "admin.bad_locale": {"zh": "不支持的语言 {locale}，可选 zh 或 en。", "en": "Unsupported language {locale}: use zh or en."},
    "admin.bad_key": {"zh": "项目编号 {key} 不合法：2–10 位大写字母或数字，以字母开头，例如 CRM。",
                      "en": "Project key {key} is not valid: 2–10 capital letters or digits starting with a letter, e.g. CRM."},
    "admin.project_exists": {"zh": "项目 {key} 已存在。", "en": "Project {key} already exists."},
    "admin.bad_role": {"zh": "没有角色 {role}，可选：{roles}。", "en": "There is no role {role}; choose one of: {roles}."},
    "admin.need_key": {"zh": "请给出项目编号，例如：新建项目 CRM 客户关系系统", "en": "Give a project key, e.g.: create project CRM Customer Portal"},
    "admin.need_user": {"zh": "要添加谁？例如：添加成员 @张三 CRM 项目经理", "en": "Whom should I add? e.g. add @alice to CRM as pm"},
    "admin.created": {"zh": "已创建项目 {key}「{name}」，你是项目经理。", "en": "Created project {key} “{name}”; you are its PM."},
    "admin.bind_dm": {"zh": "请在要绑定的群里发送这条消息。", "en": "Send this in the group chat you want to bind."},
    "admin.bound": {"zh": "本群已绑定到项目 {key}。", "en": "This chat is now bound to {key}."},
    "admin.member_added": {"zh": "已把 {name} 加入 {key}，角色：{role}。", "en": "Added {name} to {key} as {role}."},
    "admin.member_changed": {"zh": "{name} 在 {key} 的角色已改为：{role}。", "en": "{name} is now {role} on {key}."},
    "admin.set": {"zh": "{key} 的{field}已设为 {value}。", "en": "{key} {field} set to {value}."},
    "admin.set_mine": {"zh": "你的{field}已设为 {value}。", "en": "Your {field} is now {value}."},
    "admin.unknown": {"zh": "不支持这个管理操作。", "en": "That admin action is not supported."},
    "admin.calendar_missing": {"zh": "{day} 没有自定义的日历设置。", "en": "There is no calendar override for {day}."},
    "admin.link_refused": {"zh": "{who} 已是另一个人的记录，并且有自己的数据（{tables}），不能自动合并。",
                           "en": "{who} is another person's record with data of its own ({tables}); not merged."},
    # changes and standups
    # change requests and approvals (handlers/changes.py)
    "change.ask_date": {"zh": "CR-{id}（{target}）：改到哪一天？回复日期（如“12月20日”或“延期3个工作日”），或点下面的按钮。",
                        "en": "CR-{id} ({target}): to which date? Reply with a date (\"Dec 20\", \"3 working days later\") or tap a button."},
    "change.ask_budget": {"zh": "CR-{id}（{target}）：需要追加多少预算？回复金额，如“5万”。",
                          "en": "CR-{id} ({target}): how much extra budget? Reply with an amount, e.g. \"50000\"."},
    "change.ask_people": {"zh": "CR-{id}（{target}）：需要增加几个人？回复人数，如“2人”。",
                          "en": "CR-{id} ({target}): how many more people? Reply with a number, e.g. \"2 people\"."},
    "change.ask_reason": {"zh": "CR-{id}（{target}）：请回复变更原因。", "en": "CR-{id} ({target}): please reply with the reason."},
    "change.how": {"zh": "为 {key} 申请变更：回复“变更申请 {key} 延期到12月20日，原因…”，或选一个延期天数（工作日）。",
                   "en": "To request a change to {key}, reply \"change request {key} delay to Dec 20 because ...\", or pick a slip (working days)."},
    "change.slip_summary": {"zh": "延期 {n} 个工作日至 {due}", "en": "slip {n} working day(s) to {due}"},
    "change.submitted": {"zh": "已提交变更申请 CR-{id}（{target}），等待{role}审批：{who}。",
                         "en": "Change request CR-{id} ({target}) submitted; waiting for the {role}: {who}."},
    "change.nobody": {"zh": "暂无审批人，请 PMO 指定", "en": "nobody yet, ask the PMO to name one"},
    "change.line": {"zh": "📝 CR-{id} {type}变更 · {target}：{summary}（{who} 申请）",
                    "en": "📝 CR-{id} {type} change · {target}: {summary} (asked by {who})"},
    "change.your_turn": {"zh": "请审批变更申请 CR-{id}（{target}）。", "en": "Please decide change request CR-{id} ({target})."},
    "change.not_found": {"zh": "没有找到变更申请 CR-{id}。", "en": "No change request CR-{id}."},
    "change.already": {"zh": "CR-{id} 已{status}。", "en": "CR-{id} is already {status}."},
    "change.already_by": {"zh": "CR-{id} 已{status}（{who}），不再重复处理。", "en": "CR-{id} is already {status} ({who}); nothing more to do."},
    "change.bad_value": {"zh": "表单中“{field}”的值“{value}”无效。", "en": "The form's {field} value \"{value}\" is not valid."},
    "change.own": {"zh": "不能审批自己提交的变更申请。", "en": "You cannot approve your own change request."},
    "change.vendor": {"zh": "供应商不能审批变更申请。", "en": "Vendors cannot approve change requests."},
    "change.not_approver": {"zh": "CR-{id} 当前由{role}审批，你不是这一步的审批人。",
                            "en": "CR-{id} is waiting for the {role}; you are not an approver of this step."},
    "change.reason_needed": {"zh": "驳回需要原因：请回复“驳回 CR-{id} 原因：…”。",
                             "en": "A rejection needs a reason: reply \"reject CR-{id} because ...\"."},
    "change.rejected": {"zh": "❌ CR-{id} 已被 {who} 驳回，原因：{reason}", "en": "❌ CR-{id} rejected by {who}: {reason}"},
    "change.step_done": {"zh": "✅ {who} 已同意 CR-{id}，下一步由{role}审批：{next}。",
                         "en": "✅ {who} approved CR-{id}; next the {role}: {next}."},
    "change.applied": {"zh": "✅ CR-{id} 已由 {who} 最终批准并生效（{target}），基线已更新。",
                       "en": "✅ CR-{id} approved by {who} and applied ({target}); the baseline is updated."},
    "change.withdraw_own": {"zh": "只有申请人可以撤回 CR-{id}。", "en": "Only the requester can withdraw CR-{id}."},
    "change.withdrawn": {"zh": "CR-{id} 已撤回。", "en": "CR-{id} withdrawn."},
    "change.trail_title": {"zh": "CR-{id} 审计记录：", "en": "CR-{id} audit trail:"},
    "change.none": {"zh": "{key} 还没有变更申请。", "en": "{key} has no change requests yet."},
    "change.list_title": {"zh": "{key} 的变更申请（最近 {n} 条）：", "en": "Change requests on {key} (latest {n}):"},
    "change.waiting_on": {"zh": "待{role}审批", "en": "waiting for the {role}"},
    "change.none_mine": {"zh": "没有等你审批的变更申请。", "en": "No change requests wait on you."},
    "change.mine_title": {"zh": "等你审批的变更申请（{n}）：", "en": "Change requests waiting on you ({n}):"},
    "audit.change.requested": {"zh": "提交申请", "en": "asked"},
    "audit.change.assessed": {"zh": "完成影响评估", "en": "assessed"},
    "audit.change.approved": {"zh": "同意", "en": "approved"},
    "audit.change.rejected": {"zh": "驳回", "en": "rejected"},
    "audit.change.withdrawn": {"zh": "撤回", "en": "withdrew"},
    "audit.change.applied": {"zh": "变更生效", "en": "applied"},
    "f.requester": {"zh": "申请人", "en": "Requested by"},
    "f.target": {"zh": "对象", "en": "Target"},
    "f.change": {"zh": "变更内容", "en": "Change"},
    "f.reason": {"zh": "原因", "en": "Reason"},
    "f.impact": {"zh": "影响评估", "en": "Impact"},
    "f.chain": {"zh": "审批链", "en": "Approvals"},
    "f.reject_reason": {"zh": "驳回原因", "en": "Rejected because"},
    "cr_status.draft": {"zh": "草稿", "en": "draft"},
    "cr_status.pending": {"zh": "审批中", "en": "pending"},
    "cr_status.approved": {"zh": "批准", "en": "approved"},
    "cr_status.rejected": {"zh": "驳回", "en": "rejected"},
    "cr_status.withdrawn": {"zh": "撤回", "en": "withdrawn"},
    "impact.due": {"zh": "截止：{old} → {new}", "en": "Due: {old} → {new}"},
    "impact.slip": {"zh": "进度影响：{days} 个工作日", "en": "Schedule: {days} working day(s)"},
    "impact.calendar_unknown": {"zh": "注意：{year} 年的法定节假日尚未录入，按周末和固定节日估算",
                                "en": "Note: {year}'s public holidays are not loaded yet; weekends and fixed holidays assumed"},
    "impact.moves": {"zh": "连带顺延 {n} 个任务：{tasks}", "en": "{n} dependent task(s) move: {tasks}"},
    "impact.breach": {"zh": "⚠️ 突破里程碑「{name}」（{due}）", "en": "⚠️ Breaches milestone \"{name}\" ({due})"},
    "impact.effort": {"zh": "工时：+{hours}（基线 {base}，+{pct}）", "en": "Effort: +{hours} (baseline {base}, +{pct})"},
    "impact.budget": {"zh": "预算：+{amount}（原预算 {base}，+{pct}）", "en": "Budget: +{amount} (budget {base}, +{pct})"},
    "impact.budget_new": {"zh": "预算：+{amount}（项目未设预算）", "en": "Budget: +{amount} (no project budget set)"},
    "impact.people": {"zh": "人员：+{n} 人", "en": "People: +{n}"},
    "b.approve": {"zh": "同意", "en": "Approve"},
    "b.reject": {"zh": "驳回", "en": "Reject"},
    "b.withdraw": {"zh": "撤回", "en": "Withdraw"},
    "b.change": {"zh": "申请变更", "en": "Request change"},
    "b.slip": {"zh": "延期{n}个工作日", "en": "+{n} working days"},
    "policy.bad": {"zh": "看不懂审批策略“{part}”。例：CRM 审批策略 PM 3; 业务负责人 延期 范围 资源 预算 里程碑; PMO 预算 里程碑; SLA 24",
                   "en": "Cannot read the policy part \"{part}\". E.g.: CRM approval policy pm 3; sponsor slip scope resource budget breach; pmo budget breach; sla 24"},
    "policy.shown": {"zh": "审批策略：延期不超过 {days} 个工作日由项目经理审批；{sponsor} 还需业务负责人；{pmo} 还需 PMO；每步时限 {sla} 小时。",
                     "en": "Approval policy: slips up to {days} working day(s) need the PM only; {sponsor} also need the sponsor; {pmo} also need the PMO; {sla} h per step."},
    "policy.set": {"zh": "已更新 {key} 的审批策略。", "en": "Approval policy of {key} updated."},
    "what.policy": {"zh": "设置审批策略", "en": "set the approval policy"},
    "trigger.long_slip": {"zh": "更长的延期", "en": "longer slips"},
    "trigger.scope": {"zh": "范围变更", "en": "scope changes"},
    "trigger.resource": {"zh": "资源变更", "en": "resource changes"},
    "trigger.budget": {"zh": "预算变更", "en": "budget changes"},
    "trigger.breach": {"zh": "突破里程碑", "en": "milestone breaches"},
    "milestone.not_found": {"zh": "{key} 没有里程碑“{name}”。", "en": "{key} has no milestone \"{name}\"."},
    "task.bad_dependency": {"zh": "{key} 不能依赖 {other}（须同一项目、不能循环）。",
                            "en": "{key} cannot wait on {other} (same project only, no cycles)."},
    "ct.schedule": {"zh": "进度", "en": "schedule"},
    "ct.scope": {"zh": "范围", "en": "scope"},
    "ct.budget": {"zh": "预算", "en": "budget"},
    "ct.resource": {"zh": "资源", "en": "resource"},
    "standup.thanks": {"zh": "站会已记录，阻碍 {blockers} 项。", "en": "Standup noted, {blockers} blocker(s)."},
    # scheduled jobs (jobs/*): standups, leave, risks, digests, weekly reports
    "standup.blocked_tasks": {"zh": "已把 {keys} 标记为受阻。", "en": "Marked {keys} as blocked."},
    "standup.not_blocked": {"zh": "{keys} 不是你能修改的任务，未标记受阻（汇总里会提到）。",
                            "en": "{keys}: not yours to change, so not marked blocked (the summary names it)."},
    "standup.prompt": {"zh": "{name}，早上好！今天的站会（{projects}）：", "en": "Good morning {name}! Standup for {projects}:"},
    "standup.q_yesterday": {"zh": "昨天完成了什么？", "en": "What did you finish yesterday?"},
    "standup.q_today": {"zh": "今天计划做什么？", "en": "What will you do today?"},
    "standup.q_blockers": {"zh": "有什么阻碍？", "en": "Anything blocking you?"},
    "standup.makeup_day": {"zh": "（今天是调休上班日）", "en": "(Today is a make-up working day.)"},
    "standup.how": {"zh": "直接回复，例如：昨天：… 今天：… 阻碍：…（写上任务编号如 CRM-5，会把它标记为受阻）",
                    "en": "Just reply, e.g. Yesterday: … Today: … Blockers: … (name a task such as CRM-5 to mark it blocked)"},
    "standup.summary": {"zh": "📋 {key} 站会汇总 {day}：已回复 {answered}/{total}",
                        "en": "📋 {key} standup {day}: {answered}/{total} answered"},
    "standup.line": {"zh": "昨天 {yesterday}；今天 {today}", "en": "yesterday {yesterday}; today {today}"},
    "standup.blockers": {"zh": "⛔ 阻碍：", "en": "⛔ Blockers:"},
    "standup.missing": {"zh": "⏳ 未回复：{names}", "en": "⏳ No answer: {names}"},
    "risk.header": {"zh": "⚠️ {key} 风险提醒：新增 {new} 项，解除 {resolved} 项", "en": "⚠️ {key} risks: {new} new, {resolved} resolved"},
    "risk.overdue": {"zh": "{task} {title} 已逾期（截止 {due}）", "en": "{task} {title} is overdue (due {due})"},
    "risk.due_soon": {"zh": "{task} {title} 将于 {due} 到期，进度仅 {progress}%", "en": "{task} {title} is due {due} and only {progress}% done"},
    "risk.blocked": {"zh": "{task} {title} 已受阻 {days} 个工作日", "en": "{task} {title} has been blocked for {days} working days"},
    "risk.overrun": {"zh": "{task} {title} 工时超支：已记 {logged}h / 预计 {estimate}h（{pct}%）", "en": "{task} {title} is over its estimate: {logged}h logged of {estimate}h ({pct}%)"},
    "risk.milestone_slip": {"zh": "里程碑「{name}」（{due}）可能延期：剩余 {remaining}h，可用 {capacity}h", "en": "Milestone “{name}” ({due}) may slip: {remaining}h left, {capacity}h available"},
    "risk.approval_sla": {"zh": "变更申请 #{id}「{summary}」已等待审批 {days} 个工作日", "en": "Change request #{id} “{summary}” has waited {days} working days for approval"},
    "risk.idle": {"zh": "{task} {title} 进行中，但 {days} 个工作日没有记工时", "en": "{task} {title} is in progress with no hours logged for {days} working days"},
    "risk.resolved": {"zh": "已解除：{what}", "en": "Resolved: {what}"},
    "digest.header": {"zh": "📊 今日项目摘要 {day}", "en": "📊 Your projects today, {day}"},
    "digest.waiting": {"zh": "⏳ 等你审批的变更 {n} 项：", "en": "⏳ {n} change request(s) wait for you:"},
    "digest.project": {"zh": "【{key} {name}】{rag}：{why}", "en": "[{key} {name}] {rag}: {why}"},
    "digest.changed": {"zh": "• 今日变化：新建任务 {created}，更新 {updated}，工时记录 {logs}", "en": "• Today: {created} task(s) created, {updated} update(s), {logs} work log(s)"},
    "digest.hours": {"zh": "• 工时：今日 {today}h / 计划 {plan}h", "en": "• Hours: {today}h logged today of {plan}h planned"},
    "digest.risks": {"zh": "• 风险：今日新增 {new}，未解除 {open}；受阻 {blocked}，逾期 {overdue}", "en": "• Risks: {new} new today, {open} open; {blocked} blocked, {overdue} overdue"},
    "digest.portfolio": {"zh": "🗂 项目组合日报 {day}（{n} 个项目）", "en": "🗂 Portfolio, {day} ({n} projects)"},
    "digest.project_line": {"zh": "• {key} {rag}：{why}｜完成率 {completion}，延期率 {delay}，工时偏差 {effort}，站会参与 {standup}", "en": "• {key} {rag}: {why} | done {completion}, late {delay}, effort {effort}, standup {standup}"},
    "digest.rag_red": {"zh": "🔴 红", "en": "🔴 red"},
    "digest.rag_amber": {"zh": "🟠 黄", "en": "🟠 amber"},
    "digest.rag_green": {"zh": "🟢 绿", "en": "🟢 green"},
    "digest.why_milestone": {"zh": "里程碑可能延期", "en": "a milestone may slip"},
    "digest.why_delay": {"zh": "{pct}% 的任务逾期", "en": "{pct}% of tasks are late"},
    "digest.why_watch": {"zh": "逾期 {overdue}，风险 {risks}，受阻 {blocked}", "en": "{overdue} late, {risks} risk(s), {blocked} blocked"},
    "digest.why_ok": {"zh": "进展正常", "en": "on track"},
    "digest.chart_portfolio": {"zh": "项目完成率 {day}", "en": "Project completion {day}"},
    "digest.chart_burndown": {"zh": "{key} 燃尽图", "en": "{key} burndown"},
    "digest.chart_timeline": {"zh": "{key} 里程碑", "en": "{key} milestones"},
    "digest.axis_completion": {"zh": "完成率 %", "en": "completed %"},
    "digest.axis_actual": {"zh": "实际", "en": "actual"},
    "digest.axis_ideal": {"zh": "理想", "en": "ideal"},
    "digest.axis_open": {"zh": "未完成任务", "en": "open tasks"},
    "digest.axis_today": {"zh": "今天", "en": "today"},
    "report.title": {"zh": "{key} {name} 周报（{start} 至 {end}）", "en": "{key} {name} weekly report ({start} to {end})"},
    "report.done": {"zh": "本周完成（{n}）", "en": "Done this week ({n})"},
    "report.plan": {"zh": "下周计划（{start} 至 {end} 到期及逾期未完成）", "en": "Plan for next week (due {start} to {end}, and late)"},
    "report.risks": {"zh": "风险（{n}）", "en": "Risks ({n})"},
    "report.hours": {"zh": "本周工时（共 {total}h）", "en": "Hours this week ({total}h in all)"},
    "report.changes": {"zh": "本周批准的变更（{n}）", "en": "Changes approved this week ({n})"},
    "report.none": {"zh": "- 无", "en": "- none"},
    "report.more": {"zh": "- ……另有 {n} 项", "en": "- … and {n} more"},
    "leave.recorded": {"zh": "已记录请假：{start} 至 {end}，期间不会提醒你站会。",
                       "en": "Leave noted: {start} to {end}; no standup prompts then."},
    "leave.too_long": {"zh": "请假最长 {days} 天，请分开登记。", "en": "Leave can be at most {days} days; please split it."},
}


def t(locale: str, key: str, /, **params: Any) -> str:
    """Translate `key`; an unknown locale falls back to Chinese, a missing key to the key itself."""
    entry = CATALOGUE.get(key)
    if entry is None:
        logger.warning("missing catalogue key %s", key)
        return key
    template = entry.get(locale) or entry["zh"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        logger.warning("bad parameters for %s: %s", key, sorted(params))
        return template


def detect(text: str) -> str | None:
    """The language a message is written in, when it says: any CJK means Chinese."""
    if _CJK.search(text):
        return "zh"
    # Keys (CRM-12), mentions and units (3h) say nothing about the language; a real word does.
    words = _NOT_WORDS.sub(" ", text)
    return "en" if _WORD.search(words) else None
