"""Reply catalogue: contracts, payments, acceptance and verification."""

from __future__ import annotations

ENTRIES: dict[str, dict[str, str]] = {
    "vendor.need_name": {"zh": "请给出供应商名称。", "en": "Please give the vendor's name."},
    "vendor.exists": {"zh": "供应商 {name} 已存在。", "en": "Vendor {name} exists already."},
    "vendor.not_found": {"zh": "没有供应商 {name}（已有：{known}）。", "en": "No vendor {name} (known: {known})."},
    "contract.bad_after": {
        "zh": "付款条件“{value}”看不懂：请用 初验、试运行、终验、signing 或日期 YYYY-MM-DD。",
        "en": 'Cannot read "{value}" as a payment condition: use 初验 (initial), 试运行 (trial), '
        "终验 (final), signing or a date YYYY-MM-DD.",
    },
    "contract.bad_amount": {
        "zh": "金额“{value}”不对：请给一个正数。",
        "en": '"{value}" is not an amount: give a positive number.',
    },
    "contract.bad_currency": {
        "zh": "币种“{value}”不对：请用三个字母，如 CNY。",
        "en": '"{value}" is not a currency: use three letters such as CNY.',
    },
    "contract.not_found": {
        "zh": "找不到合同 {ref}（或你无权查看）。",
        "en": "No contract {ref} (or you may not see it).",
    },
    "contract.none": {"zh": "{key} 没有你可查看的合同。", "en": "{key} has no contracts you may see."},
    "contract.list_title": {"zh": "{key} 的合同（{n}）", "en": "Contracts on {key} ({n})"},
    "contract.line": {
        "zh": "• {ref} {vendor} {amount} — 已付 {paid}，可付 {payable}，待付 {pending}{next}",
        "en": "• {ref} {vendor} {amount} — paid {paid}, payable {payable}, pending {pending}{next}",
    },
    "contract.next": {"zh": "；下一笔：{name}（{state}）", "en": "; next: {name} ({state})"},
    "contract.which": {
        "zh": "{key} 有多份合同（{refs}），请注明是哪一份，例如“提交初验 {first}”。",
        "en": '{key} has several contracts ({refs}); say which, e.g. "submit {first} for preliminary acceptance".',
    },
    "contract.not_vendor": {
        "zh": "只有本合同供应商的成员可以提交验收。",
        "en": "Only members of the contract's vendor may submit it for acceptance.",
    },
    "contract.readers": {
        "zh": "只有项目经理、PMO、业务负责人、财务和本合同的供应商可以查看合同。",
        "en": "Only the PM, the PMO, the sponsor, finance and the contract's vendor may see contracts.",
    },
    "plan.title": {
        "zh": "{ref} {vendor} 付款计划（合同额 {amount}）",
        "en": "{ref} {vendor} payment plan (contract {amount})",
    },
    "plan.line": {
        "zh": "• {name} {amount}（{after}）{planned} — {state}{paid}",
        "en": "• {name} {amount} ({after}){planned} — {state}{paid}",
    },
    "plan.planned": {"zh": " 计划 {day}", "en": " planned {day}"},
    "plan.paid": {"zh": "，已付 {amount}（{day}）", "en": ", paid {amount} ({day})"},
    "plan.none": {"zh": "{ref} 还没有付款节点。", "en": "{ref} has no payment milestones yet."},
    "plan.trial": {"zh": "试运行至 {day}", "en": "trial run until {day}"},
    "after.signing": {"zh": "签约后", "en": "after signing"},
    "after.initial": {"zh": "初验后", "en": "after initial acceptance"},
    "after.trial": {"zh": "试运行后", "en": "after the trial run"},
    "after.final": {"zh": "终验后", "en": "after final acceptance"},
    "after.date": {"zh": "{day} 起", "en": "from {day}"},
    "pay_state.paid": {"zh": "已付", "en": "paid"},
    "pay_state.payable": {"zh": "可付", "en": "payable"},
    "pay_state.pending": {"zh": "未到付款条件", "en": "not yet due"},
    "payment.need_name": {"zh": "请给出付款节点名称，如 初验款。", "en": "Please name the payment, e.g. 初验款."},
    "payment.percent_or_amount": {
        "zh": "请给出比例（--percent）或金额（--amount），二选一。",
        "en": "Give a percentage (--percent) or an amount (--amount), one of them.",
    },
    "payment.exists": {"zh": "{ref} 已有付款节点 {name}。", "en": "{ref} already has a payment {name}."},
    "payment.bad_percent": {
        "zh": "比例 {value} 不对：应在 0 到 100 之间。",
        "en": "{value}% is not between 0 and 100.",
    },
    "payment.over_100": {
        "zh": "{ref} 的付款比例已用 {used}%，再加 {asked}% 会超过 100%。",
        "en": "{ref}'s payments already take {used}%; {asked}% more would pass 100%.",
    },
    "payment.over_amount": {
        "zh": "{ref} 的付款节点合计 {total} 会超过合同额 {amount}。",
        "en": "{ref}'s payments would total {total}, more than the contract's {amount}.",
    },
    "payment.not_found": {
        "zh": "{ref} 没有付款节点“{name}”（有：{known}）。",
        "en": '{ref} has no payment "{name}" (it has: {known}).',
    },
    "payment.finance_only": {
        "zh": "只有财务（或 PMO）可以登记付款。",
        "en": "Only finance (or the PMO) may record payments.",
    },
    "payment.not_released": {"zh": "{ref} {name} 还不能付：{why}。", "en": "{ref} {name} cannot be paid yet: {why}."},
    "payment.why_stage": {"zh": "{stage}尚未签署通过", "en": "its {stage} is not signed off"},
    "payment.why_trial": {"zh": "试运行尚未结束", "en": "the trial run has not ended"},
    "payment.why_trial_until": {"zh": "试运行到 {day} 才结束", "en": "the trial run ends on {day}"},
    "payment.why_signing": {"zh": "合同尚未签订", "en": "the contract is not signed"},
    "payment.why_date": {"zh": "{day} 之前不付", "en": "it is not due before {day}"},
    "payment.overpaid": {
        "zh": "{ref} {name} 应付 {amount}，已付 {paid}，不能再付 {asked}。",
        "en": "{ref} {name} is {amount} and {paid} is paid: {asked} more would overpay it.",
    },
    "payment.already_paid": {"zh": "{ref} {name} 已全额付清。", "en": "{ref} {name} is paid in full already."},
    "payment.recorded": {
        "zh": "💰 已登记 {ref} {name} 付款 {amount}（{day}）；累计 {paid} / {total}。",
        "en": "💰 Recorded {amount} paid on {ref} {name} ({day}); {paid} of {total} paid.",
    },
    "payment.raced": {
        "zh": "{ref} {name} 刚被别人登记了一笔付款，请查看付款计划后再试。",
        "en": "Someone just recorded a payment on {ref} {name}; check the plan and try again.",
    },
    "payment.payable_title": {"zh": "💰 可付款：{ref} {name}", "en": "💰 Payable: {ref} {name}"},
    "payment.payable_text": {
        "zh": "{ref} {name} 现在可以付款了（{vendor}，{amount}）。",
        "en": "{ref} {name} can be paid now ({vendor}, {amount}).",
    },
    "stage.initial": {"zh": "初验", "en": "preliminary acceptance"},
    "stage.trial": {"zh": "试运行", "en": "trial run"},
    "stage.final": {"zh": "终验", "en": "final acceptance"},
    "acc_status.pending": {"zh": "待签署", "en": "awaiting sign-off"},
    "acc_status.failed": {"zh": "未通过，待整改", "en": "failed, to be fixed"},
    "acc_status.passed": {"zh": "已通过", "en": "passed"},
    "acc_status.none": {"zh": "未提交", "en": "not submitted"},
    "acc.final_how": {
        "zh": "{ref} 可以提交终验了。请发送：提交终验 {ref}，交付物：…（交付物用分号分隔，可附链接）",
        "en": "{ref} can go to final acceptance now. Send: submit {ref} for final acceptance: … "
        "(deliverables separated by semicolons, links welcome)",
    },
    "acc.resubmit_how": {
        "zh": "整改后请重新提交。请发送：提交{stage} {ref}，交付物：…（交付物用分号分隔，可附链接）",
        "en": "Resubmit once it is fixed. Send: submit {ref} for {stage}: … "
        "(deliverables separated by semicolons, links welcome)",
    },
    "b.resubmit": {"zh": "重新提交", "en": "Resubmit"},
    "f.submit_note": {"zh": "备注", "en": "Note"},
    "modal.acc_title": {"zh": "提交验收", "en": "Submit"},
    "modal.acc_submit": {"zh": "提交", "en": "Submit"},
    "modal.deliverables": {"zh": "交付物（每行一项，可附链接）", "en": "Deliverables (one a line, links welcome)"},
    "modal.note": {"zh": "备注", "en": "Note"},
    "acc.need_deliverables": {
        "zh": "请列出交付物，例如“提交初验 CRM，交付物：部署手册 https://…；测试报告”。",
        "en": 'Please list the deliverables, e.g. "submit CRM for preliminary acceptance: '
        'deployment guide https://…; test report".',
    },
    "acc.already_passed": {"zh": "{ref} 的{stage}已通过。", "en": "{ref}'s {stage} has passed already."},
    "acc.already_pending": {
        "zh": "{ref} 的{stage}正在签署中（第 {n} 轮）。",
        "en": "{ref}'s {stage} is already awaiting sign-off (round {n}).",
    },
    "acc.final_needs_initial": {
        "zh": "{ref} 的初验尚未通过，不能提交终验。",
        "en": "{ref} has not passed preliminary acceptance: final acceptance must wait.",
    },
    "acc.final_needs_trial": {
        "zh": "{ref} 的试运行到 {day} 才结束，之后才能提交终验。",
        "en": "{ref}'s trial run ends on {day}; final acceptance can be submitted after it.",
    },
    "acc.submitted": {
        "zh": "📦 已提交 {ref} {stage}（第 {n} 轮），等待 {role} {who} 签署。",
        "en": "📦 Submitted {ref} for {stage} (round {n}); waiting on the {role}: {who}.",
    },
    "acc.your_turn": {
        "zh": "📦 请签署 {ref} {stage}（第 {n} 轮）。",
        "en": "📦 Please sign off {ref} {stage} (round {n}).",
    },
    "acc.not_found": {"zh": "找不到验收 YS-{id}。", "en": "No acceptance YS-{id}."},
    "acc.own": {"zh": "提交人不能签署自己的验收。", "en": "The submitter cannot sign off their own acceptance."},
    "acc.not_signer": {"zh": "YS-{id} 当前由{role}签署，不是你。", "en": "YS-{id} waits on the {role}, not on you."},
    "acc.already": {
        "zh": "YS-{id} 这一步已由 {who} 处理（{status}）。",
        "en": "YS-{id}: this step was decided already by {who} ({status}).",
    },
    "acc.ask_issues": {
        "zh": "请在下一条消息里列出 YS-{id} 的整改项（每行一条，或用分号分开）。",
        "en": "Please list YS-{id}'s issues to fix in your next message (one a line, or separated by ;).",
    },
    "acc.issues_needed": {
        "zh": "不通过需要整改项：请回复“YS-{id} 不通过：问题1；问题2”。",
        "en": 'A fail needs the issues: reply "fail YS-{id}: issue 1; issue 2".',
    },
    "acc.step_passed": {
        "zh": "✅ {who} 签署通过 YS-{id}，下一步：{role} {next}。",
        "en": "✅ {who} passed YS-{id}; next: the {role}, {next}.",
    },
    "acc.passed": {
        "zh": "🎉 {ref} {stage}已通过（YS-{id}，第 {n} 轮）。",
        "en": "🎉 {ref} passed {stage} (YS-{id}, round {n}).",
    },
    "acc.trial_started": {"zh": "试运行开始，至 {day} 结束。", "en": "The trial run starts; it ends on {day}."},
    "acc.failed": {
        "zh": "❌ {ref} {stage}未通过（YS-{id}，第 {n} 轮，{who}）。整改项：\n{issues}\n整改后请重新提交。",
        "en": "❌ {ref} failed {stage} (YS-{id}, round {n}, by {who}). Issues to fix:\n{issues}\n"
        "Resubmit once they are fixed.",
    },
    "acc.none": {"zh": "{key} 还没有验收记录。", "en": "{key} has no acceptances yet."},
    "acc.list_title": {"zh": "{key} 的验收（{n}）", "en": "Acceptances on {key} ({n})"},
    "acc.list_line": {
        "zh": "• YS-{id} {ref} {stage} — {status}（{n} 轮）",
        "en": "• YS-{id} {ref} {stage} — {status} ({n} rounds)",
    },
    "acc.bad_trial": {
        "zh": "试运行时长看不懂，请写“试运行3个月”或“试运行至2027-03-31”。",
        "en": 'Cannot read the trial run\'s length: say "trial 3 months" or "trial until 2027-03-31".',
    },
    "verify.awaiting": {
        "zh": "{key} 已报完成，等待项目经理或业务负责人确认。",
        "en": "{key} is reported done; the PM or the sponsor will verify it.",
    },
    "verify.ask": {
        "zh": "🔎 {key} 由供应商报完成，请确认。",
        "en": "🔎 {key} was reported done by the vendor; please verify.",
    },
    "verify.done": {"zh": "✅ {who} 确认了 {key} 已完成。", "en": "✅ {who} verified {key} as done."},
    "verify.already": {"zh": "{key} 已确认过了。", "en": "{key} was verified already."},
    "verify.not_pending": {"zh": "{key} 不在待确认状态。", "en": "{key} is not awaiting verification."},
    "verify.who": {
        "zh": "只有项目经理或业务负责人可以确认供应商报完成的任务。",
        "en": "Only the PM or the sponsor may verify tasks the vendor reported done.",
    },
    "files.nowhere": {
        "zh": "收到文件：{names}。文件要作为验收交付物，请在提交验收的消息里附上，或提交验收后再发给我；现在什么都没有记录。",
        "en": "Got the file(s): {names}. To make files acceptance deliverables, attach them to the submission, "
        "or send them after submitting; nothing was recorded.",
    },
    "files.title": {"zh": "加入验收交付物？", "en": "Add to the deliverables?"},
    "files.offer": {
        "zh": "收到文件：{names}。要加入哪一次验收的交付物？（不点就不记录）",
        "en": "Got the file(s): {names}. Add them to which acceptance's deliverables? (Nothing is recorded unless you pick one.)",
    },
    "files.gone": {
        "zh": "找不到这条消息里的文件了，请重新发送。",
        "en": "The files of that message are no longer here; please send them again.",
    },
    "files.round_closed": {
        "zh": "{ys} 第 {n} 轮已不在签署中，文件没有加入。", "en": "{ys} round {n} is no longer being signed; the files were not added.",
    },
    "files.already": {"zh": "这些文件已在 {ys} 第 {n} 轮的交付物里。", "en": "These files are already deliverables of {ys} round {n}."},
    "files.added": {"zh": "📎 已把 {names} 加入 {ys} 第 {n} 轮的交付物。", "en": "📎 Added {names} to the deliverables of {ys} round {n}."},
    "files.signers_see": {"zh": "签署人（{who}）看到的卡片已更新。", "en": "The card the signers ({who}) see is updated."},
}
