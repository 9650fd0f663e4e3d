"""The installation's own facts, chosen once at first start (首次使用向导, issue 18) and kept in the database:
the jurisdiction (which rule profile), the issuing organisation printed in the red header (发文机关标志) and its
代字 for document numbers (东应急 → 东应急报〔2026〕12号), and optionally the roster's 排班方式 (24-hour shifts or
day and night shifts: the default the roster page generates with, since no officer exists yet). No environment
variable is needed for any of it; DUTYROOM_PROFILE stays a developer's default for databases that never chose.

Databases made before this existed fall back to what the profile's name gives (北京市东城区应急管理局, 东应急)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..config import SettingKey
from ..domain import rotation as rot
from ..domain.profile_loader import available_profiles, load_profile
from ..domain.profile_schema import Profile
from ..domain.text import clean_text
from ..store import audit
from ..store.database import Database
from .actor import SYSTEM, Actor, rechecked
from .auth import AuthService
from .errors import UserError
from .guard import require
from .reference_data import get_setting, load_reference_data, put_setting

ORG_NAME_MAX, ORG_SHORT_MAX = 40, 8


@dataclass(frozen=True)
class ProfileChoice:
    """One shipped profile as the first-run page lists it."""

    key: str
    name: str
    version: str
    effective_from: dt.date | None
    title: str

    @property
    def label(self) -> str:
        since = f"，{self.effective_from:%Y-%m-%d}起施行" if self.effective_from else ""
        return f"{self.name}（{self.title}，{self.version}版{since}）"


@dataclass(frozen=True)
class Letterhead:
    """What official documents print for the issuing organisation."""

    name: str  # 北京市东城区应急管理局 (发文机关标志, 署名)
    short: str  # 东应急 (发文机关代字: 东应急报〔2026〕12号, 东应急预〔2026〕3号)


@dataclass(frozen=True)
class FirstRun:
    profile: str
    organisation: str
    short: str
    admin_username: str
    admin_name: str
    admin_password: str
    contacts_workbook: Path | None = None
    roster_pattern: str | None = None  # domain/rotation.PATTERNS key; None: chosen on the roster page when first used


def profile_choices() -> list[ProfileChoice]:
    out = []
    for key in available_profiles():
        p = load_profile(key)
        out.append(ProfileChoice(key, p.name, p.version, p.effective_from, p.source.title))
    return out


def default_letterhead(profile: Profile) -> Letterhead:
    """The organisation a profile's name suggests: 东城区 → 北京市东城区应急管理局 / 东应急; the city → 北京市应急管理局 / 京应急."""
    name = profile.name or ""
    if name.startswith("北京"):
        return Letterhead("北京市应急管理局", "京应急")
    return Letterhead(f"北京市{name}应急管理局", f"{name[:1]}应急")


def letterhead(db: Database, profile: Profile) -> Letterhead:
    """The organisation chosen at setup (or since, by an administrator); the profile's default where none was."""
    fallback = default_letterhead(profile)
    return Letterhead(get_setting(db, SettingKey.organisation) or fallback.name,
                      get_setting(db, SettingKey.organisation_short) or fallback.short)


def _clean_letterhead(name: str, short: str) -> Letterhead:
    name = clean_text(name, field=("发文机关名称", "organisation"), max_len=ORG_NAME_MAX, required=True)
    short = clean_text(short, field=("发文机关代字", "organisation code"), max_len=ORG_SHORT_MAX, required=True)
    if any(c in short for c in "〔〕[]()（）0123456789 "):
        raise UserError(f"发文机关代字只写代字本身（如“东应急”），不含年份、括号或序号：{short}",
                        f"the organisation code is the code alone (e.g. 东应急), without year, brackets or number: {short}")
    return Letterhead(name, short)


def _profile_key(key: str) -> str:
    if key not in available_profiles():  # a name from the shipped list, never a path
        raise UserError(f"没有名为“{key}”的规则配置", f"no rule profile named {key!r}")
    return key


@rechecked
class InstallationService:
    def __init__(self, db: Database):
        self.db = db

    def needs_setup(self) -> bool:
        """An empty database (no user yet): the first start opens the setup."""
        return not AuthService(self.db).has_users()

    def proposed_profile_key(self) -> str | None:
        """A profile already set (`init --profile`) is what the setup proposes first (None: none usable is set)."""
        key = get_setting(self.db, SettingKey.profile)
        return key if key in available_profiles() else None

    def check_admin(self, username: str, name: str, password: str) -> None:
        """The administrator page's answers, checked before the wizard moves on (setup checks them again)."""
        AuthService(self.db).check_new_user(username, name, password)

    def setup(self, choice: FirstRun) -> Actor:
        """Jurisdiction, letterhead and the first administrator; the contacts workbook and the roster's 排班方式
        (the pattern the roster page starts with: the officers do not exist yet) when given.

        Everything is checked before anything is written; the settings go in one transaction after the
        administrator exists (a refused password leaves the database as empty as it was)."""
        if not self.needs_setup():
            raise UserError("本数据库已完成首次设置；请由系统管理员在“系统维护”中修改。",
                            "this database is already set up; an administrator changes it on the maintenance page.")
        key = _profile_key(choice.profile)
        head = _clean_letterhead(choice.organisation, choice.short)
        if choice.roster_pattern is not None and choice.roster_pattern not in rot.PATTERNS:
            raise UserError(f"未知的排班方式：{choice.roster_pattern}", f"unknown shift pattern: {choice.roster_pattern}")
        if choice.contacts_workbook is not None and not Path(choice.contacts_workbook).is_file():
            raise UserError(f"找不到通讯录文件：{choice.contacts_workbook}", f"contacts workbook not found: {choice.contacts_workbook}")
        profile = load_profile(key)
        admin = AuthService(self.db).create_user(SYSTEM, choice.admin_username, choice.admin_name,
                                                 choice.admin_password, ["admin"])
        with self.db.write() as s:
            put_setting(s, admin, SettingKey.profile, key)
            put_setting(s, admin, SettingKey.organisation, head.name)
            put_setting(s, admin, SettingKey.organisation_short, head.short)
            put_setting(s, admin, SettingKey.release_seen, __version__)  # a new installation has no 版本说明 to show
            if choice.roster_pattern is not None:
                put_setting(s, admin, SettingKey.roster_pattern, choice.roster_pattern)
            audit.record_by(s, admin, action="installation.setup", entity="setting", entity_id=key,
                            after={"profile": key, "profile_version": profile.version, "organisation": head.name,
                                   "short": head.short, "roster_pattern": choice.roster_pattern})
        load_reference_data(self.db, profile)
        if choice.contacts_workbook is not None:
            from .contacts_excel import ContactsExcel

            ContactsExcel(self.db).import_file(admin, str(choice.contacts_workbook))
        return admin

    def change_letterhead(self, actor: Actor, name: str, short: str) -> Letterhead:
        """An administrator renames the organisation (audited; documents printed before keep what they printed)."""
        require(actor, "maintenance.settings")
        head = _clean_letterhead(name, short)
        with self.db.write() as s:
            put_setting(s, actor, SettingKey.organisation, head.name)
            put_setting(s, actor, SettingKey.organisation_short, head.short)
        return head

    def current_profile(self) -> Profile:
        """The jurisdiction chosen for this database (DUTYROOM_PROFILE / the default only where none was); a stored
        value that is not a shipped profile's name is refused with what to do (maintenance.stored_profile_key)."""
        from .maintenance import stored_profile_key

        return load_profile(stored_profile_key(self.db))
