"""Import directions, and every reply key the code uses exists in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.core.i18n import CATALOGUE, LOCALES

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage", "jobs")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _ours(package: str) -> dict[Path, set[str]]:
    return {p: {m for m in _imports(p) if m.split(".")[0] in PACKAGES}
            for p in (ROOT / package).rglob("*.py")}


def test_storage_imports_nothing_of_ours() -> None:
    for path, mods in _ours("storage").items():
        assert all(m.startswith("storage") for m in mods), f"{path}: {mods}"


def test_the_toolkit_imports_only_itself_and_storage() -> None:
    for path, mods in _ours("bot/core").items():
        assert all(m.startswith(("bot.core", "storage")) for m in mods), f"{path}: {mods}"


def test_the_domain_imports_only_the_toolkit_itself_and_storage() -> None:
    for path, mods in _ours("bot/domain").items():
        assert all(m.startswith(("bot.domain", "bot.core", "storage")) for m in mods), f"{path}: {mods}"


def test_jobs_import_the_toolkit_the_domain_the_parser_and_storage() -> None:
    allowed = ("jobs", "storage", "bot.core", "bot.domain", "bot.nlu")
    for path, mods in _ours("jobs").items():
        assert all(m.startswith(allowed) for m in mods), f"{path}: {mods}"


def test_handlers_never_import_the_shell_or_platforms() -> None:
    allowed = ("handlers", "storage", "bot.core", "bot.domain", "bot.nlu")
    for path, mods in _ours("handlers").items():
        assert all(m.startswith(allowed) for m in mods), f"{path}: {mods}"


def test_nlu_is_pure() -> None:
    for path, mods in _ours("bot/nlu").items():
        assert all(m.startswith("bot.nlu") for m in mods), f"{path}: {mods}"


def test_only_the_scheduler_imports_apscheduler() -> None:
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if any(m.startswith("apscheduler") for m in _imports(path)):
                assert path == ROOT / "jobs" / "scheduler.py", path


def test_every_catalogue_key_used_exists_in_both_languages() -> None:
    used: set[str] = set()
    pattern = re.compile(r"""(?:\bt\(|UserError\(|ctx\.t\()\s*(?:[a-z_.]+,\s*)?["']([a-z_]+\.[a-z_.]+|help|unknown)["']""")
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys"
    missing = sorted(k for k in used if k not in CATALOGUE)
    assert missing == []
    for key, entry in CATALOGUE.items():
        assert set(LOCALES) <= set(entry), key
