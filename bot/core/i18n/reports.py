"""Reply catalogue: digests, risk alerts, reports and metrics."""

from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "risk.header": {
        "zh": "⚠️ {key} 风险提醒：新增 {new} 项，解除 {resolved} 项",
        "en": "⚠️ {key} risks: {new} new, {resolved} resolved",
    },
    "risk.overdue": {"zh": "{task} {title} 已逾期（截止 {due}）", "en": "{task} {title} is overdue (due {due})"},
    "risk.due_soon": {
        "zh": "{task} {title} 将于 {due} 到期，进度仅 {progress}%",
        "en": "{task} {title} is due {due} and only {progress}% done",
    },
    "risk.blocked": {
        "zh": "{task} {title} 已受阻 {days} 个工作日",
        "en": "{task} {title} has been blocked for {days} working days",
    },
    "risk.overrun": {
        "zh": "{task} {title} 工时超支：已记 {logged}h / 预计 {estimate}h（{pct}%）",
        "en": "{task} {title} is over its estimate: {logged}h logged of {estimate}h ({pct}%)",
    },
    "risk.milestone_slip": {
        "zh": "里程碑「{name}」（{due}）可能延期：剩余 {remaining}h，可用 {capacity}h",
        "en": "Milestone “{name}” ({due}) may slip: {remaining}h left, {capacity}h available",
    },
    "risk.approval_sla": {
        "zh": "变更申请 CR-{id}「{summary}」等待审批已 {hours} 个工作小时（时限 {sla} 小时）",
        "en": "Change request CR-{id} “{summary}” has waited {hours} working hours for approval (SLA {sla} h)",
    },
    "risk.idle": {
        "zh": "{task} {title} 进行中，但 {days} 个工作日没有记工时",
        "en": "{task} {title} is in progress with no hours logged for {days} working days",
    },
    "risk.resolved": {"zh": "已解除：{what}", "en": "Resolved: {what}"},
    "digest.header": {"zh": "📊 今日项目摘要 {day}", "en": "📊 Your projects today, {day}"},
    "digest.waiting": {"zh": "⏳ 等你审批的变更 {n} 项：", "en": "⏳ {n} change request(s) wait for you:"},
    "digest.project": {"zh": "【{key} {name}】{rag}：{why}", "en": "[{key} {name}] {rag}: {why}"},
    "digest.changed": {
        "zh": "• 今日变化：新建任务 {created}，更新 {updated}，工时记录 {logs}",
        "en": "• Today: {created} task(s) created, {updated} update(s), {logs} work log(s)",
    },
    "digest.hours": {
        "zh": "• 工时：今日 {today}h / 计划 {plan}h",
        "en": "• Hours: {today}h logged today of {plan}h planned",
    },
    "digest.risks": {
        "zh": "• 风险：今日新增 {new}，未解除 {open}；受阻 {blocked}，逾期 {overdue}",
        "en": "• Risks: {new} new today, {open} open; {blocked} blocked, {overdue} overdue",
    },
    "digest.portfolio": {"zh": "🗂 项目组合日报 {day}（{n} 个项目）", "en": "🗂 Portfolio, {day} ({n} projects)"},
    "digest.project_line": {
        "zh": "• {key} {rag}：{why}｜完成率 {completion}，延期率 {delay}，工时偏差 {effort}，站会参与 {standup}",
        "en": "• {key} {rag}: {why} | done {completion}, late {delay}, effort {effort}, standup {standup}",
    },
    "digest.rag_red": {"zh": "🔴 红", "en": "🔴 red"},
    "digest.rag_amber": {"zh": "🟠 黄", "en": "🟠 amber"},
    "digest.rag_green": {"zh": "🟢 绿", "en": "🟢 green"},
    "digest.why_milestone": {"zh": "里程碑可能延期", "en": "a milestone may slip"},
    "digest.why_delay": {"zh": "{pct}% 的任务逾期", "en": "{pct}% of tasks are late"},
    "digest.why_watch": {
        "zh": "逾期 {overdue}，风险 {risks}，受阻 {blocked}",
        "en": "{overdue} late, {risks} risk(s), {blocked} blocked",
    },
    "digest.why_ok": {"zh": "进展正常", "en": "on track"},
    "digest.chart_portfolio": {"zh": "项目完成率 {day}", "en": "Project completion {day}"},
    "digest.chart_burndown": {"zh": "{key} 燃尽图", "en": "{key} burndown"},
    "digest.chart_timeline": {"zh": "{key} 里程碑", "en": "{key} milestones"},
    "digest.axis_completion": {"zh": "完成率 %", "en": "completed %"},
    "digest.axis_actual": {"zh": "实际", "en": "actual"},
    "digest.axis_ideal": {"zh": "理想", "en": "ideal"},
    "digest.axis_open": {"zh": "未完成任务", "en": "open tasks"},
    "digest.axis_today": {"zh": "今天", "en": "today"},
    "report.title": {
        "zh": "{key} {name} 周报（{start} 至 {end}）",
        "en": "{key} {name} weekly report ({start} to {end})",
    },
    "report.done": {"zh": "本周完成（{n}）", "en": "Done this week ({n})"},
    "report.plan": {
        "zh": "下周计划（{start} 至 {end} 到期及逾期未完成）",
        "en": "Plan for next week (due {start} to {end}, and late)",
    },
    "report.risks": {"zh": "风险（{n}）", "en": "Risks ({n})"},
    "report.hours": {"zh": "本周工时（共 {total}h）", "en": "Hours this week ({total}h in all)"},
    "report.changes": {"zh": "本周批准的变更（{n}）", "en": "Changes approved this week ({n})"},
    "report.none": {"zh": "- 无", "en": "- none"},
    "report.more": {"zh": "- ……另有 {n} 项", "en": "- … and {n} more"},
    "metric.completion": {"zh": "完成率", "en": "Completion"},
    "metric.delay": {"zh": "延期率", "en": "Delay rate"},
    "metric.effort": {"zh": "工时偏差", "en": "Effort deviation"},
    "metric.cycle": {"zh": "平均周期", "en": "Cycle time"},
    "metric.standup": {"zh": "站会参与率", "en": "Standup participation"},
    "metric.overdue": {"zh": "逾期任务", "en": "Overdue"},
    "metric.at_risk": {"zh": "未解除风险", "en": "At risk"},
    "metric.lead": {"zh": "审批时长", "en": "Approval lead time"},
    "report.metrics": {"zh": "指标", "en": "Metrics"},
    "risk.milestone_slipped": {
        "zh": "里程碑「{name}」已延期：{due} 已过，仍有 {open} 个任务未完成",
        "en": "Milestone “{name}” has slipped: {due} has passed with {open} task(s) open",
    },
    "risk.milestone_late_task": {
        "zh": "里程碑「{name}」（{due}）可能延期：{n} 个任务的截止日期晚于里程碑（最晚 {latest}）",
        "en": "Milestone “{name}” ({due}) may slip: {n} task(s) are due after it (the latest {latest})",
    },
    "digest.metrics": {
        "zh": "• 指标：完成率 {completion}，延期率 {delay}，工时偏差 {effort}，平均周期 {cycle}，站会参与 {standup}，审批时长 {lead}",
        "en": "• Metrics: done {completion}, late {delay}, effort {effort}, cycle {cycle}, standup {standup}, approval lead {lead}",
    },
    "digest.contracts": {"zh": "合同（{n}）", "en": "Contracts ({n})"},
    "digest.contract_line": {
        "zh": "- {ref} {vendor}：已付 {paid} / 可付 {payable} / 待付 {pending}{next}",
        "en": "- {ref} {vendor}: paid {paid} / payable {payable} / pending {pending}{next}",
    },
    "digest.contract_money": {
        "zh": "合同总额 {value}，已付 {paid}，可付 {payable}",
        "en": "Contract value {value}, paid {paid}, payable {payable}",
    },
    "digest.vendor_scorecard": {"zh": "供应商评分", "en": "Vendor scorecard"},
    "digest.vendor_line": {
        "zh": "- {vendor}：按期交付 {ontime}，一次验收通过率 {first}，变更 {changes}，平均验收轮次 {rounds}",
        "en": "- {vendor}: on-time delivery {ontime}, first-pass acceptance {first}, change requests "
        "{changes}, rounds per acceptance {rounds}",
    },
    "digest.verified": {
        "zh": "完成率：报告 {reported}，已确认 {verified}",
        "en": "Completion: reported {reported}, verified {verified}",
    },
    "risk.payment_unaccepted": {
        "zh": "⚠️ {ref} {name} 计划 {planned} 付款，但{stage}尚未签署",
        "en": "⚠️ {ref} {name} was planned for {planned} but its {stage} is not signed off",
    },
    "risk.signoff_overdue": {
        "zh": "⚠️ YS-{id} {ref} {stage} 等待{role}签署已 {hours} 小时",
        "en": "⚠️ YS-{id} {ref} {stage} has waited {hours} h on the {role}",
    },
    "risk.trial_ending": {
        "zh": "⏳ {ref} 试运行 {day} 结束（还有 {days} 个工作日），请准备终验",
        "en": "⏳ {ref}'s trial run ends on {day} ({days} working days): prepare final acceptance",
    },
    "risk.contract_overrun": {
        "zh": "⚠️ {ref} 已付 + 可付 {total} 超过合同额 {amount}",
        "en": "⚠️ {ref}: paid + payable {total} exceeds the contract's {amount}",
    },
    "risk.vendor_done_unverified": {
        "zh": "⚠️ {key} 供应商报完成 {days} 天仍未确认",
        "en": "⚠️ {key} was reported done by the vendor {days} days ago and is not verified",
    },
}
