"""Issue 22: every page and the main dialogs at 1366 × 768, at 200 % (a 2732 × 1536 screen with
QT_SCALE_FACTOR=2) and on a 1366 × 768 laptop at 125 % (1093 × 614 to lay out in), rendered offscreen by
scripts/screenshot.py --all as the officer (and the administrator for the pages only they have): nothing lies
outside the window or is clipped by its parent, no label or button is narrower than its text, the window fits
the screen. The check itself is shown to catch a cut-off label."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QVBoxLayout, QWidget

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshot.py"


def _script():
    spec = importlib.util.spec_from_file_location("screenshot_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_sees_a_cut_off_label_and_a_widget_outside_the_window(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    body = QWidget()
    QVBoxLayout(body)
    window.setCentralWidget(body)
    narrow = QLabel("东城区暴雨橙色预警：预计今天夜间至明天白天将出现大暴雨", body)
    narrow.setFixedWidth(60)
    body.layout().addWidget(narrow)
    outside = QPushButton("确定", window)
    window.resize(400, 200)
    window.show()
    qtbot.waitExposed(window)
    outside.move(390, 190)
    outside.show()
    found = _script().problems(window)
    assert any("东城区暴雨橙色预警" in p and "needs" in p for p in found)
    assert any("'确定'" in p and "outside the window" in p for p in found)


def test_every_page_and_dialog_is_whole_at_1366_by_768_and_at_200_percent(tmp_path):
    out, report = tmp_path / "shots", tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(SCRIPT), "--all", str(out), "--check", str(report),
                    "--sizes", "1366,125pct,200pct",
                    "--db", str(tmp_path / "shot.db")], env=env, check=True, timeout=540, cwd=ROOT)
    result = json.loads(report.read_text(encoding="utf-8"))
    assert set(result) == {"1366", "125pct", "200pct"}
    for size, pages in result.items():
        assert {"值班总览", "事件", "预警发布", "通讯录", "审计日志", "dialog intake_wizard",
                "dialog warning_form", "dialog handover"} <= set(pages)
        assert {page: found for page, found in pages.items() if found} == {}, size
    dashboard = QImage(str(out / "00_dashboard_1366.png"))
    assert 1300 <= dashboard.width() <= 1366 and 700 <= dashboard.height() <= 768  # maximised on the laptop
    big = QImage(str(out / "00_dashboard_200pct.png"))
    assert 2 * 1300 <= big.width() <= 2 * 1366 and 2 * 700 <= big.height() <= 2 * 768  # the same, every pixel doubled
