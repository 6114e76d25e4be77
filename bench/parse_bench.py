"""Throughput and latency of the message parser.

    python bench/parse_bench.py            # in-process: messages/s and p99 per message
    python bench/parse_bench.py --cli      # also `python -m bot.nlu.cli --jsonl`: startup, msgs/s, p99

Targets (issue 3): at least 2,000 messages/s, p99 under 5 ms, CLI startup under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = "2026-11-25T10:00:00"

_BASE = [
    # create_task
    "新建任务 登录页 @张三 下周五前", "帮忙建个任务 报表导出优化，给@小王，周四下午4点前",
    "task: fix SSO login @bob by Friday P1 est 6h", "create task [CRM] Export report, urgent, 3h",
    "加个任务：修复登录bug，@张三 负责，周五前，紧急", "new task: migrate database @bob next Friday high priority",
    "创建任务 数据迁移脚本 给@韩梅梅 月底前 预计16小时", "todo: update the API docs @alice tomorrow",
    # update_task
    "CRM-3 done", "CRM-3 完成了", "开始 CRM-5", "CRM-5 进行中", "ERP-2 差不多一半了", "CRM-3 80%",
    "CRM-4 blocked", "reopen CRM-3", "CRM-3 改给 @李四", "assign CRM-3 to @bob", "CRM-3 截止改到下周一",
    "move CRM-3 due to Dec 20",
    # log_hours
    "log 3h on CRM-12 yesterday", "put 1.5 hours on OA-9 this morning for the vendor call",
    "CRM-1 3小时 CRM-2 2小时", "今天 CRM-3 做了两个半小时 接口联调", "昨天在CRM-2上花了半天",
    "CRM-1 2h, CRM-2 1.5h, CRM-3 30m yesterday",
    # request_change
    "变更申请：CRM-3 延期到12月20日，原因供应商人手不够", "申请把CRM-8的上线推迟到1月5日，供应商人手不够",
    "需求变更 CRM-4 增加导出功能 需要多加16小时", "OA-8 delay to Dec 31 due to vendor issues",
    # query
    "我的任务", "my tasks", "what's on my plate", "CRM 进度", "status CRM", "逾期任务", "哪些任务延期了",
    "我这周工时", "how many hours did I log", "CRM-12 详情", "CRM-12?", "show CRM-12",
    # standup / help / admin
    "昨天：完成接口联调 今天：写测试 阻碍：无",
    "Yesterday: fixed login. Today: export. Blockers: waiting on vendor API (CRM-5)",
    "help", "帮助", "怎么用", "create project CRM 客户关系系统", "add @alice to CRM as pm", "set timezone Asia/Tokyo",
    # chatter
    "好嘞", "收到", "ok thanks", "see you at the 2pm review tomorrow", "明天下午3点开会", "哈哈", "👍",
    "下午开会记得带电脑", "I'm done for today", "会议推迟到明天了", "thanks @bob", "周五团建",
    "这个需求太复杂了，客户说要改需求，老板说预算不够，人手真的不够啊" * 3,
]


def corpus(n: int = 400) -> list[str]:
    """A mixed corpus of about ``n`` messages: the base set with light variations."""
    out: list[str] = []
    i = 0
    while len(out) < n:
        text = _BASE[i % len(_BASE)]
        variant = (i // len(_BASE)) % 4
        if variant == 1:
            text = "  " + text + " 🙏"
        elif variant == 2:
            text = text.translate(str.maketrans("0123456789:,", "０１２３４５６７８９：，"))
        elif variant == 3:
            text = text.replace("CRM", "OA").replace("张三", "王五")
        out.append(text)
        i += 1
    return out


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def bench_in_process(msgs: list[str], rounds: int) -> None:
    t0 = time.perf_counter()
    from bot.nlu import parse
    import_s = time.perf_counter() - t0
    now = datetime.fromisoformat(NOW)
    for text in msgs:  # warm up regex caches
        parse(text, now=now)
    lat: list[float] = []
    start = time.perf_counter()
    for _ in range(rounds):
        for text in msgs:
            t = time.perf_counter()
            parse(text, now=now).to_dict()
            lat.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - start
    n = len(lat)
    print(f"in-process: {n} msgs in {total:.3f}s = {n / total:,.0f} msg/s; "
          f"mean {statistics.mean(lat):.3f} ms, p50 {_pct(lat, 50):.3f} ms, p99 {_pct(lat, 99):.3f} ms, "
          f"max {max(lat):.3f} ms; import {import_s * 1000:.0f} ms")


def bench_cli(msgs: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "bot.nlu.cli", "--jsonl", "--now", NOW, "--tz", "Asia/Shanghai"]
    lines = [json.dumps({"text": m}, ensure_ascii=False) for m in msgs]

    # Startup: process start until the first answer comes back.
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                            env=env, cwd=ROOT, bufsize=1)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(lines[0] + "\n")
    proc.stdin.flush()
    proc.stdout.readline()
    startup = time.perf_counter() - t0

    # Latency: one line at a time, waiting for each answer (what a chat adapter sees).
    lat: list[float] = []
    for line in lines:
        t = time.perf_counter()
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        proc.stdout.readline()
        lat.append((time.perf_counter() - t) * 1000)
    proc.stdin.close()
    proc.wait()

    # Throughput: the whole corpus piped at once, including process start.
    data = "\n".join(lines * 5) + "\n"
    t = time.perf_counter()
    done = subprocess.run(cmd, input=data, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT,
                          check=True)
    total = time.perf_counter() - t
    n = len(done.stdout.splitlines())
    assert n == len(lines) * 5, (n, done.stderr[-500:])
    print(f"cli --jsonl: startup {startup * 1000:.0f} ms; {n} msgs piped in {total:.3f}s = {n / total:,.0f} msg/s "
          f"(incl. startup); round-trip p50 {_pct(lat, 50):.3f} ms, p99 {_pct(lat, 99):.3f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", action="store_true", help="also benchmark the `--jsonl` subprocess")
    ap.add_argument("-n", type=int, default=400, help="corpus size (default 400)")
    ap.add_argument("--rounds", type=int, default=5, help="in-process passes over the corpus")
    args = ap.parse_args()
    msgs = corpus(args.n)
    print(f"corpus: {len(msgs)} messages")
    bench_in_process(msgs, args.rounds)
    if args.cli:
        bench_cli(msgs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
