"""Issue 17, finding 4: sessions outlive their rights. Services trusted the Actor taken at sign-in: a deactivated
user kept backing up, a supervisor demoted to duty officer still signed step 1 of an orange warning. Every service
command now re-reads the user's active flag and roles (services/actor.current, one indexed query)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import dutyroom.services
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import PermissionDenied
from dutyroom.services.maintenance import MaintenanceService
from tests.helpers.warnings import content

pytestmark = pytest.mark.both_backends


def _first_sign_off(w, colour="orange"):
    view = w.svc.submit(w.u["author"], w.svc.draft(w.u["author"], content(colour)).id)
    step = view.steps[0]
    assert step.kind == "sign_off"
    return view, step


def test_a_demoted_supervisor_cannot_sign_step_one_of_an_orange_warning(world):
    w = world("dongcheng")
    view, step = _first_sign_off(w)
    signer = w.u[step.role]
    admin = w.u["outsider"]  # holds admin
    AuthService(w.db).set_roles(admin, signer.id, ["duty_officer"])  # at another seat, while the signer is signed in
    with pytest.raises(PermissionDenied) as refused:
        w.svc.approve(signer, view.id, "同意")
    assert "不是" in refused.value.zh
    assert w.svc.get(view.id).next_step == 1  # nothing was signed


def test_a_deactivated_user_is_refused_every_command(world):
    w = world("dongcheng")
    view, step = _first_sign_off(w)
    signer = w.u[step.role]
    AuthService(w.db).set_active(w.u["outsider"], signer.id, False)
    with pytest.raises(PermissionDenied, match="已停用"):
        w.svc.approve(signer, view.id, "同意")
    with pytest.raises(PermissionDenied, match="已停用"):
        w.svc.draft(w.u[step.role], content("blue"))
    with pytest.raises(PermissionDenied, match="已停用"):
        w.svc.approval_queue(signer)


def test_a_role_given_after_sign_in_waits_for_the_refreshed_session(world):
    """Re-reading never widens the snapshot on its own: the GUI refreshes the window (AuthService.current)."""
    from dutyroom.services.actor import current

    w = world("dongcheng")
    auth = AuthService(w.db)
    desk = w.u["desk"]
    auth.set_roles(w.u["outsider"], desk.id, ["duty_officer", "office_director"])
    assert current(w.db, desk).roles == {"duty_officer"}
    assert auth.current(desk).roles == {"duty_officer", "office_director"}


def test_a_deactivated_administrator_cannot_back_up(people, tmp_path):
    auth, admin, _officer = people
    other = auth.create_user(admin, "admin2", "第二管理员", "duty-pass-2026", ["admin"])
    svc = MaintenanceService(auth.db)
    if not auth.db.is_sqlite:
        pytest.skip("PostgreSQL is backed up with pg_dump")
    svc.backup_now(other)  # works while active
    auth.set_active(admin, other.id, False)
    before = sorted(svc.backup_dir().glob("dutyroom-*.db"))
    with pytest.raises(PermissionDenied, match="已停用"):
        svc.backup_now(other)
    assert sorted(svc.backup_dir().glob("dutyroom-*.db")) == before


def test_sign_out_still_works_for_a_deactivated_user(people):
    auth, admin, officer = people
    auth.set_active(admin, officer.id, False)
    auth.sign_out(officer, "sign_out")  # the GUI signs them out: that must not be refused
    with pytest.raises(PermissionDenied):
        auth.current(officer)


def test_system_is_the_program_and_is_not_rechecked(db):
    from dutyroom.services.actor import current

    assert current(db, SYSTEM) is SYSTEM


def _service_classes():
    for info in pkgutil.iter_modules(dutyroom.services.__path__):
        module = importlib.import_module(f"dutyroom.services.{info.name}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__ and "__init__" in vars(cls):
                yield cls


def test_every_service_command_that_takes_the_acting_user_rechecks_it():
    from dutyroom.services.actor import ACTOR_PARAMETERS

    unchecked = []
    for cls in _service_classes():
        as_is = set(getattr(cls, "_ACTOR_AS_IS", ()))
        for name, fn in vars(cls).items():
            if name.startswith("_") or name in as_is or not inspect.isfunction(fn):
                continue
            params = inspect.signature(fn).parameters
            if any(p in params for p in ACTOR_PARAMETERS) and not getattr(fn, "rechecks_actor", False):
                unchecked.append(f"{cls.__name__}.{name}")
    assert unchecked == []
