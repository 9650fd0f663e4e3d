"""Users, roles and sign-in. Every sign-in attempt is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ..config import SettingKey
from ..domain.accounts import MIN_PASSWORD_LENGTH, check_password, check_username, normalise_username, skeleton
from ..domain.clock import now_or
from ..domain.vocabulary import EXTERNAL_ROLES, Role
from ..store import audit
from ..store.database import Database
from ..store.models import Setting, User, UserRole
from .actor import SYSTEM, Actor, current, rechecked
from .errors import UserError
from .guard import require
from .passwords import dummy_verify, hash_password, verify_password
from .reference_data import set_setting

DEMO_PASSWORD = "dutyroom"  # the demo district's published password: accepted on a demo database only
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
SIGN_OUT_REASONS = ("sign_out", "switch_user", "handover", "exit", "deactivated")


def _minutes_locked(user: User, now: dt.datetime) -> int | None:
    """Whole minutes (rounded up) the account stays locked, or None when it is not locked."""
    if user.locked_until and user.locked_until > now:
        return int((user.locked_until - now).total_seconds() // 60) + 1
    return None


def _count_failure(user: User, now: dt.datetime) -> bool:
    """A wrong password, at sign-in or at unlock: the fifth in a row locks the account. True when it locked."""
    user.failed_logins += 1
    if user.failed_logins < MAX_FAILED_LOGINS:
        return False
    user.locked_until = now + LOCKOUT
    user.failed_logins = 0
    return True


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, frozenset(user.role_keys))


def _locked_row(s, user_id: int) -> User | None:
    """The user's row for counting failures: locked against every other writer (SELECT ... FOR UPDATE on
    PostgreSQL; on SQLite the write transaction holds the database's write lock), read fresh, so parallel
    wrong passwords are each counted (issue 17, finding 6)."""
    return s.execute(select(User).where(User.id == user_id).with_for_update()
                     .execution_options(populate_existing=True)).scalar_one_or_none()


def _find(s, typed: str) -> User | None:
    """The account a typed username names: its normalised form, or (accounts made before names were
    normalised) exactly as typed."""
    name = normalise_username(typed)
    if not name:
        return None
    found = {u.username: u for u in s.scalars(select(User).where(User.username.in_({name, typed.strip()})))}
    return found.get(name) or found.get(typed.strip())


@rechecked
class AuthService:
    # a deactivated user can still be signed out and see the lock screen refuse them
    _ACTOR_AS_IS = ("reauthenticate", "record_session_lock", "sign_out", "current")

    def __init__(self, db: Database):
        self.db = db

    def create_user(self, by: Actor, username: str, display_name: str, password: str, roles: list[str],
                    person_id: int | None = None) -> Actor:
        return self._create(by, username, display_name, password, roles, person_id, demo=False)

    def check_new_user(self, username: str, display_name: str, password: str | None) -> str:
        """The normalised username, or UserError naming what a new account's username, name or password (None: not
        checked) breaks; the first-run wizard asks before its last page, create_user again when it writes."""
        if not display_name.strip():
            raise UserError("用户名和姓名不能为空", "username and name are required")
        username = check_username(username)
        if len(display_name.strip()) > 100:
            raise UserError("姓名最多 100 个字符", "name: at most 100 characters")
        if any(not ch.isprintable() for ch in display_name):
            raise UserError("姓名不能包含控制字符", "the name must not contain control characters")
        if password is not None:
            self._check_password(password, username)
        return username

    def _create(self, by: Actor, username: str, display_name: str, password: str, roles: list[str],
                person_id: int | None, *, demo: bool) -> Actor:
        """`demo`: the demo district's users (services/demo.py), whose published password is exempt from the policy."""
        username = self.check_new_user(username, display_name, None if demo else password)
        for role in roles:
            if role not in Role.__members__ or Role(role) in EXTERNAL_ROLES:
                raise UserError(f"未知或不可分配的角色：{role}", f"unknown or unassignable role: {role}")
        if by is not SYSTEM:
            require(by, "user.manage")
        with self.db.write() as s:
            look = skeleton(username)
            for other in s.scalars(select(User.username)):
                if other == username or skeleton(other) == look:
                    raise UserError(f"用户名 {username} 已存在或与已有用户名 {other} 难以区分",
                                    f"username {username} exists or cannot be told apart from {other}")
            user = User(username=username, display_name=display_name.strip(), password_hash=hash_password(password),
                        person_id=person_id, roles=[UserRole(role=r) for r in sorted(set(roles))])
            s.add(user)
            s.flush()
            audit.record_by(s, by, action="user.create", entity="user",
                            entity_id=user.id, after={"username": username, "display_name": display_name,
                                                   "roles": sorted(set(roles))})
            return _actor(user)

    def login(self, username: str, password: str, now: dt.datetime | None = None) -> Actor:
        """Check the password; failures are counted and audited (committed even though we refuse).

        The password is checked before the write transaction (scrypt takes ~100 ms; the lock is not held for it),
        against a dummy hash when the account does not exist, so an unknown name costs the same work. The count
        and the lock are then decided on the row locked for update. A failure with an unknown name records no
        username: what was typed may be a password typed into the wrong box."""
        now = now_or(now)
        with self.db.read() as s:
            found = _find(s, username)
            user_id, stored = (found.id, found.password_hash) if found is not None else (None, None)
        good = verify_password(password, stored) if stored else dummy_verify(password)
        refusal: UserError | None = None
        with self.db.write() as s:
            user = _locked_row(s, user_id) if user_id is not None else None
            if user is None:  # what was typed is not a username: it is not kept (it may be a password)
                audit.record(s, user_id=None, username="", action="login.failed", entity="user",
                             after={"reason": "unknown user"}, at=now)
                refusal = UserError("用户名或密码错误", "wrong username or password")
            elif not user.active:
                audit.record_by(s, user, action="login.failed", entity="user", entity_id=user.id,
                                after={"reason": "inactive"}, at=now)
                refusal = UserError("用户名或密码错误", "wrong username or password")
            elif (mins := _minutes_locked(user, now)) is not None:
                audit.record_by(s, user, action="login.refused_locked",
                                entity="user", entity_id=user.id, at=now)
                refusal = UserError(f"连续登录失败次数过多，账户已锁定，请 {mins} 分钟后再试",
                                    f"too many failed sign-ins: account locked, try again in {mins} min")
            elif not good or user.password_hash != stored:
                locked = _count_failure(user, now)
                audit.record_by(s, user, action="login.failed", entity="user",
                                entity_id=user.id, after={"locked": locked}, at=now)
                refusal = UserError("用户名或密码错误", "wrong username or password")
            else:
                user.failed_logins = 0
                user.locked_until = None
                audit.record_by(s, user, action="login", entity="user",
                                entity_id=user.id, at=now)
                actor = _actor(user)
        if refusal:
            raise refusal
        return actor

    def current(self, actor: Actor) -> Actor:
        """The signed-in user as the database has them now: PermissionDenied once deactivated, the roles an
        administrator has given or taken since (the GUI refreshes its window with these)."""
        return current(self.db, actor, widen=True)

    def password_min_length(self) -> int:
        """The minimum password length in force: the floor, or more if an administrator raised it."""
        with self.db.read() as s:
            raw = s.scalar(select(Setting.value).where(Setting.key == SettingKey.password_min_length.value))
        try:
            return max(MIN_PASSWORD_LENGTH, int(raw or 0))
        except ValueError:
            return MIN_PASSWORD_LENGTH

    def set_password_min_length(self, by: Actor, length: int) -> int:
        """An administrator raises (never below the floor of 10) the minimum length of new passwords; audited."""
        require(by, "maintenance.settings")
        if not isinstance(length, int) or not MIN_PASSWORD_LENGTH <= length <= 64:
            raise UserError(f"密码最小长度应为 {MIN_PASSWORD_LENGTH}–64 的整数",
                            f"the minimum password length must be a whole number from {MIN_PASSWORD_LENGTH} to 64")
        set_setting(self.db, SettingKey.password_min_length, str(length), by=by)
        return length

    def _check_password(self, password: str, username: str) -> None:
        check_password(password, username, self.password_min_length())

    def has_users(self) -> bool:
        with self.db.read() as s:
            return s.scalar(select(User.id).limit(1)) is not None

    # ------------------------------------------------------------ re-authentication (idle session lock)

    def reauthenticate(self, actor: Actor, password: str, now: dt.datetime | None = None) -> Actor:
        """Unlock an idle session: the same user's password again. Failures count towards the lockout
        exactly like failed sign-ins (5 lock the account); every attempt is audited."""
        now = now_or(now)
        refusal: UserError | None = None
        with self.db.write() as s:
            user = _locked_row(s, actor.id)
            if user is None or not user.active:
                audit.record_by(s, actor, action="session.unlock_refused",
                                entity="user", entity_id=actor.id, after={"reason": "inactive"}, at=now)
                refusal = UserError("该账户已停用，请退出后由其他用户登录", "this account is deactivated; exit and sign in as another user")
            elif (mins := _minutes_locked(user, now)) is not None:
                audit.record_by(s, user, action="session.unlock_refused",
                                entity="user", entity_id=user.id, after={"reason": "locked"}, at=now)
                refusal = UserError(f"连续输入错误次数过多，账户已锁定，请 {mins} 分钟后再试",
                                    f"too many wrong passwords: account locked, try again in {mins} min")
            elif not verify_password(password, user.password_hash):
                locked = _count_failure(user, now)
                audit.record_by(s, user, action="session.unlock_failed",
                                entity="user", entity_id=user.id, after={"locked": locked}, at=now)
                lock_min = int(LOCKOUT.total_seconds() // 60)
                refusal = UserError("密码错误" + (f"，账户已锁定 {lock_min} 分钟" if locked else ""),
                                    "wrong password" + (f"; the account is locked for {lock_min} minutes" if locked else ""))
            else:
                user.failed_logins = 0
                audit.record_by(s, user, action="session.unlock", entity="user",
                                entity_id=user.id, at=now)
                fresh = _actor(user)
        if refusal:
            raise refusal
        return fresh

    def record_session_lock(self, actor: Actor, idle_minutes: int, manual: bool = False) -> None:
        """The screen was locked: after `idle_minutes` without input, or by the user (锁定, Ctrl+L)."""
        with self.db.write() as s:
            audit.record_by(s, actor, action="session.lock", entity="user",
                            entity_id=actor.id, after={"idle_minutes": idle_minutes, **({"manual": True} if manual else {})})

    # ------------------------------------------------------------ sign-out (users change at one seat)

    def sign_out(self, actor: Actor, reason: str = "sign_out", next_user: str | None = None,
                 now: dt.datetime | None = None) -> None:
        """The signed-in user's session at this seat ends: 注销 (sign_out), 切换用户 (switch_user), after a
        handover (handover), or the program exits (exit). `next_user`: who took the seat, when known."""
        if reason not in SIGN_OUT_REASONS:
            raise ValueError(f"unknown sign-out reason {reason!r}")
        after: dict[str, str] = {"reason": reason}
        if next_user:
            after["next_user"] = next_user
        with self.db.write() as s:
            audit.record_by(s, actor, action="logout", entity="user",
                            entity_id=actor.id, after=after, at=now)

    def unchanged_password(self, usernames: list[str], password: str) -> list[str]:
        """The active accounts among `usernames` that still open with `password` (a published default, e.g.
        the demo password), in the order given. Nobody signs in here: nothing is audited or counted."""
        with self.db.read() as s:
            users = {u.username: u for u in s.scalars(select(User).where(User.username.in_(usernames)))}
        return [name for name in usernames
                if (u := users.get(name)) is not None and u.active and verify_password(password, u.password_hash)]

    # ------------------------------------------------------------ user administration (user.manage)

    def list_users(self, by: Actor, include_inactive: bool = True) -> list[UserView]:
        require(by, "user.manage")
        with self.db.read() as s:
            q = select(User).order_by(User.username)
            if not include_inactive:
                q = q.where(User.active.is_(True))
            return [_view(u) for u in s.scalars(q)]

    def set_roles(self, by: Actor, user_id: int, roles: list[str]) -> UserView:
        require(by, "user.manage")
        roles = _check_roles(roles)
        with self.db.write() as s:
            user = _user(s, user_id)
            before = sorted(user.role_keys)
            if Role.admin.value in before and Role.admin.value not in roles:
                _keep_an_admin(s, user)
            user.roles = [UserRole(role=r) for r in roles]
            s.flush()
            audit.record_by(s, by, action="user.roles", entity="user",
                            entity_id=user.id, before={"roles": before}, after={"roles": roles})
            return _view(user)

    def set_active(self, by: Actor, user_id: int, active: bool) -> UserView:
        """Deactivate (never delete: reports name the people who acted) or reactivate a user."""
        require(by, "user.manage")
        with self.db.write() as s:
            user = _user(s, user_id)
            if user.active == active:
                return _view(user)
            if not active:
                if user.id == by.id:
                    raise UserError("不能停用自己的账户", "you cannot deactivate your own account")
                if Role.admin.value in user.role_keys:
                    _keep_an_admin(s, user)
            user.active = active
            audit.record_by(s, by,
                            action="user.activate" if active else "user.deactivate", entity="user", entity_id=user.id,
                            before={"active": not active}, after={"active": active})
            return _view(user)

    def reset_password(self, by: Actor, user_id: int, new_password: str) -> UserView:
        """An administrator sets a new password; the lockout and failure count are cleared."""
        require(by, "user.manage")
        with self.db.read() as s:
            target = _user(s, user_id)
            username, demo = target.username, _is_demo(s)
        if not (demo and _demo_password(new_password)):
            self._check_password(new_password, username)
        with self.db.write() as s:
            user = _user(s, user_id)
            user.password_hash = hash_password(new_password)
            was_locked = user.locked_until is not None
            user.failed_logins, user.locked_until = 0, None
            audit.record_by(s, by, action="user.reset_password", entity="user",
                            entity_id=user.id, after={"unlocked": was_locked})  # never the password or its hash
            return _view(user)

    def unlock(self, by: Actor, user_id: int) -> UserView:
        require(by, "user.manage")
        with self.db.write() as s:
            user = _user(s, user_id)
            if user.locked_until is None and not user.failed_logins:
                return _view(user)
            before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None,
                      "failed_logins": user.failed_logins}
            user.failed_logins, user.locked_until = 0, None
            audit.record_by(s, by, action="user.unlock", entity="user",
                            entity_id=user.id, before=before, after={"locked_until": None, "failed_logins": 0})
            return _view(user)

    def change_own_password(self, actor: Actor, old_password: str, new_password: str,
                            now: dt.datetime | None = None) -> None:
        """A wrong old password counts towards the lockout like a failed sign-in, and is audited."""
        now = now_or(now)
        with self.db.read() as s:
            stored = _user(s, actor.id).password_hash
        good = verify_password(old_password, stored)
        refusal: UserError | None = None
        with self.db.write() as s:
            user = _locked_row(s, actor.id)
            if (mins := _minutes_locked(user, now)) is not None:
                audit.record_by(s, user, action="user.change_password_refused", entity="user", entity_id=user.id,
                                after={"reason": "locked"}, at=now)
                refusal = UserError(f"连续输入错误次数过多，账户已锁定，请 {mins} 分钟后再试",
                                    f"too many wrong passwords: account locked, try again in {mins} min")
            elif not good or user.password_hash != stored:
                locked = _count_failure(user, now)
                audit.record_by(s, user, action="user.change_password_failed", entity="user", entity_id=user.id,
                                after={"locked": locked}, at=now)
                refusal = UserError("原密码错误", "the current password is wrong")
        if refusal:
            raise refusal
        self._check_password(new_password, actor.username)
        with self.db.write() as s:
            user = _user(s, actor.id)
            user.password_hash = hash_password(new_password)
            user.failed_logins = 0
            audit.record_by(s, user, action="user.change_password", entity="user",
                            entity_id=user.id, at=now)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    locked_until: dt.datetime | None
    failed_logins: int
    created_at: dt.datetime | None

    def locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > now_or(now)


