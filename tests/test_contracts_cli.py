"""`pmo-bot admin vendor|contract|payment` and `member add --vendor` (issue 15), on both databases."""

from __future__ import annotations

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--db", db])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


def test_a_pmo_sets_up_vendors_contracts_and_payments(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "admin", "project", "create", "CRM", "--name", "客户关系系统")[0] == 0
    assert run(capsys, db_url, "admin", "vendor", "add", "东软")[1] == "vendor 东软 added"
    code, _, err = run(capsys, db_url, "admin", "vendor", "add", "东软")
    assert code == 1 and "exists" in err
    code, out, _ = run(capsys, db_url, "admin", "member", "add", "CRM", "vic", "--role", "vendor", "--vendor", "东软")
    assert code == 0 and "东软" in out
    assert run(capsys, db_url, "admin", "member", "add", "CRM", "sue", "--role", "supervisor")[0] == 0
    assert run(capsys, db_url, "admin", "member", "add", "CRM", "fay", "--role", "finance")[0] == 0
    code, _, err = run(capsys, db_url, "admin", "member", "add", "CRM", "x", "--role", "vendor", "--vendor", "Nope")
    assert code == 1 and "No vendor Nope" in err

    code, out, _ = run(capsys, db_url, "admin", "contract", "add", "CRM", "--vendor", "东软", "--amount", "1200000",
                       "--signed", "2026-11-01", "--title", "CRM 建设")
    assert (code, out) == (0, "HT-1")
    assert run(capsys, db_url, "admin", "payment", "add", "HT-1", "--name", "预付款", "--percent", "30",
               "--after", "signing")[1] == "HT-1 预付款: 360,000 CNY"
    assert run(capsys, db_url, "admin", "payment", "add", "HT-1", "--name", "初验款", "--amount", "480000",
               "--after", "初验", "--planned", "2026-12-20")[0] == 0
    code, _, err = run(capsys, db_url, "admin", "payment", "add", "HT-1", "--name", "终验款", "--percent", "40",
                       "--after", "终验")
    assert code == 1 and "pass 100%" in err  # 30% + 40% (480,000 of 1,200,000) + 40%
    code, _, err = run(capsys, db_url, "admin", "payment", "add", "HT-1", "--name", "尾款", "--amount", "400000",
                       "--after", "2027-06-30")
    assert code == 1 and "more than the contract" in err
    code, _, err = run(capsys, db_url, "admin", "payment", "add", "HT-1", "--name", "x", "--amount", "1",
                       "--after", "someday")
    assert code == 1 and "payment condition" in err
    assert run(capsys, db_url, "admin", "payment", "add", "HT-1", "--name", "终验款", "--percent", "30",
               "--after", "终验")[0] == 0
    plan = run(capsys, db_url, "admin", "payment", "list", "HT-1")[1].splitlines()
    assert [line.split()[0] for line in plan] == ["预付款", "初验款", "终验款"]
    assert "after initial planned 2026-12-20" in plan[1]
    code, _, err = run(capsys, db_url, "admin", "payment", "add", "HT-9", "--name", "x", "--amount", "1",
                       "--after", "初验")
    assert code == 1 and "No contract HT-9" in err
    assert run(capsys, db_url, "admin", "contract", "add", "CRM", "--vendor", "东软", "--amount", "50000")[1] == "HT-2"
    assert "HT-1 东软 1,200,000 CNY CRM 建设" in run(capsys, db_url, "admin", "contract", "list", "CRM")[1]
