"""Issue 18, Windows: the code paths that differ there, exercised by pretending to be Windows where that is honest
(sys.platform, the Windows process API faked at its boundary, platformdirs' Windows rules with the folders given by
environment variables). Fonts are in test_windows_paths.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import platformdirs
import platformdirs.windows
import pytest

from dutyroom import crash_guard
from dutyroom.crash_guard import CrashGuard

ROOT = Path(__file__).resolve().parents[2]


class FakeKernel32:
    """OpenProcess / GetExitCodeProcess / CloseHandle for a table of pid → exit code (259: still running)."""

    def __init__(self, processes: dict[int, int]):
        self.processes, self.closed = processes, []

    def OpenProcess(self, access, inherit, pid):
        return 1000 + pid if pid in self.processes else 0

    def GetExitCodeProcess(self, handle, code_ref):
        code_ref._obj.value = self.processes[handle - 1000]
        return 1

    def CloseHandle(self, handle):
        self.closed.append(handle)


def test_on_windows_a_process_is_asked_about_never_killed(monkeypatch):
    """os.kill(pid, 0) is TerminateProcess on Windows: asking whether an earlier run lives would end it."""
    def kill(*_a):
        raise AssertionError("os.kill called on Windows")

    kernel = FakeKernel32({4242: crash_guard.STILL_ACTIVE, 4243: 0})
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(crash_guard, "_windows_alive",
                        lambda pid, kernel32=None, real=crash_guard._windows_alive: real(pid, kernel))
    assert crash_guard._alive(4242)  # running
    assert not crash_guard._alive(4243)  # ended with exit code 0, handle still open somewhere
    assert not crash_guard._alive(4244)  # no such process
    assert kernel.closed == [1000 + 4242, 1000 + 4243]


def test_on_windows_the_next_start_reports_a_run_that_died_and_not_one_still_running(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "kill", lambda *_a: (_ for _ in ()).throw(AssertionError("os.kill on Windows")))
    kernel = FakeKernel32({7001: crash_guard.STILL_ACTIVE})
    monkeypatch.setattr(crash_guard, "_windows_alive",
                        lambda pid, kernel32=None, real=crash_guard._windows_alive: real(pid, kernel))
    for pid in (7001, 7002):  # 7001 is another seat's program still open, 7002 died
        (tmp_path / f"running-{pid}.json").write_text(json.dumps(
            {"pid": pid, "started_at": "2026-12-01 08:30:00", "user": "值班员乙", "open": []}), encoding="utf-8")
    guard = CrashGuard(tmp_path, pid=7003)
    try:
        found = guard.start()
    finally:
        guard.stop()
    assert [f.pid for f in found] == [7002]


@pytest.fixture
def windows_dirs(monkeypatch, tmp_path):
    """platformdirs' Windows rules; the shell's known folders answered from LOCALAPPDATA/APPDATA."""
    local, roaming = tmp_path / "AppData" / "Local", tmp_path / "AppData" / "Roaming"
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setenv("APPDATA", str(roaming))
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", platformdirs.windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.delenv("DUTYROOM_DB", raising=False)
    monkeypatch.delenv("DUTYROOM_AUDIT_KEY", raising=False)
    return local


def test_on_windows_data_logs_and_the_audit_key_live_in_the_users_local_appdata(windows_dirs):
    from dutyroom.app import log_dir
    from dutyroom.store.audit_key import key_path
    from dutyroom.store.database import default_db_url

    folder = windows_dirs / "dutyroom"  # appauthor=False: not AppData\Local\dutyroom\dutyroom
    assert default_db_url() == f"sqlite:///{folder / 'dutyroom.db'}"
    assert folder.is_dir()  # made on first use
    assert log_dir() == folder / "Logs"
    assert key_path("postgresql://duty@server/dutyroom") == folder / "dutyroom-audit.key"


def _bundle_fonts():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bundle_fonts
    finally:
        sys.path.pop(0)
    return bundle_fonts


def test_a_windows_build_carries_no_open_fonts_unless_given_a_folder(monkeypatch, tmp_path):
    """Every Windows PC has the office fonts; the build must not stop for want of Debian's font packages."""
    bundle_fonts = _bundle_fonts()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(bundle_fonts, "SYSTEM_DIRS", [])
    monkeypatch.delenv("DUTYROOM_BUNDLE_FONTS_DIR", raising=False)
    assert bundle_fonts.font_datas() == []
    monkeypatch.setenv("DUTYROOM_BUNDLE_FONTS_DIR", str(tmp_path))  # asked to carry them, but they are not there
    with pytest.raises(SystemExit, match="gbsn00lp"):
        bundle_fonts.font_datas()


def test_the_spec_names_the_same_two_programs_and_builds_the_windows_icon():
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'name="dutyroom", console=False' in spec and 'name="dutyroom-cli", console=True' in spec
    assert 'os.name == "nt"' in spec  # the program icon (converted from the PNG) only where it exists
    assert '.replace("\\\\", "/")' in spec  # Windows paths are matched like POSIX ones when leaving files out


def test_a_windows_log_off_ends_the_program_as_sigterm_does(qapp):
    """Windows sends no SIGTERM at log-off or shutdown; Qt passes WM_QUERYENDSESSION on as commitDataRequest, which
    must end the program the clean way too (sign-out, exit backup). Qt cannot emit it without a real session
    manager (emitting it by hand crashes), so this checks the program listens for it."""
    import signal

    from PySide6.QtCore import SIGNAL

    from dutyroom.app import _quit_on_terminate

    before = qapp.receivers(SIGNAL("commitDataRequest(QSessionManager&)"))
    handler = signal.getsignal(signal.SIGTERM)
    try:
        _quit_on_terminate(qapp)
        assert qapp.receivers(SIGNAL("commitDataRequest(QSessionManager&)")) == before + 1
    finally:  # the test process keeps its own SIGTERM handling and its application its own connections
        signal.signal(signal.SIGTERM, handler)
        qapp.commitDataRequest.disconnect()
        qapp._signal_wakeup.stop()
