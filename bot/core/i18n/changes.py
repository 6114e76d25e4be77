"""Reply catalogue: change requests, impact assessments and approval policies."""

from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "change.ask_date": {
        "zh": "CR-{id}（{target}）：改到哪一天？回复日期（如“12月20日”或“延期3个工作日”），或点下面的按钮。",
        "en": 'CR-{id} ({target}): to which date? Reply with a date ("Dec 20", "3 working days later") or tap a button.',
    },
    "change.ask_budget": {
        "zh": "CR-{id}（{target}）：需要追加多少预算？回复金额，如“5万”。",
        "en": 'CR-{id} ({target}): how much extra budget? Reply with an amount, e.g. "50000".',
    },
    "change.ask_people": {
        "zh": "CR-{id}（{target}）：需要增加几个人？回复人数，如“2人”。",
        "en": 'CR-{id} ({target}): how many more people? Reply with a number, e.g. "2 people".',
    },
    "change.ask_reason": {
        "zh": "CR-{id}（{target}）：请回复变更原因。",
        "en": "CR-{id} ({target}): please reply with the reason.",
    },
    "change.how": {
        "zh": "为 {key} 申请变更：回复“变更申请 {key} 延期到12月20日，原因…”，或选一个延期天数（工作日）。",
        "en": 'To request a change to {key}, reply "change request {key} delay to Dec 20 because ...", or pick a slip (working days).',
    },
    "change.slip_summary": {"zh": "延期 {n} 个工作日至 {due}", "en": "slip {n} working day(s) to {due}"},
    "change.submitted": {
        "zh": "已提交变更申请 CR-{id}（{target}），等待{role}审批：{who}。",
        "en": "Change request CR-{id} ({target}) submitted; waiting for the {role}: {who}.",
    },
    "change.merged_none": {
        "zh": "{role}步骤：未指定人选，由 PMO 决定",
        "en": "{role} step: none named; decided by the PMO",
    },
    "change.merged_same": {
        "zh": "{role}步骤：与{by}为同一人，在{by}步骤一并决定",
        "en": "{role} step: held by the same person as the {by}; decided in the {by} step",
    },
    "change.merged_again": {
        "zh": "{role}步骤：与{by}为同一人，在监理审核后再次确认",
        "en": "{role} step: held by the same person as the {by}; asked again after the supervisor's review",
    },
    "change.nobody": {"zh": "暂无审批人，请 PMO 指定", "en": "nobody yet, ask the PMO to name one"},
    "change.line": {
        "zh": "📝 CR-{id} {type}变更 · {target}：{summary}（{who} 申请）",
        "en": "📝 CR-{id} {type} change · {target}: {summary} (asked by {who})",
    },
    "change.your_turn": {
        "zh": "请审批变更申请 CR-{id}（{target}）。",
        "en": "Please decide change request CR-{id} ({target}).",
    },
    "change.not_found": {"zh": "没有找到变更申请 CR-{id}。", "en": "No change request CR-{id}."},
    "change.already": {"zh": "CR-{id} 已{status}。", "en": "CR-{id} is already {status}."},
    "change.already_by": {
        "zh": "CR-{id} 已{status}（{who}），不再重复处理。",
        "en": "CR-{id} is already {status} ({who}); nothing more to do.",
    },
    "change.bad_value": {
        "zh": "表单中“{field}”的值“{value}”无效。",
        "en": 'The form\'s {field} value "{value}" is not valid.',
    },
    "change.own": {"zh": "不能审批自己提交的变更申请。", "en": "You cannot approve your own change request."},
    "change.vendor": {"zh": "供应商不能审批变更申请。", "en": "Vendors cannot approve change requests."},
    "change.not_approver": {
        "zh": "CR-{id} 当前由{role}审批，你不是这一步的审批人。",
        "en": "CR-{id} is waiting for the {role}; you are not an approver of this step.",
    },
    "change.reason_needed": {
        "zh": "驳回需要原因：请回复“驳回 CR-{id} 原因：…”。",
        "en": 'A rejection needs a reason: reply "reject CR-{id} because ...".',
    },
    "change.rejected": {
        "zh": "❌ CR-{id} 已被 {who} 驳回，原因：{reason}",
        "en": "❌ CR-{id} rejected by {who}: {reason}",
    },
    "change.step_done": {
        "zh": "✅ {who} 已同意 CR-{id}，下一步由{role}审批：{next}。",
        "en": "✅ {who} approved CR-{id}; next the {role}: {next}.",
    },
    "change.applied": {
        "zh": "✅ CR-{id} 已由 {who} 最终批准并生效（{target}），基线已更新。",
        "en": "✅ CR-{id} approved by {who} and applied ({target}); the baseline is updated.",
    },
    "change.withdraw_own": {"zh": "只有申请人可以撤回 CR-{id}。", "en": "Only the requester can withdraw CR-{id}."},
    "change.withdrawn": {"zh": "CR-{id} 已撤回。", "en": "CR-{id} withdrawn."},
    "change.trail_title": {"zh": "CR-{id} 审计记录：", "en": "CR-{id} audit trail:"},
    "change.none": {"zh": "{key} 还没有变更申请。", "en": "{key} has no change requests yet."},
    "change.list_title": {"zh": "{key} 的变更申请（最近 {n} 条）：", "en": "Change requests on {key} (latest {n}):"},
    "change.waiting_on": {"zh": "待{role}审批", "en": "waiting for the {role}"},
    "change.none_mine": {"zh": "没有等你审批的变更申请。", "en": "No change requests wait on you."},
    "change.mine_title": {"zh": "等你审批的变更申请（{n}）：", "en": "Change requests waiting on you ({n}):"},
    "cr_status.draft": {"zh": "草稿", "en": "draft"},
    "cr_status.pending": {"zh": "审批中", "en": "pending"},
    "cr_status.approved": {"zh": "批准", "en": "approved"},
    "cr_status.rejected": {"zh": "驳回", "en": "rejected"},
    "cr_status.withdrawn": {"zh": "撤回", "en": "withdrawn"},
    "impact.due": {"zh": "截止：{old} → {new}", "en": "Due: {old} → {new}"},
    "impact.slip": {"zh": "进度影响：{days} 个工作日", "en": "Schedule: {days} working day(s)"},
    "impact.calendar_unknown": {
        "zh": "注意：{year} 年的法定节假日尚未录入，按周末和固定节日估算",
        "en": "Note: {year}'s public holidays are not loaded yet; weekends and fixed holidays assumed",
    },
    "impact.moves": {"zh": "连带顺延 {n} 个任务：{tasks}", "en": "{n} dependent task(s) move: {tasks}"},
    "impact.breach": {"zh": "⚠️ 突破里程碑「{name}」（{due}）", "en": '⚠️ Breaches milestone "{name}" ({due})'},
    "impact.effort": {
        "zh": "工时：+{hours}（基线 {base}，+{pct}）",
        "en": "Effort: +{hours} (baseline {base}, +{pct})",
    },
    "impact.budget": {
        "zh": "预算：+{amount}（原预算 {base}，+{pct}）",
        "en": "Budget: +{amount} (budget {base}, +{pct})",
    },
    "impact.budget_new": {"zh": "预算：+{amount}（项目未设预算）", "en": "Budget: +{amount} (no project budget set)"},
    "impact.reassessed": {
        "zh": "⚠️ 计划已变，{at} 按当前计划重新评估（提交时：{was}）",
        "en": "⚠️ The plan changed: re-assessed on the current plan at {at} (when asked: {was})",
    },
    "change.task_done": {
        "zh": "{key} 已完成，不能再申请变更；如需重新打开，请说“变更申请 {key} 重新打开 …”。",
        "en": '{key} is done; no change can be asked on it. To reopen it, say "change request {key} reopen ...".',
    },
    "change.second": {
        "zh": "{target} 已有待审批的变更申请 CR-{id}；请等它决定，或撤回后重新申请（撤回 CR-{id}）。",
        "en": "{target} already has change request CR-{id} pending; wait for its decision, or withdraw it first (withdraw CR-{id}).",
    },
    "impact.people": {"zh": "人员：+{n} 人", "en": "People: +{n}"},
    "policy.bad": {
        "zh": "看不懂审批策略“{part}”。例：CRM 审批策略 PM 3; 业务负责人 延期 范围 资源 预算 里程碑; PMO 预算 里程碑; SLA 24",
        "en": 'Cannot read the policy part "{part}". E.g.: CRM approval policy pm 3; sponsor slip scope resource budget breach; pmo budget breach; sla 24',
    },
    "policy.shown": {
        "zh": "审批策略：延期不超过 {days} 个工作日由项目经理审批；{sponsor} 还需业务负责人；{pmo} 还需 PMO；每步时限 {sla} 小时。",
        "en": "Approval policy: slips up to {days} working day(s) need the PM only; {sponsor} also need the sponsor; {pmo} also need the PMO; {sla} h per step.",
    },
    "policy.set": {"zh": "已更新 {key} 的审批策略。", "en": "Approval policy of {key} updated."},
    "trigger.long_slip": {"zh": "更长的延期", "en": "longer slips"},
    "trigger.scope": {"zh": "范围变更", "en": "scope changes"},
    "trigger.resource": {"zh": "资源变更", "en": "resource changes"},
    "trigger.budget": {"zh": "预算变更", "en": "budget changes"},
    "trigger.breach": {"zh": "突破里程碑", "en": "milestone breaches"},
    "ct.schedule": {"zh": "进度", "en": "schedule"},
    "ct.scope": {"zh": "范围", "en": "scope"},
    "ct.budget": {"zh": "预算", "en": "budget"},
    "ct.resource": {"zh": "资源", "en": "resource"},
    "change.reject_why": {
        "zh": "请回复驳回 CR-{id} 的原因（下一条消息即为原因，发送“取消”放弃驳回）。",
        "en": "Why reject CR-{id}? Your next message is the reason (send “cancel” to keep it pending).",
    },
    "change.reject_kept": {"zh": "好的，CR-{id} 仍在等待审批。", "en": "OK, CR-{id} is still pending."},
}
