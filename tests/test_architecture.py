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


# ---- platforms (bot/platforms/base.py is the contract) ----------------------------------------------------

PLATFORM_PACKAGES = ("slack", "feishu", "console")  # the registry's entries and the console
# The composition root: the only modules that may name a platform or the scheduler. bot/jobs_cli.py is the
# `pmo-bot jobs` command (it runs the scheduler's jobs once).
COMPOSITION_ROOT = {ROOT / "bot" / p for p in ("app.py", "platforms/__init__.py", "console_chat.py", "cli.py",
                                               "jobs_cli.py")}


def _targets(path: Path) -> set[str]:
    """Every module of ours a file imports, `from a import b` counted as both `a` and `a.b` (b may be one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.split(".")[0] in PACKAGES}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_platforms_import_only_the_contract_and_the_toolkit() -> None:
    """A platform package imports bot.platforms (the contract, shape/split/watchdog) and bot.core: never the
    shell (bot.intake, bot.delivery...), storage, handlers or jobs. What it needs of those comes in `Deps`."""
    for path, mods in _ours("bot/platforms").items():
        assert all(m.startswith(("bot.platforms", "bot.core")) for m in mods), f"{path}: {mods}"


def test_a_platform_imports_no_other_platform() -> None:
    for path in (ROOT / "bot" / "platforms").rglob("*.py"):
        for name in PLATFORM_PACKAGES:
            other = f"bot.platforms.{name}"
            if path in COMPOSITION_ROOT or _within(_module(path), other):
                continue
            assert not any(_within(m, other) for m in _targets(path)), f"{path} imports {other}"


def test_only_the_composition_root_names_a_platform_or_the_scheduler() -> None:
    named = [f"bot.platforms.{name}" for name in PLATFORM_PACKAGES] + ["jobs.scheduler"]
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path in COMPOSITION_ROOT or path.is_relative_to(ROOT / "bot" / "platforms") or \
                    path == ROOT / "jobs" / "scheduler.py":
                continue
            wrong = sorted(m for m in _targets(path) if any(_within(m, n) for n in named))
            assert not wrong, f"{_module(path)} imports {wrong}: only {sorted(map(_module, COMPOSITION_ROOT))} may"


def test_every_registry_entry_is_a_platform_package_with_the_contract() -> None:
    import importlib

    from bot import platforms

    for name, module in platforms.PLATFORMS.items():
        entry = importlib.import_module(module)
        assert name == entry.NAME, module
        assert callable(entry.from_env) and callable(entry.create), module
        assert entry.from_env({}) is None, f"{module}: configured by an empty environment"


def test_every_package_is_installed() -> None:
    """pyproject lists the packages explicitly: a new package missing there works from a checkout and is
    missing from an installed wheel."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for package in PACKAGES
             for p in (ROOT / package).rglob("__init__.py")}
    assert found == listed
