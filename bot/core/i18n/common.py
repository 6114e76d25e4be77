"""Reply catalogue: labels, buttons, permissions, confirmations, help and the write-safety answers every capability shares."""

from __future__ import annotations

HELP_ZH = """我能帮你在聊天里管理项目（每项一个例子）：
• 新建任务：新建任务 登录页 @张三 下周五前 P1 预计8小时
• 更新任务：CRM-3 完成 / CRM-3 进度 60% / CRM-3 改给 @李四 / CRM-3 截止改到12月20日
• 记工时：CRM-12 3小时 昨天 接口联调（一条消息可记多条）
• 撤销：点回复上的「撤销」按钮，或发送“撤销”
• 查工时：我这周工时 / 上周工时 / @张伟 本月工时（项目经理）/ CRM 工时统计 / 今天谁没填工时
• 任务列表：我的任务 / CRM 未完成任务 / @bob 的任务 / 本周到期的任务 / 本周完成的任务 / CRM 逾期任务
• 项目情况：CRM 进度 / CRM 有没有风险 / CRM-12 详情
• 请假：下周一到周三请假 / 我的请假 / bob 请假了吗 / 取消请假
• 站会：昨天：接口联调 今天：写测试 阻碍：无
• 变更申请：变更申请 CRM-3 延期到12月20日，原因：接口未就绪
• 审批：待我审批 / 批准 CR-2 / 驳回 CR-2 预算不够 / 撤回 CR-2
• 项目管理：新建项目 CRM 客户关系系统 / 本群绑定 CRM / 添加成员 @张三 CRM 项目经理 / CRM 成员 / 把 @张三 移出 CRM / 项目列表
• 合同与验收：CRM 合同 / HT-1 付款计划 / HT-1 初验款 已付款 2026-12-20 / 提交初验 CRM，交付物：…（试运行3个月，可附文件） / YS-1 通过 / YS-1 不通过：问题1；问题2 / CRM 验收
• 语言：我的语言 英文"""

HELP_EN = """I manage projects from chat (one example each):
• Create a task: new task login page @alice by next Friday P1 est 8h
• Update: CRM-3 done / CRM-3 60% / assign CRM-3 to @bob / move CRM-3 due to Dec 20
• Log hours: log 3h on CRM-12 yesterday API testing (several entries in one message are fine)
• Undo: press Undo on my reply, or send “undo”
• Hours: my hours this week / hours last week / @bob's hours this month (PMs) / CRM hours / who hasn't logged today
• Task lists: my tasks / open tasks in CRM / @bob's tasks / due this week / done this week / overdue in CRM
• Projects: status CRM / any risks in CRM? / show CRM-12
• Leave: on leave Monday to Wednesday / my leave / is bob on leave? / cancel my leave
• Standup: Yesterday: API tests. Today: docs. Blockers: none
• Change request: change request CRM-3 delay to Dec 20 because the API is late
• Approvals: waiting for my approval / approve CR-2 / reject CR-2 over budget / withdraw CR-2
• Admin: create project CRM Customer Portal / bind this chat to CRM / add @alice to CRM as pm / CRM members / remove @alice from CRM / list projects
• Contracts and acceptance: contracts on CRM / payment plan HT-1 / HT-1 mark 初验款 paid 480000 on 2026-12-20 / submit CRM for preliminary acceptance: … (trial 3 months; attach files) / pass YS-1 / fail YS-1: issue 1; issue 2 / acceptances on CRM
• Language: set my language to Chinese"""

