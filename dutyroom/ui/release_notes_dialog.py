"""版本说明, once after an upgrade (services/release_notes.py decides what is new for this database)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ..services.actor import Actor
from ..services.release_notes import Release, ReleaseNotesService
from .i18n import tr


def release_text(releases: list[Release]) -> str:
    parts = []
    for r in releases:
        parts.append(tr("{version} 版（{date}）").format(version=r.version, date=f"{r.date:%Y-%m-%d}"))
        parts += [f"  · {n}" for n in r.notes]
    return "\n".join(parts)


def show_release_notes_once(parent: QWidget | None, service: ReleaseNotesService, actor: Actor) -> QMessageBox | None:
    """Show what changed since this database last ran (nothing on a new or up-to-date one). The box does not block:
    the program runs (and a shutdown is heard) while it is open; closing it records the notes as seen."""
    new = service.unseen()
    if not new:
        return None
    box = QMessageBox(QMessageBox.Icon.Information, tr("版本说明"),
                      tr("程序已升级，数据库已保留并升级（升级前的副本在备份目录中）。本次更新："), parent=parent)
    box.setInformativeText(release_text(new))
    box.finished.connect(lambda _code: service.mark_seen(actor))
    box.open()
    return box
