"""Issue 17, finding 5: the command line had no sign-in. `contacts import` and `restore` ran as a built-in "cli"
office director, `restore` wrote no audit entry, and `init --demo` on a real database added admin/dutyroom and
every approver with the demo password (or half-filled it with 55 made-up people and then failed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from dutyroom.cli import main
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.reference_data import get_setting
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry, Person, User
from tests.helpers.cli import as_user
from tests.services.test_contacts_excel import HEADER, ROWS, workbook_bytes

ROOT = Path(__file__).resolve().parents[2]


def _count(db, model, *where) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _actions(db) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(e.username, e.action) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_contacts_import_needs_a_sign_in_and_the_rights(directory, tmp_path, capsys):
    url = directory.db.url
    sheet = tmp_path / "in.xlsx"
    sheet.write_bytes(workbook_bytes(HEADER, ROWS[:4]))
    people = _count(directory.db, Person)
    assert main(["contacts", "import", str(sheet), "--db", url]) == 2
    assert "--user" in capsys.readouterr().err
    assert main(["contacts", "import", str(sheet), "--db", url, *as_user("tangjun", "wrong-password-9", tmp_path)]) == 2
    assert "用户名或密码错误" in capsys.readouterr().err
    assert main(["contacts", "import", str(sheet), "--db", url, *as_user("zhouning", folder=tmp_path)]) == 2
    assert "无权导入通讯录" in capsys.readouterr().err  # a duty officer may not import (contacts.import)
    assert _count(directory.db, Person) == people  # nothing imported so far
    assert main(["contacts", "import", str(sheet), "--db", url, *as_user("tangjun", folder=tmp_path)]) in (0, 1)
    assert _count(directory.db, Person) > people  # the office director imports the good rows
    actions = _actions(directory.db)
    assert ("tangjun", "login.failed") in actions and ("tangjun", "login") in actions
    assert not any(name == "cli" for name, _ in actions)  # no built-in command-line user any more
    assert any(name == "tangjun" and action.startswith("contacts.") for name, action in actions)


def test_reading_personal_data_needs_a_sign_in(room, tmp_path, capsys):
    assert main(["roster", "now", "--db", room.url]) == 2
    assert main(["contacts", "search", "区", "--db", room.url]) == 2
    assert main(["roster", "now", "--db", room.url, *as_user("zhouning", folder=tmp_path)]) == 0


def test_restore_needs_an_administrator_and_is_audited_with_a_safety_copy(demo_db, tmp_path, capsys):
    from dutyroom.store.backup import backup_to

    backup = backup_to(demo_db, tmp_path / "b.db")
    url = demo_db.url
    demo_db.dispose()
    assert main(["restore", str(backup), "--db", url, *as_user("tangjun", folder=tmp_path)]) == 2
    assert "无权恢复备份" in capsys.readouterr().err
    assert not list((tmp_path / "dutyroom-backups").glob("*prerestore*.db"))  # refused before anything was kept
    assert main(["restore", str(backup), "--db", url, *as_user("admin", folder=tmp_path)]) == 0
    # replaced in place (issue 17): the replaced content is the safety copy taken inside the live file's lock
    kept = next(p for p in (tmp_path / "dutyroom-backups").glob("*prerestore*.db"))
    before = Database(f"sqlite:///{kept}")
    after = Database(url)
    try:
        assert ("admin", "backup.restore") in _actions(before)  # recorded in the database it replaced
        assert ("admin", "backup.restored") in _actions(after)  # and in the restored one
    finally:
        before.dispose()
        after.dispose()


def test_backup_needs_its_permission_and_is_audited(demo_db, tmp_path, capsys):
    url = demo_db.url
    assert main(["backup", str(tmp_path / "x.db"), "--db", url, *as_user("zhouning", folder=tmp_path)]) == 2
    assert not (tmp_path / "x.db").exists()
    assert main(["backup", str(tmp_path / "x.db"), "--db", url, *as_user("admin", folder=tmp_path)]) == 0
    assert ("admin", "backup.run") in _actions(demo_db)


def test_init_demo_refuses_a_real_database_and_adds_nobody(db, tmp_path, capsys):
    auth = AuthService(db)
    admin = auth.create_user(SYSTEM, "admin", "林管理", "blue-kite-harbour-7", ["admin"])
    auth.create_user(admin, "lin.xiaoyu", "林晓雨", "blue-kite-harbour-7", ["duty_officer"])
    people, users = _count(db, Person), _count(db, User)
    assert main(["init", "--db", db.url, "--demo"]) == 2
    err = capsys.readouterr().err
    assert "已有正式用户" in err and "lin.xiaoyu" in err
    assert main(["init", "--db", db.url, "--demo", *as_user("admin", "blue-kite-harbour-7", tmp_path)]) == 2
    assert (_count(db, Person), _count(db, User)) == (people, users)
    assert get_setting(db, "demo") is None
    assert auth.unchanged_password(["admin", "zhouning", "hanyu"], "dutyroom") == []


def test_init_on_a_real_database_needs_an_administrator(db, tmp_path, capsys):
    auth = AuthService(db)
    admin = auth.create_user(SYSTEM, "admin", "林管理", "blue-kite-harbour-7", ["admin"])
    auth.create_user(admin, "lin.xiaoyu", "林晓雨", "blue-kite-harbour-7", ["duty_officer"])
    assert main(["init", "--db", db.url, "--profile", "pinggu"]) == 2
    assert main(["init", "--db", db.url, "--profile", "pinggu", *as_user("lin.xiaoyu", "blue-kite-harbour-7",
                                                                          tmp_path)]) == 2
    assert get_setting(db, "profile") != "pinggu"
    assert main(["init", "--db", db.url, "--profile", "pinggu", *as_user("admin", "blue-kite-harbour-7", tmp_path)]) == 0
    assert get_setting(db, "profile") == "pinggu"


def test_a_new_demo_database_is_marked_and_scripts_sign_in_through_the_password_file_variable(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {**os.environ}
    made = subprocess.run([sys.executable, "-m", "dutyroom", "init", "--db", url, "--demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert made.returncode == 0, made.stderr
    db = Database(url)
    try:
        assert get_setting(db, "demo") == "1"
    finally:
        db.dispose()
    secret = tmp_path / "pw"
    secret.write_text("dutyroom\n", encoding="utf-8")
    env["DUTYROOM_PASSWORD_FILE"] = str(secret)
    now = subprocess.run([sys.executable, "-m", "dutyroom", "roster", "now", "--db", url, "--user", "zhouning"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert now.returncode == 0, now.stderr
    assert "当前班次" in now.stdout


def test_setup_app_opens_a_demo_database_of_its_own():
    script = (ROOT / "setup.sh").read_text(encoding="utf-8")
    app = script[script.index("  app)"):script.index("  test)")]
    assert "init --demo --db \"$DEMO_DB\"" in app and "/demo.db" in app
    assert 'export DUTYROOM_DB="$DEMO_DB"' in app
    assert app.index("export DUTYROOM_DB") < app.index("main.py")


def test_a_password_file_others_can_read_is_pointed_out(room, tmp_path, capsys):
    args = as_user("zhouning", folder=tmp_path)
    Path(args[-1]).chmod(0o644)
    assert main(["roster", "now", "--db", room.url, *args]) == 0
    assert "chmod 600" in capsys.readouterr().err
    missing = ["--user", "zhouning", "--password-file", str(tmp_path / "nope.txt")]
    assert main(["roster", "now", "--db", room.url, *missing]) == 2
    assert "无法读取密码文件" in capsys.readouterr().err