ENTRIES: dict[str, dict[str, str]] = {
    "help": {"zh": HELP_ZH, "en": HELP_EN},
    "unknown": {
        "zh": "没太明白。发送“帮助”查看我能做什么。",
        "en": "Sorry, I didn't get that. Send “help” to see what I can do.",
    },
    "error.internal": {
        "zh": "处理时出错了，什么都没有改动。请稍后再试（编号 {ref}）。",
        "en": "Something went wrong and nothing was changed. Please try again (ref {ref}).",
    },
    "notice.cut": {"zh": "（内容过长，已截断为 {limit} 个字符）", "en": "(text too long: cut to {limit} characters)"},
    "notice.message_cut": {
        "zh": "（消息过长，只读取了前 {limit} 个字符）",
        "en": "(message too long: only the first {limit} characters were read)",
    },
    "notice.weekday_mismatch": {
        "zh": "（注意：{date} 是{actual}，不是{said}；截止按日期 {date} 记录）",
        "en": "(note: {date} is a {actual}, not {said}; the due date is {date})",
    },
    **{
        f"weekday.{i}": {"zh": zh, "en": en}
        for i, (zh, en) in enumerate(
            zip(
                ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
                ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                strict=True,
            )
        )
    },
    "perm.not_member": {
        "zh": "你不是项目 {project} 的成员，请联系项目经理添加。",
        "en": "You are not a member of {project}; ask its PM to add you.",
    },
    "perm.viewer": {
        "zh": "你在 {project} 中是只读角色（{role}），不能修改。",
        "en": "You have a read-only role ({role}) on {project} and cannot change it.",
    },
    "perm.manager_only": {
        "zh": "只有 {project} 的项目经理或 PMO 可以{what}。",
        "en": "Only the PM or the PMO of {project} can {what}.",
    },
    "perm.pmo_only": {
        "zh": "只有 PMO 可以做这件事（新建项目、任命 PMO）。",
        "en": "Only the PMO can do that (create projects, name a PMO).",
    },
    "perm.not_yours": {
        "zh": "{key} 不是你的任务；只有负责人、创建人或项目经理可以更新。",
        "en": "{key} is not yours: only its assignees, its reporter or the PM can update it.",
    },
    "what.reassign": {"zh": "改派他人的任务", "en": "reassign other people's tasks"},
    "what.due": {"zh": "修改截止日期", "en": "change due dates"},
    "what.members": {"zh": "管理成员", "en": "manage members"},
    "what.bind": {"zh": "绑定群聊", "en": "bind chats"},
    "what.settings": {"zh": "修改项目设置", "en": "change project settings"},
    "person.not_found": {
        "zh": "不认识 {name}，请先把他/她加入项目。",
        "en": "I don't know {name}; add them to the project first.",
    },
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
    "form.required": {"zh": "请填写此项。", "en": "Please fill this in."},
    "form.required_mark": {"zh": "{label}（必填）", "en": "{label} (required)"},
    "form.not_a_date": {"zh": "“{value}”不是日期。", "en": "“{value}” is not a date."},
    "form.not_a_number": {
        "zh": "“{value}”应为 0 到 {high} 之间的数字。",
        "en": "“{value}” should be a number above 0 and at most {high}.",
    },
    "confirm.title": {"zh": "确认操作", "en": "Are you sure?"},
    "confirm.ok": {"zh": "确认", "en": "Yes"},
    "confirm.cancel": {"zh": "取消", "en": "Cancel"},
    "confirm.undo": {"zh": "撤销 {key} 的上一步操作？", "en": "Undo the last change to {key}?"},
    "confirm.undo_leave": {"zh": "撤销 {start} 至 {end} 的请假？", "en": "Cancel the leave from {start} to {end}?"},
    "confirm.reject": {"zh": "驳回变更申请 CR-{id}？", "en": "Reject change request CR-{id}?"},
    "confirm.withdraw": {"zh": "撤回变更申请 CR-{id}？", "en": "Withdraw change request CR-{id}?"},
    "action.unknown": {"zh": "这个按钮已失效。", "en": "This button is no longer valid."},
    "a.task.created": {"zh": "创建了任务", "en": "created the task"},
    "a.task.updated": {"zh": "修改了", "en": "changed"},
    "a.task.deleted": {"zh": "删除了任务", "en": "deleted the task"},
    "home.title": {"zh": "我的工作台", "en": "My work"},
    "home.tasks": {"zh": "我的未完成任务（{n}）", "en": "My open tasks ({n})"},
    "home.approvals": {"zh": "等我审批（{n}）", "en": "Waiting on my approval ({n})"},
    "lang.zh": {"zh": "中文", "en": "Chinese"},
    "lang.en": {"zh": "英文", "en": "English"},
    "modal.modal_title": {"zh": "新建任务", "en": "New task"},
    "modal.submit": {"zh": "创建", "en": "Create"},
    "modal.title": {"zh": "标题", "en": "Title"},
    "modal.assignee": {"zh": "负责人", "en": "Assignee"},
    "modal.due": {"zh": "截止日期", "en": "Due date"},
    "modal.priority": {"zh": "优先级", "en": "Priority"},
    "modal.change_title": {"zh": "变更申请", "en": "Change"},
    "modal.submit_change": {"zh": "提交", "en": "Submit"},
    "modal.change_type": {"zh": "变更类型", "en": "Type of change"},
    "modal.ct_schedule": {"zh": "进度（延期）", "en": "Schedule (slip)"},
    "modal.ct_scope": {"zh": "范围", "en": "Scope"},
    "modal.ct_budget": {"zh": "预算", "en": "Budget"},
    "modal.ct_resource": {"zh": "资源（人员）", "en": "Resource (people)"},
    "modal.new_due": {"zh": "新的截止日期", "en": "New due date"},
    "modal.extra_hours": {"zh": "追加工时（小时）", "en": "Extra effort (hours)"},
    "modal.budget": {"zh": "追加预算（元）", "en": "Extra budget"},
    "modal.people": {"zh": "增加人数", "en": "Extra people"},
    "modal.reason": {"zh": "原因", "en": "Reason"},
    "modal.reject_title": {"zh": "驳回", "en": "Reject"},
    "modal.submit_reject": {"zh": "驳回", "en": "Reject"},
    "modal.estimate": {"zh": "预估工时（小时）", "en": "Estimate (hours)"},
    "f.chain_note": {"zh": "审批说明", "en": "Approval notes"},
    "f.requester": {"zh": "申请人", "en": "Requested by"},
    "f.target": {"zh": "对象", "en": "Target"},
    "f.change": {"zh": "变更内容", "en": "Change"},
    "f.reason": {"zh": "原因", "en": "Reason"},
    "f.impact": {"zh": "影响评估", "en": "Impact"},
    "f.chain": {"zh": "审批链", "en": "Approvals"},
    "f.reject_reason": {"zh": "驳回原因", "en": "Rejected because"},
    "b.approve": {"zh": "同意", "en": "Approve"},
    "b.reject": {"zh": "驳回", "en": "Reject"},
    "b.withdraw": {"zh": "撤回", "en": "Withdraw"},
    "b.change": {"zh": "申请变更", "en": "Request change"},
    "b.slip": {"zh": "延期{n}个工作日", "en": "+{n} working days"},
    "what.policy": {"zh": "设置审批策略", "en": "set the approval policy"},
    "what.team_hours": {"zh": "查看团队工时", "en": "see the team's hours"},
    "greet.hello": {"zh": "你好！我是项目助手。可以试试：", "en": "Hi! I'm the project bot. Try:"},
    "greet.thanks": {"zh": "不客气！还可以试试：", "en": "You're welcome! You can also try:"},
    "greet.examples": {
        "zh": "• 我的任务\n• CRM-12 3小时\n• 本周到期的任务",
        "en": "• my tasks\n• log 3h on CRM-12\n• due this week",
    },
    "unknown.closest": {"zh": "没太明白。你可能想：", "en": "Didn't quite get that. Maybe you meant:"},
    "unknown.question": {
        "zh": "没太明白，这个问题我还答不上来，什么都没改。你可以问：",
        "en": "Didn't quite get that: I can't answer that question yet, and nothing was changed. You can ask:",
    },
    "unknown.more": {"zh": "发送“帮助”查看全部功能。", "en": "Send “help” for everything I can do."},
    "unknown.button": {
        "zh": "没有编号为 {n} 的按钮（可点的是 1–{max}）。",
        "en": "There is no button {n} (the buttons are 1–{max}).",
    },
    "unknown.no_buttons": {
        "zh": "没有编号为 {n} 的按钮：上面没有可点的按钮。",
        "en": "There is no button {n}: no buttons are shown.",
    },
    "cap.create_task": {"zh": "新建任务", "en": "Create a task"},
    "cap.update_task": {"zh": "更新任务", "en": "Update a task"},
    "cap.log_hours": {"zh": "记工时", "en": "Log hours"},
    "cap.hours": {"zh": "查工时", "en": "Ask about hours"},
    "cap.tasks": {"zh": "任务列表", "en": "List tasks"},
    "cap.status": {"zh": "项目情况", "en": "Project status"},
    "cap.leave": {"zh": "请假", "en": "Leave"},
    "cap.standup": {"zh": "站会", "en": "Standup"},
    "cap.change": {"zh": "变更申请", "en": "Change request"},
    "cap.approve": {"zh": "审批", "en": "Approvals"},
    "cap.admin": {"zh": "项目和成员", "en": "Projects and members"},
    "ex.create_task": {"zh": "新建任务 登录页 @张三 下周五前", "en": "new task login page @alice by Friday"},
    "ex.update_task": {"zh": "CRM-3 完成 / CRM-3 进度 60%", "en": "CRM-3 done / CRM-3 60%"},
    "ex.log_hours": {"zh": "CRM-12 3小时 昨天 接口联调", "en": "log 3h on CRM-12 yesterday"},
    "ex.hours": {
        "zh": "我这周工时 / 上周工时 / CRM 工时统计",
        "en": "my hours this week / hours last week / CRM hours",
    },
    "ex.tasks": {
        "zh": "我的任务 / CRM 未完成任务 / 本周到期的任务",
        "en": "my tasks / open tasks in CRM / due this week",
    },
    "ex.status": {"zh": "CRM 进度 / CRM 有没有风险", "en": "status CRM / any risks in CRM?"},
    "ex.leave": {"zh": "明天请假 / 我的请假 / 取消请假", "en": "off tomorrow / my leave / cancel my leave"},
    "ex.standup": {
        "zh": "昨天：接口联调 今天：写测试 阻碍：无",
        "en": "Yesterday: API tests. Today: docs. Blockers: none",
    },
    "ex.change": {
        "zh": "变更申请 CRM-3 延期到12月20日，原因：接口未就绪",
        "en": "change request CRM-3 delay to Dec 20 because the API is late",
    },
    "ex.approve": {
        "zh": "待我审批 / 批准 CR-2 / 驳回 CR-2 原因",
        "en": "waiting for my approval / approve CR-2 / reject CR-2 reason",
    },
    "ex.admin": {
        "zh": "CRM 成员 / 项目列表 / 添加成员 @张三 CRM 成员",
        "en": "CRM members / list projects / add @alice to CRM as member",
    },
    "ex.try": {"zh": "{cap}，例如：{example}", "en": "{cap}, e.g.: {example}"},
    "safety.negated": {
        "zh": "好的，{task}没有{what}，什么都没有改动。",
        "en": "OK, I did not {what} {task}; nothing was changed.",
    },
    "safety.cant_answer": {
        "zh": "这个问题我还不会回答，什么都没有改动。可以试试：我的任务 / CRM 进度 / 我这周工时 / CRM-12 详情",
        "en": "I can't answer that yet, and nothing was changed. Try: my tasks / status CRM / "
        "my hours this week / show CRM-12",
    },
    "safety.leave_not_recorded": {
        "zh": "没有记录任何请假，什么都没有改动。",
        "en": "No leave was recorded; nothing was changed.",
    },
    "safety.no_draft": {
        "zh": "你没有待补充的变更申请；已提交的可以用“撤回 CR-编号”。",
        "en": "You have no draft change request; withdraw a submitted one with “withdraw CR-<n>”.",
    },
    "safety.leave_own_only": {
        "zh": "我只能登记你本人的请假（例如“我明天请假”），没有记录任何请假。",
        "en": "I only record your own leave (e.g. “I'm OOO tomorrow”); no leave was recorded.",
    },
    "safety.leave_undone": {"zh": "已撤销请假：{start} 至 {end}。", "en": "Leave removed: {start} to {end}."},
    "safety.nothing_to_undo": {"zh": "最近没有可以撤销的操作。", "en": "Nothing recent to undo."},
    "safety.already_undone": {"zh": "这一条已经撤销了。", "en": "That was already undone."},
    "safety.not_your_log": {"zh": "只能撤销你自己记的工时。", "en": "You can only undo your own work logs."},
    "safety.log_undone": {
        "zh": "已撤销工时：{key} {hours}（{day}）。",
        "en": "Work log removed: {key} {hours} ({day}).",
    },
    "safety.changed_since": {
        "zh": "{key} 在那之后又被改过，不能直接撤销；请直接说要改成什么。",
        "en": "{key} has changed since; I won't undo over that. Say what it should be instead.",
    },
    "safety.noted": {
        "zh": "已记在 {key} 的历史里：{note}（任务状态和截止日期都没有改动）",
        "en": "Noted in {key}'s history: {note} (status and due date unchanged)",
    },
    "safety.noted_resume": {
        "zh": "已记在 {key} 的历史里：{note}（{key} 没有受阻，状态未改动）",
        "en": "Noted in {key}'s history: {note} ({key} was not blocked; status unchanged)",
    },
    "safety.some_failed": {"zh": "有 {n} 个任务没有改动：\n{lines}", "en": "{n} task(s) were not changed:\n{lines}"},
    "safety.due_not_workday": {"zh": "⚠️ 截止日 {day} 不是工作日", "en": "⚠️ due {day} is not a working day"},
    "safety.log_not_workday": {"zh": "（注意：{day} 不是工作日）", "en": "(note: {day} is not a working day)"},
    "act.log_hours": {"zh": "记工时", "en": "log hours on"},
    "act.update_task": {"zh": "更新", "en": "update"},
    "act.create_task": {"zh": "新建任务", "en": "create a task"},
    "act.request_change": {"zh": "提交变更申请", "en": "file a change request for"},
    "act.leave": {"zh": "记录请假", "en": "record leave"},
    "act.edit_task": {"zh": "修改", "en": "edit"},
    "act.task_note": {"zh": "记录备注", "en": "note anything on"},
    "act.change_action": {"zh": "处理变更申请", "en": "act on the change request"},
    "act.leave_action": {"zh": "取消请假", "en": "cancel leave"},
    "act.admin": {"zh": "做这项设置", "en": "make that change"},
    "confirm.ask": {
        "zh": "我这样理解对吗？点“确认”才会生效。",
        "en": "Did I read that right? Nothing changes until you click Yes.",
    },
    "confirm.done": {"zh": "把 {key} 标为已完成", "en": "Mark {key} done"},
    "confirm.due": {"zh": "把 {key} 的截止日期改为 {due}", "en": "Move {key}'s due date to {due}"},
    "confirm.assign": {"zh": "把 {key} 改给 {names}", "en": "Assign {key} to {names}"},
    "confirm.log": {"zh": "在 {key} 上记 {hours} 小时（{day}）", "en": "Log {hours}h on {key} ({day})"},
    "confirm.leave": {"zh": "请假 {start} 至 {end}", "en": "Leave from {start} to {end}"},
    "confirm.finish": {
        "zh": "把 {key} 标为已完成，并记 {hours} 小时（今天）",
        "en": "Mark {key} done and log {hours}h today",
    },
    "b.only_log": {"zh": "只记 {hours} 小时", "en": "Only log {hours}h"},
    "confirm.leave_title": {"zh": "请假", "en": "Leave"},
    "confirm.cancelled": {"zh": "好的，已取消，什么都没有改动。", "en": "OK, cancelled; nothing was changed."},
    "weak.leftover": {"zh": "消息里还有我没读懂的内容", "en": "the message says more than I understood"},
    "weak.far": {"zh": "关键词离任务编号较远", "en": "the key word is far from the task key"},
    "weak.dated": {"zh": "带了日期：也可能是“到那天完成”", "en": "it names a date: it may mean “will be done by then”"},
    "weak.long": {"zh": "超过一个工作日，且没有说“记工时”", "en": "more than a working day, said without “log”"},
    "weak.old": {"zh": "日期早于允许的补记范围", "en": "the date is further back than logs usually go"},
    "weak.before_project": {"zh": "日期早于项目创建", "en": "the date is before the project existed"},
    "weak.hedged": {"zh": "说法不确定（可能/也许）", "en": "it sounds tentative (maybe / might)"},
    "b.yes": {"zh": "确认", "en": "Yes"},
    "b.cancel": {"zh": "取消", "en": "Cancel"},
    "b.still_doing": {"zh": "还在做（进行中）", "en": "Still in progress"},
    "f.note": {"zh": "注意", "en": "Note"},
    "f.reading": {"zh": "我的理解", "en": "My reading"},
    "f.comment": {"zh": "备注", "en": "Comment"},
    "f.approve_comment": {"zh": "审批意见", "en": "Approval comments"},
    "a.task.commented": {"zh": "备注", "en": "commented"},
    "a.task.reverted": {"zh": "撤销了修改", "en": "undid a change"},
    "role.supervisor": {"zh": "监理", "en": "supervisor"},
    "role.finance": {"zh": "财务", "en": "finance"},
    "what.contracts": {"zh": "管理合同", "en": "manage contracts"},
    "f.contract": {"zh": "合同", "en": "Contract"},
    "f.vendor": {"zh": "供应商", "en": "Vendor"},
    "f.amount": {"zh": "金额", "en": "Amount"},
    "f.released_by": {"zh": "放行依据", "en": "Released by"},
    "f.stage": {"zh": "验收阶段", "en": "Stage"},
    "f.round": {"zh": "轮次", "en": "Round"},
    "f.submitter": {"zh": "提交人", "en": "Submitted by"},
    "f.deliverables": {"zh": "交付物", "en": "Deliverables"},
    "f.files": {"zh": "文件", "en": "Files"},
    "b.add_files": {"zh": "加入 {ys} 第{n}轮", "en": "Add to {ys} round {n}"},
    "f.signers": {"zh": "签署", "en": "Sign-offs"},
    "f.issues": {"zh": "整改项", "en": "Issues to fix"},
    "f.trial_end": {"zh": "试运行结束", "en": "Trial run ends"},
    "b.pass": {"zh": "通过", "en": "Pass"},
    "b.fail": {"zh": "不通过", "en": "Fail"},
    "b.submit_final": {"zh": "提交终验", "en": "Submit final acceptance"},
    "b.verify": {"zh": "确认完成", "en": "Verify"},
    "status.done_unverified": {"zh": "已完成（待确认）", "en": "done, awaiting verification"},
}
