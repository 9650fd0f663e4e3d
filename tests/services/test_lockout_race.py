"""Issue 17, finding 6: the lockout raced on PostgreSQL. 12 wrong passwords at once were all refused, but each
transaction wrote back the count it had read: `failed_logins` ended at 1 and the right password still worked.
Failures are now counted on the user's row locked for update (SQLite: the write lock)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from dutyroom.services.auth import MAX_FAILED_LOGINS, AuthService
from dutyroom.services.errors import UserError
from dutyroom.store.models import AuditEntry, User

pytestmark = pytest.mark.both_backends

ATTEMPTS = 12


def _race(auth: AuthService, username: str, password: str) -> list[str]:
    start = threading.Barrier(ATTEMPTS)
    answers: list[str] = []

    def attempt():
        start.wait()
        try:
            auth.login(username, password)
            answers.append("ok")
        except UserError as exc:
            answers.append(exc.zh)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def test_twelve_parallel_wrong_passwords_lock_the_account(people):
    auth, _admin, officer = people
    answers = _race(auth, "zhouning", "not-the-password")
    assert len(answers) == ATTEMPTS and "ok" not in answers
    with auth.db.read() as s:
        user = s.get(User, officer.id)
        failures = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.user_id == officer.id, AuditEntry.action.in_(("login.failed", "login.refused_locked"))))
    assert user.locked_until is not None  # the fifth counted failure locked it
    assert failures == ATTEMPTS  # every attempt is in the audit log
    with pytest.raises(UserError, match="已锁定"):
        auth.login("zhouning", "duty-pass-2026")  # the right password no longer opens it


def test_four_parallel_wrong_passwords_count_four(people):
    auth, _admin, officer = people
    start = threading.Barrier(MAX_FAILED_LOGINS - 1)

    def attempt():
        start.wait()
        with pytest.raises(UserError):
            auth.login("zhouning", "not-the-password")

    threads = [threading.Thread(target=attempt) for _ in range(MAX_FAILED_LOGINS - 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with auth.db.read() as s:
        assert s.get(User, officer.id).failed_logins == MAX_FAILED_LOGINS - 1
    assert auth.login("zhouning", "duty-pass-2026").username == "zhouning"  # below the limit: still opens
