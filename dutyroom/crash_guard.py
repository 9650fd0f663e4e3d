"""A fatal error always leaves a trace, and the next start says so.

`faulthandler` writes the Python stacks of every thread into `fatal.log` in the app's log folder when
the interpreter dies (an abort inside Qt, a segfault): the logging module never gets the chance.
While the app runs, a small marker file `running-PID.json` says who is signed in and what is open; a
clean exit removes it. A marker left by a process that is no longer alive means that run ended
abnormally: the next start reports it (上次程序异常退出) with what was open and the trace.
No Qt here: the GUI calls `note_open()` with what it shows.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .domain.clock import BEIJING

FATAL_LOG = "fatal.log"
START_LINE = "=== dutyroom started"
TRACE_TAIL = 40  # lines of the fatal log shown after an abnormal exit


@dataclass(frozen=True)
class AbnormalExit:
    pid: int
    started_at: str
    user: str
    open: list[str] = field(default_factory=list)
    trace: str = ""

    def text(self, en: bool = False) -> str:
        opened = "；".join(self.open) if self.open else ("—" if not en else "-")
        if en:
            return (f"The program ended abnormally last time (started {self.started_at}, user {self.user or '-'}).\n"
                    f"Open then: {opened}\nSaved data is not affected; unsaved intake drafts are offered again.")
        return (f"上次程序异常退出（启动于 {self.started_at}，用户 {self.user or '—'}）。\n"
                f"当时打开的内容：{opened}\n已保存的数据不受影响；未完成的接报草稿可继续填写。")


PROCESS_QUERY_LIMITED_INFORMATION, STILL_ACTIVE = 0x1000, 259


def _windows_alive(pid: int, kernel32=None) -> bool:
    """Windows: whether process `pid` still runs, asked of the system (OpenProcess + GetExitCodeProcess)."""
    import ctypes

    kernel32 = kernel32 or ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:  # no such process (or one we may not look at: then it is not our program)
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) on Windows is TerminateProcess: it would end the other program
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_trace(log_dir: Path, pid: int) -> str:
    """The fatal log's lines after the start line of process `pid` (empty when it left none)."""
    try:
        lines = (log_dir / FATAL_LOG).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    mark = f"{START_LINE} pid={pid} "
    starts = [i for i, line in enumerate(lines) if line.startswith(mark)]
    if not starts:
        return ""
    body = [line for line in lines[starts[-1] + 1:] if not line.startswith(START_LINE)]
    return "\n".join(body[-TRACE_TAIL:]).strip()


class CrashGuard:
    def __init__(self, log_dir: Path, pid: int | None = None):
        self.log_dir = Path(log_dir)
        self.pid = pid or os.getpid()
        self.marker = self.log_dir / f"running-{self.pid}.json"
        self.state: dict = {}
        self._fatal: IO[str] | None = None
        self._stderr_trace = False

    def start(self, now: dt.datetime | None = None) -> list[AbnormalExit]:
        """Enable the fatal-error trace, collect earlier runs that died, and mark this run as running."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        found = self.abnormal_exits()
        started = (now or dt.datetime.now(BEIJING)).strftime("%Y-%m-%d %H:%M:%S")
        self._fatal = open(self.log_dir / FATAL_LOG, "a", encoding="utf-8")  # kept open: faulthandler writes into it
        self._fatal.write(f"{START_LINE} pid={self.pid} at {started}\n")
        self._fatal.flush()
        self._stderr_trace = faulthandler.is_enabled()  # e.g. `python -X faulthandler`, pytest
        faulthandler.enable(self._fatal, all_threads=True)
        self.state = {"pid": self.pid, "started_at": started, "user": "", "open": []}
        self._write()
        for old in found:  # reported once: the marker goes, the trace stays in the fatal log
            (self.log_dir / f"running-{old.pid}.json").unlink(missing_ok=True)
        return found

    def abnormal_exits(self) -> list[AbnormalExit]:
        result = []
        for path in sorted(self.log_dir.glob("running-*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                pid = int(data["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # unreadable: nothing to report, nothing to keep
                continue
            if pid == self.pid or _alive(pid):
                continue  # this process, or a second copy of the app still running
            result.append(AbnormalExit(pid=pid, started_at=str(data.get("started_at", "")),
                                       user=str(data.get("user", "")),
                                       open=[str(x) for x in data.get("open", [])][:20],
                                       trace=_last_trace(self.log_dir, pid)))
        return result

    def note_open(self, *, user: str | None = None, open_items: list[str] | None = None) -> None:
        """Record who is signed in and what is shown; writes only when something changed."""
        new = dict(self.state)
        if user is not None:
            new["user"] = user
        if open_items is not None:
            new["open"] = list(open_items)
        if new != self.state:
            self.state = new
            self._write()

    def stop(self) -> None:
        """A clean exit: no marker left behind."""
        self.marker.unlink(missing_ok=True)
        if self._fatal is not None:
            faulthandler.disable()
            if self._stderr_trace and sys.__stderr__ is not None:
                faulthandler.enable(sys.__stderr__, all_threads=True)
            self._fatal.close()
            self._fatal = None

    def _write(self) -> None:
        tmp = self.marker.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self.state, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.marker)
        except OSError:
            pass  # a full disk must not stop the duty room; the fatal trace still works