def _view(user: User) -> UserView:
    return UserView(user.id, user.username, user.display_name, tuple(sorted(user.role_keys)), bool(user.active),
                    user.locked_until, user.failed_logins or 0, user.created_at)


def _user(s, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise UserError(f"用户 {user_id} 不存在", f"user {user_id} does not exist")
    return user


def _is_demo(s) -> bool:
    return s.scalar(select(Setting.value).where(Setting.key == SettingKey.demo.value)) == "1"


def _demo_password(password: str) -> bool:
    return password == DEMO_PASSWORD


def _check_roles(roles: list[str]) -> list[str]:
    if not roles:
        raise UserError("至少分配一个角色", "assign at least one role")
    for role in roles:
        if role not in Role.__members__ or Role(role) in EXTERNAL_ROLES:
            raise UserError(f"未知或不可分配的角色：{role}", f"unknown or unassignable role: {role}")
    return sorted(set(roles))


def _keep_an_admin(s, leaving: User) -> None:
    """Refuse a change that would leave nobody able to manage users."""
    others = s.scalar(select(func.count()).select_from(User).join(UserRole).where(
        UserRole.role == Role.admin.value, User.active.is_(True), User.id != leaving.id))
    if not others:
        raise UserError("这是最后一个在用的系统管理员，不能停用或取消其管理员角色",
                        "this is the last active administrator; it cannot be deactivated or lose the admin role")
