"""Typing Chinese on fcitx desktops (issue 18): which Qt input-method module the window asks for.

UOS, Kylin and most Chinese desktops run fcitx (fcitx5 today) and set QT_IM_MODULE=fcitx. The Qt that PySide6
carries (and so the bundle) has only the ibus and compose input-context plugins; a system's fcitx plugin is built
against that system's Qt and uses Qt's private API, so it does not load (measured: Debian 12's
fcitx5-frontend-qt6, built for Qt 6.4, fails in Qt 6.11 on an undefined private symbol of QWindowSystemInterface).
Asked for a plugin it does not have, Qt falls back to no input method: no Chinese.

fcitx5 speaks the ibus protocol as well: its IBus frontend (libibusfrontend, in fcitx5-modules, which fcitx5
depends on) takes the org.freedesktop.IBus and org.freedesktop.portal.IBus names and writes the ibus address file
(~/.config/ibus/bus/…). So when the desktop asks for fcitx and no fcitx plugin is at hand, the program asks for
ibus instead. Qt's ibus plugin disables itself when no `ibus-daemon` program is on the PATH (a machine with fcitx5
only) unless IBUS_USE_PORTAL is set; then it talks to the portal name on the session bus, which fcitx5 holds. So
IBUS_USE_PORTAL=1 is set too where there is no ibus-daemon. Measured with Debian 12's fcitx5 5.0.21 under Xvfb and
this Qt 6.11: without IBUS_USE_PORTAL no input context; with it fcitx5 lists one (frontend ibus, focus on the line
edit). fcitx 4 has no such frontend: there, typing Chinese needs fcitx5 or ibus (README).

`DUTYROOM_IM_MODULE` overrides the choice (e.g. `fcitx` after putting a plugin built for this Qt in the folder)."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterable, MutableMapping
from pathlib import Path

from ..config import process_environment

log = logging.getLogger("dutyroom")

FCITX = ("fcitx", "fcitx5")


def _asks_for_fcitx(env: MutableMapping[str, str]) -> bool:
    requested = env.get("QT_IM_MODULE", "").strip().lower()
    if requested:
        return requested in FCITX
    listed = [m.strip().lower() for m in env.get("QT_IM_MODULES", "").split(";") if m.strip()]
    if listed:
        return any(m in FCITX for m in listed) and "ibus" not in listed
    # nothing for Qt: the desktop's other input-method variables say which daemon runs
    return "@im=fcitx" in env.get("XMODIFIERS", "").lower() or env.get("GTK_IM_MODULE", "").lower() in FCITX


def has_plugin(plugin_dirs: Iterable[Path], name: str) -> bool:
    """Whether a platforminputcontexts plugin whose file name contains `name` is in one of the plugin folders."""
    for folder in plugin_dirs:
        contexts = Path(folder) / "platforminputcontexts"
        if contexts.is_dir() and any(name in p.name.lower() for p in contexts.iterdir()):
            return True
    return False


def input_module_for(env: MutableMapping[str, str], plugin_dirs: Iterable[Path], platform: str = sys.platform) -> str | None:
    """The QT_IM_MODULE to set, or None to leave the desktop's choice alone."""
    override = env.get("DUTYROOM_IM_MODULE", "").strip()
    if override:
        return override
    if not platform.startswith("linux"):  # Windows: Qt talks to the system's IME itself
        return None
    if _asks_for_fcitx(env) and not has_plugin(plugin_dirs, "fcitx"):
        return "ibus"
    return None


def qt_plugin_dirs(env: MutableMapping[str, str]) -> list[Path]:
    from PySide6.QtCore import QLibraryInfo  # QtCore only: no application exists yet

    extra = [Path(p) for p in env.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    return [*extra, Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))]


def use_available_input_method(env: MutableMapping[str, str] | None = None) -> str | None:
    """Before the QApplication exists: ask for an input method this Qt can load (see the module's note)."""
    env = process_environment() if env is None else env
    choice = input_module_for(env, qt_plugin_dirs(env))
    if choice and choice != env.get("QT_IM_MODULE"):
        log.info("input method: QT_IM_MODULE=%s (the desktop asked for %s)", choice,
                 env.get("QT_IM_MODULE") or env.get("QT_IM_MODULES") or env.get("XMODIFIERS") or "nothing")
        env["QT_IM_MODULE"] = choice
        if choice == "ibus" and "IBUS_USE_PORTAL" not in env and shutil.which("ibus-daemon", path=env.get("PATH")) is None:
            env["IBUS_USE_PORTAL"] = "1"  # fcitx5 only: Qt's plugin needs the portal to talk to it (module note)
        if env.get("QT_IM_MODULES"):  # Qt 6.7+ reads the list first: fcitx there becomes the choice, the rest stays
            listed = [choice if m.strip().lower() in FCITX else m.strip() for m in env["QT_IM_MODULES"].split(";")]
            env["QT_IM_MODULES"] = ";".join(dict.fromkeys(m for m in listed if m))
    return choice
