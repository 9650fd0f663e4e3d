"""The CLI as outside checks drive it: python -m dutyroom ..."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin=None, env_extra=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "dutyroom", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def test_help_lists_the_commands():
    out = run("--help").stdout
    for command in ("init", "rules", "verify", "profiles"):
        assert command in out


def test_rules_incident_from_a_file(tmp_path):
    path = tmp_path / "incident.json"
    path.write_text(json.dumps({"category": "accident", "event_type": "道路交通事故", "grade": "unknown",
                                "received_at": "2026-07-01T08:05:00+08:00", "deaths": 3}), encoding="utf-8")
    result = run("rules", "incident", "--profile", "dongcheng", str(path))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["deadlines"][0]["due"] == "2026-07-01T08:15:00+08:00"  # Dongcheng 4.1.5
    assert out["grade"]["suggested"] == "large"


def test_rules_incident_profile_from_environment():
    data = json.dumps({"grade": "unknown", "received_at": "2026-07-01T08:05:00+08:00"})
    out = json.loads(run("rules", "incident", "-", stdin=data, env_extra={"DUTYROOM_PROFILE": "beijing"}).stdout)
    assert out["profile"] == "beijing" and out["deadlines"][0]["due"] == "2026-07-01T08:35:00+08:00"


def test_rules_warning():
    result = run("rules", "warning", "--profile", "tongzhou", "--level", "orange")
    out = json.loads(result.stdout)
    assert [s["kind"] for s in out["steps"]] == ["sign_off", "external_decision"]


def test_bad_input_gets_a_clear_message_not_a_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"grade": "huge", "deaths": -1}', encoding="utf-8")
    result = run("rules", "incident", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "grade" in result.stderr and "未知等级" in result.stderr
    result = run("rules", "incident", str(path), env_extra={"DUTYROOM_LANG": "en"})
    assert "unknown grade" in result.stderr
    path.write_text("{not json", encoding="utf-8")
    assert "不是有效的 JSON" in run("rules", "incident", str(path)).stderr
    assert "无法读取" in run("rules", "incident", str(tmp_path / "missing.json")).stderr


def test_init_demo_then_verify(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = run("init", "--db", url, "--profile", "pinggu", "--demo")
    assert first.returncode == 0, first.stderr
    assert "演示数据" in first.stdout
    again = run("init", "--db", url, "--demo")
    assert again.returncode == 0 and "已存在" in again.stdout
    verify = run("verify", "--db", url)
    assert verify.returncode == 0 and "审计链完整" in verify.stdout


def test_the_bundled_command_names_itself_in_its_usage(monkeypatch):
    """In the offline bundle (PyInstaller sets sys.frozen) the usage says dutyroom-cli, the program the officer ran,
    not `python -m dutyroom`, which does not exist on a workstation without Python (issue 18)."""
    from dutyroom.cli import build_parser

    assert build_parser().format_usage().startswith("usage: python -m dutyroom ")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/dutyroom/dutyroom-cli")
    assert build_parser().format_usage().startswith("usage: dutyroom-cli ")
    # the window program (dutyroom) names the command line too, e.g. in a message at start
    monkeypatch.setattr(sys, "executable", "/opt/dutyroom/dutyroom")
    from dutyroom.config import cli_command
    assert cli_command() == "dutyroom-cli"
