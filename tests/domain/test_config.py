"""config.py owns the environment, the stored-setting keys and the zh/en picker (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

from dutyroom import config
from dutyroom.config import SettingKey, default_profile, pick, screenshot_request
from dutyroom.services.errors import UserError

PKG = Path(__file__).resolve().parents[2] / "dutyroom"


def test_pick_follows_dutyroom_lang(monkeypatch):
    monkeypatch.delenv("DUTYROOM_LANG", raising=False)
    assert pick("值班", "duty") == "值班"
    monkeypatch.setenv("DUTYROOM_LANG", "en_GB")
    assert pick("值班", "duty") == "duty"
    assert UserError("不能为空", "is required").message == "is required"


def test_default_profile_is_dongcheng_unless_the_environment_names_one(monkeypatch):
    monkeypatch.delenv("DUTYROOM_PROFILE", raising=False)
    assert default_profile() == "dongcheng"
    monkeypatch.setenv("DUTYROOM_PROFILE", "pinggu")
    assert default_profile() == "pinggu"


def test_screenshot_request_reads_the_file_and_the_delay(monkeypatch):
    monkeypatch.delenv("DUTYROOM_SCREENSHOT", raising=False)
    assert screenshot_request() is None
    monkeypatch.setenv("DUTYROOM_SCREENSHOT", "/tmp/shot.png")
    monkeypatch.setenv("DUTYROOM_SCREENSHOT_AFTER_MS", "300")
    assert screenshot_request() == ("/tmp/shot.png", 300)


def test_setting_keys_keep_the_names_existing_databases_use():
    assert {k.value for k in SettingKey} == {"profile", "demo", "backup.directory", "backup.every_hours", "backup.keep",
                                             "session.idle_minutes", "report.escalation_minutes", "password.min_length",
                                             "organisation.name", "organisation.short", "release.seen",
                                             "roster.pattern"}
    assert config.font_setting("fangsong") == "font.fangsong"


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_only_config_reads_the_environment():
    readers = [str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
               if p.name != "config.py" and ("os.environ" in _source(p) or "getenv" in _source(p))]
    assert readers == []


def test_the_composition_root_does_not_import_the_command_line():
    tree = ast.parse(_source(PKG / "app.py"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "cli" not in modules and not any(m and m.endswith(".cli") for m in modules)
