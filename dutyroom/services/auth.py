"""Users, roles and sign-in. Every sign-in attempt is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..domain.vocabulary import EXTERNAL_ROLES, Role
from ..store import audit
from ..store.database import Database
from ..store.models import User, UserRole
from .errors import UserError
from .passwords import hash_password, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them."""

    id: int
    username: str
    display_name: str
    roles: frozenset[str]

    def has(self, role: Role | str) -> bool:
        return str(role) in self.roles


SYSTEM = Actor(id=0, username="system", display_name="系统", roles=frozenset({Role.admin.value}))


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, frozenset(user.role_keys))


class AuthService:
    def __init__(self, db: Database):
        self.db = db

    def create_user(self, by: Actor, username: str, display_name: str, password: str, roles: list[str],
                    person_id: int | None = None) -> Actor:
        username = username.strip()
        if not username or not display_name.strip():
            raise UserError("用户名和姓名不能为空", "username and name are required")
        if len(password) < 8:
            raise UserError("密码至少 8 位", "password must have at least 8 characters")
        for role in roles:
            if role not in Role.__members__ or Role(role) in EXTERNAL_ROLES:
                raise UserError(f"未知或不可分配的角色：{role}", f"unknown or unassignable role: {role}")
        if by is not SYSTEM and not by.has(Role.admin):
            raise UserError("只有系统管理员可以创建用户", "only an administrator can create users")
        with self.db.write() as s:
            if s.scalar(select(User).where(User.username == username)):
                raise UserError(f"用户名 {username} 已存在", f"username {username} already exists")
            user = User(username=username, display_name=display_name.strip(), password_hash=hash_password(password),
                        person_id=person_id, roles=[UserRole(role=r) for r in sorted(set(roles))])
            s.add(user)
            s.flush()
            audit.record(s, user_id=by.id or None, username=by.username, action="user.create", entity="user",
                         entity_id=user.id, after={"username": username, "display_name": display_name,
                                                   "roles": sorted(set(roles))})
            return _actor(user)

    def login(self, username: str, password: str, now: dt.datetime | None = None) -> Actor:
        """Check the password; failures are counted and audited (committed even though we refuse)."""
        now = now or dt.datetime.now(dt.UTC)
        refusal: UserError | None = None
        with self.db.write() as s:
            user = s.scalar(select(User).where(User.username == username.strip()))
            if user is None or not user.active:
                audit.record(s, user_id=None, username=username[:64], action="login.failed", entity="user",
                             after={"reason": "unknown user"}, at=now)
                refusal = UserError("用户名或密码错误", "wrong username or password")
            elif user.locked_until and user.locked_until > now:
                audit.record(s, user_id=user.id, username=user.username, action="login.refused_locked",
                             entity="user", entity_id=user.id, at=now)
                mins = int((user.locked_until - now).total_seconds() // 60) + 1
                refusal = UserError(f"连续登录失败次数过多，账户已锁定，请 {mins} 分钟后再试",
                                    f"too many failed sign-ins: account locked, try again in {mins} min")
            elif not verify_password(password, user.password_hash):
                user.failed_logins += 1
                locked = user.failed_logins >= MAX_FAILED_LOGINS
                if locked:
                    user.locked_until = now + LOCKOUT
                    user.failed_logins = 0
                audit.record(s, user_id=user.id, username=user.username, action="login.failed", entity="user",
                             entity_id=user.id, after={"locked": locked}, at=now)
                refusal = UserError("用户名或密码错误", "wrong username or password")
            else:
                user.failed_logins = 0
                user.locked_until = None
                audit.record(s, user_id=user.id, username=user.username, action="login", entity="user",
                             entity_id=user.id, at=now)
                actor = _actor(user)
        if refusal:
            raise refusal
        return actor

    def has_users(self) -> bool:
        with self.db.read() as s:
            return s.scalar(select(User.id).limit(1)) is not None
