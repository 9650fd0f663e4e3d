"""Issue 18: typing Chinese in the bundle on fcitx desktops (UOS, Kylin). The bundled Qt has no fcitx plugin and a
system's fcitx plugin does not load into it (private Qt API), so where the desktop asks for fcitx the program asks
for ibus, which fcitx5 also serves (its IBus frontend); ui/input_method.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutyroom.ui import input_method
from dutyroom.ui.input_method import input_module_for, use_available_input_method


@pytest.fixture
def bundled_qt(tmp_path) -> list[Path]:
    """A plugin folder like the bundle's: ibus and compose, no fcitx."""
    contexts = tmp_path / "plugins" / "platforminputcontexts"
    contexts.mkdir(parents=True)
    for name in ("libibusplatforminputcontextplugin.so", "libcomposeplatforminputcontextplugin.so"):
        (contexts / name).write_bytes(b"")
    return [tmp_path / "plugins"]


@pytest.mark.parametrize("env", [
    {"QT_IM_MODULE": "fcitx"},  # UOS, Kylin, Debian with im-config
    {"QT_IM_MODULE": "fcitx5"},
    {"XMODIFIERS": "@im=fcitx"},  # no Qt variable, but fcitx is the desktop's daemon
    {"GTK_IM_MODULE": "fcitx"},
    {"QT_IM_MODULES": "wayland;fcitx"},  # Qt 6.7+ list
])
def test_a_fcitx_desktop_gets_the_ibus_module_the_bundle_has(bundled_qt, env):
    assert input_module_for(env, bundled_qt, "linux") == "ibus"


@pytest.mark.parametrize("env", [{}, {"QT_IM_MODULE": "ibus"}, {"QT_IM_MODULE": "xim", "XMODIFIERS": "@im=fcitx"},
                                 {"QT_IM_MODULES": "wayland;fcitx;ibus"}])
def test_other_desktops_keep_their_choice(bundled_qt, env):
    assert input_module_for(env, bundled_qt, "linux") is None


def test_a_fcitx_plugin_built_for_this_qt_is_used_when_there(bundled_qt):
    (bundled_qt[0] / "platforminputcontexts" / "libfcitx5platforminputcontextplugin.so").write_bytes(b"")
    assert input_module_for({"QT_IM_MODULE": "fcitx"}, bundled_qt, "linux") is None


def test_windows_is_left_to_the_system_ime(bundled_qt):
    assert input_module_for({"QT_IM_MODULE": "fcitx"}, bundled_qt, "win32") is None


def test_the_administrator_can_override(bundled_qt):
    assert input_module_for({"QT_IM_MODULE": "fcitx", "DUTYROOM_IM_MODULE": "fcitx"}, bundled_qt, "linux") == "fcitx"


def test_the_environment_is_changed_before_qt_starts(bundled_qt, monkeypatch, tmp_path):
    """A machine with fcitx5 only (no ibus-daemon on the PATH): Qt's ibus plugin must use the IBus portal name,
    which fcitx5 holds; otherwise the plugin disables itself (qibusplatforminputcontext.cpp)."""
    monkeypatch.setattr(input_method, "qt_plugin_dirs", lambda env: bundled_qt)
    monkeypatch.setattr(input_method.sys, "platform", "linux")
    env = {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "wayland;fcitx", "XMODIFIERS": "@im=fcitx", "PATH": str(tmp_path)}
    assert use_available_input_method(env) == "ibus"
    assert env == {"QT_IM_MODULE": "ibus", "QT_IM_MODULES": "wayland;ibus", "XMODIFIERS": "@im=fcitx",
                   "PATH": str(tmp_path), "IBUS_USE_PORTAL": "1"}


def test_with_an_ibus_daemon_installed_the_address_file_is_used(bundled_qt, monkeypatch, tmp_path):
    daemon = tmp_path / "ibus-daemon"
    daemon.write_text("#!/bin/sh\n")
    daemon.chmod(0o755)
    monkeypatch.setattr(input_method, "qt_plugin_dirs", lambda env: bundled_qt)
    monkeypatch.setattr(input_method.sys, "platform", "linux")
    env = {"QT_IM_MODULE": "fcitx", "PATH": str(tmp_path)}
    assert use_available_input_method(env) == "ibus" and "IBUS_USE_PORTAL" not in env


def test_the_real_pyside6_has_no_fcitx_plugin():
    """The premise: if a PySide6 release ever ships a fcitx plugin, the switch is no longer needed (and is skipped)."""
    dirs = input_method.qt_plugin_dirs({})
    assert input_method.has_plugin(dirs, "ibus")
    assert not input_method.has_plugin(dirs, "fcitx")
