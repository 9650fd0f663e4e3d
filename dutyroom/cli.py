"""Command line: `python -m dutyroom --help` (docs/ARCHITECTURE.md section 3).

Commands that read personal data or write anything run as a signed-in user with that user's rights
(issue 17, finding 5): `--user NAME`, and the password from `--password-file FILE`, DUTYROOM_PASSWORD_FILE or
a prompt. The sign-in is audited and counts towards the lockout like one in the GUI.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import SettingKey, cli_command, default_profile, password_file_from_env, pick
from .domain.incident_facts import facts_from_json
from .domain.profile_loader import ProfileError, available_profiles, load_profile
from .domain.rules import incident_rules, warning_rules
from .domain.vocabulary import Category, Colour, Grade
from .services.errors import UserError


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _password(args) -> str:
    """--password-file, else DUTYROOM_PASSWORD_FILE (first line), else asked without echo."""
    path = getattr(args, "password_file", None) or password_file_from_env()
    if path:
        try:
            if os.name == "posix" and Path(path).stat().st_mode & 0o077:
                print(pick(f"提示：密码文件 {path} 其他用户也能读取，请改为仅本人可读（chmod 600）",
                           f"note: other users can read the password file {path}; make it private (chmod 600)"),
                      file=sys.stderr)
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            raise UserError(f"无法读取密码文件 {path}：{why}", f"cannot read the password file {path}: {why}") from None
        return lines[0] if lines else ""
    import getpass

    try:
        return getpass.getpass(pick(f"{args.user} 的密码：", f"password for {args.user}: "))
    except (EOFError, KeyboardInterrupt):
        raise UserError("未输入密码", "no password given") from None


def _sign_in(args, db, action: str | None = None):
    """The user of --user, signed in with their password (audited, counted towards the lockout); with `action`,
    refused unless their roles allow it."""
    from .services.auth import AuthService
    from .services.guard import require

    if not getattr(args, "user", None):
        raise UserError("此命令需要登录：请用 --user 指定用户名（密码在提示时输入，或用 --password-file 文件 / "
                        "环境变量 DUTYROOM_PASSWORD_FILE）",
                        "this command needs a sign-in: give --user NAME (the password is asked, or read from "
                        "--password-file FILE / DUTYROOM_PASSWORD_FILE)")
    actor = AuthService(db).login(args.user, _password(args))
    if action is not None:
        require(actor, action)
    return actor


@contextmanager
def _open_db(args) -> Iterator:
    """The database of --db, at the schema version this code expects; disposed afterwards."""
    from .store.database import Database

    db = Database(args.db)
    db.check_version()
    try:
        yield db
    finally:
        db.dispose()


def _db_profile(db):
    """The rule profile the database was set up with (DUTYROOM_PROFILE / dongcheng if none is stored); a stored
    value that is not a shipped profile's name is refused with what to do, never loaded."""
    from .services.installation import InstallationService

    return InstallationService(db).current_profile()


@contextmanager
def _writing(path) -> Iterator[None]:
    """An OSError while writing `path` becomes a UserError naming the file."""
    try:
        yield
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}") from None


def cmd_init(args) -> int:
    from .services.demo import DEMO_PASSWORD, install_demo
    from .services.reference_data import get_setting, load_reference_data, set_setting
    from .store.database import Database

    db = Database(args.db)
    new_database = db.current_revision() is None
    db.migrate()
    if new_database:  # made by this release: it has no 版本说明 to show
        from . import __version__

        set_setting(db, SettingKey.release_seen, __version__)
    demo_db = get_setting(db, SettingKey.demo) == "1"
    users = _usernames(db)
    if args.demo and users and not demo_db:
        shown = "、".join(sorted(users)[:5]) + ("…" if len(users) > 5 else "")
        raise UserError(f"该数据库已有正式用户（{shown}），不能加入演示数据。演示请用 --db 指定一个新的数据库文件。",
                        f"this database has real users ({shown}): demo data is not added to it. "
                        "Use --db with a new file for a demo.")
    if users and not demo_db:  # a real installation: only an administrator changes its profile or reference data
        _sign_in(args, db, "maintenance.settings")
    # An existing database keeps its profile unless --profile says otherwise (which also repairs a bad stored one).
    if args.profile:
        key = args.profile
    else:
        from .services.maintenance import stored_profile_key

        try:
            key = stored_profile_key(db)
        except UserError:
            db.dispose()
            raise
    profile = load_profile(key)
    set_setting(db, SettingKey.profile, key)
    added = load_reference_data(db, profile)
    print(pick(f"数据库已就绪：{db.url}（规则配置 {profile.name} {profile.version}；新增事件类型 {added['event_types']}，"
               f"预案 {added['plans']}）",
               f"database ready: {db.url} (profile {key} {profile.version}; added {added['event_types']} event types, "
               f"{added['plans']} plans)"))
    if args.demo:
        if install_demo(db, profile):
            print(pick(f"已加入演示数据（虚构人员）。登录：admin / {DEMO_PASSWORD}，值班员 zhouning / {DEMO_PASSWORD}",
                       f"demo data added (made-up people). Sign in: admin / {DEMO_PASSWORD}, "
                       f"duty officer zhouning / {DEMO_PASSWORD}"))
        else:
            print(pick("演示数据已存在，未改动。", "demo data already present; nothing changed."))
    db.dispose()
    return 0


def _usernames(db) -> set[str]:
    from sqlalchemy import select

    from .store.models import User

    with db.read() as s:
        return set(s.scalars(select(User.username)))


def cmd_rules_incident(args) -> int:
    profile = load_profile(args.profile or default_profile())
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"无法读取文件 {args.file}：{exc.strerror}", f"cannot read {args.file}: {exc.strerror}") from None
    facts = facts_from_json(raw, args.file)  # too big, too deep, not JSON, not facts: a message (issue 17)
    try:
        _print_json(incident_rules(profile, facts))
    except ValueError as exc:  # e.g. a malformed health block
        raise UserError(f"输入有误：{exc}", f"bad input: {exc}") from None
    return 0


def cmd_rules_warning(args) -> int:
    profile = load_profile(args.profile or default_profile())
    category = Category(args.category) if args.category else None
    expected = Grade(args.expected_grade) if args.expected_grade else None
    _print_json(warning_rules(profile, Colour(args.level), category, expected))
    return 0


def cmd_profiles(args) -> int:
    for key in available_profiles():
        p = load_profile(key)
        inherits = f"  (继承 {', '.join(sorted(set(p.inherits.values())))})" if p.inherits else ""
        under = f"  (按{p.under}总体预案下的区建模，{len(p.pending)} 项待本区预案确认)" if p.under else ""
        print(f"{key}\t{p.name}\t{p.version}\t{p.effective_from}\t{p.source.title}{inherits}{under}")
    return 0


def cmd_district_profile(args) -> int:
    """Write a profile for a district with no general plan among the sources: a district under the municipal plan."""
    import re

    from .domain.district_template import write_district_profile
    from .domain.profile_loader import PROFILE_DIR, ProfileError, load_profile_file

    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.key):
        raise UserError(f"配置键只能用小写字母、数字和下划线：{args.key}", f"the key takes a-z, 0-9 and _: {args.key}")
    folder = Path(args.dir) if args.dir else PROFILE_DIR
    try:
        path = write_district_profile(folder, args.key, args.name, places=args.place or [])
    except FileExistsError:
        raise UserError(f"已有规则配置 {args.key}，未覆盖", f"profile {args.key} exists: not overwritten") from None
    try:
        profile = load_profile_file(path)
    except ProfileError as exc:
        path.unlink()
        raise UserError(str(exc), str(exc)) from None
    print(f"{path}\t{profile.name}\t{len(profile.pending)} 项待本区预案确认")
    return 0


def _read_anchor_arg(value: str):
    """--against: a short code ("1234-0a1b2c3d4e5f"), an anchor file (.anchor.json) or a backup file (its anchor)."""
    from .store.audit import Anchor
    from .store.backup import ANCHOR_SUFFIX

    path = Path(value)
    anchor = None
    if path.is_file():
        side = path.with_name(path.name + ANCHOR_SUFFIX)
        if side.is_file():
            path = side
        try:
            head = path.read_bytes()[:16]
            if head == b"SQLite format 3\x00":  # a backup without its anchor file: the head recorded inside it
                from .store.backup import head_of

                anchor = head_of(path)
            else:
                anchor = Anchor.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            anchor = None
    else:
        anchor = Anchor.parse(value)
    if anchor is None:
        raise UserError(f"无法识别的锚点：{value[:80]}（应为 \"条数-12位校验码\"、锚点文件或带锚点文件的备份）",
                        f"not an anchor: {value[:80]} (expected \"seq-12 hex\", an anchor file or a backup with its "
                        f"anchor file)")
    return anchor


def cmd_verify(args) -> int:
    from .store.audit import check_anchor, verify_chain
    from .store.database import Database
    from .store.row_seal import verify_seals

    anchor = _read_anchor_arg(args.against) if args.against else None
    db = Database(args.db)
    db.check_version()
    problems = []
    shown = [-1]

    def progress(done: int, total: int) -> None:
        if args.progress and total and (done * 10 // total) != shown[0]:
            shown[0] = done * 10 // total
            print(pick(f"已核对 {done}/{total}", f"checked {done}/{total}"), file=sys.stderr)

    try:
        if db.is_sqlite:
            with db.engine.connect() as conn:
                result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if result != "ok":
                problems.append(pick(f"数据库完整性检查失败：{result}", f"integrity check failed: {result}"))
        with db.read() as s:
            report = verify_chain(s, progress=progress)
            if not report.ok:
                problems.append(pick(f"审计链被破坏，第一处问题：{report.problem}",
                                     f"audit chain broken at entry {report.first_bad_seq}: {report.message('en')}"))
            else:
                seals = verify_seals(s.connection(), progress=progress)
                if not seals.ok:
                    problems.append(pick(f"封印核对失败：{seals.problem}", f"seal check failed: {seals.problem_en}"))
            if anchor is not None:
                ok, zh, en = check_anchor(s, anchor)
                if not ok:
                    problems.append(pick(f"锚点核对失败：{zh}", f"anchor check failed: {en}"))
    finally:
        db.dispose()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    print(pick(f"完整性正常；审计链完整（{report.entries} 条）；封印完整（{seals.rows} 行）；当前锚点 "
               f"{report.head_seq}-{report.head_mac[:12]}",
               f"integrity ok; audit chain intact ({report.entries} entries); seals intact ({seals.rows} rows); "
               f"anchor now {report.head_seq}-{report.head_mac[:12]}"))
    if anchor is not None:
        print(pick(f"与锚点 {anchor.short} 相符", f"matches the anchor {anchor.short}"))
    return 0


def cmd_backup(args) -> int:
    from .services.maintenance import MaintenanceService

    with _open_db(args) as db:
        actor = _sign_in(args, db, "backup.run")
        result = MaintenanceService(db).backup_to_file(actor, Path(args.file), args.with_key)
    print(pick(f"已备份到 {result.path}（锚点文件 {result.path}.anchor.json）",
               f"backed up to {result.path} (anchor file {result.path}.anchor.json)"))
    if args.with_key:
        print(pick(f"审计密钥已另存到 {args.with_key}：请与备份分开保管（丢失密钥则无法核对审计链）",
                   f"the audit key was written to {args.with_key}: keep it apart from the backups"))
    return 0


def cmd_restore(args) -> int:
    """As the GUI's 系统维护 restores: an administrator, audited, checked, replaced in place, the replaced content kept."""
    from .services.maintenance import MaintenanceService

    with _open_db(args) as db:
        if not db.is_sqlite:
            raise UserError("PostgreSQL 数据库请使用 pg_restore 恢复。", "Restore a PostgreSQL database with pg_restore.")
        actor = _sign_in(args, db, "backup.restore")
        result = MaintenanceService(db).restore(actor, Path(args.file), allow_unkeyed=args.allow_unkeyed)
    print(pick(f"已从 {args.file} 恢复；被替换的数据库内容保留为 {result.replaced_kept_as}",
               f"restored from {args.file}; the replaced content is kept as {result.replaced_kept_as}"))
    return 0


def cmd_cap(args) -> int:
    """CAP 1.2 XML of an issued, adjusted or lifted warning (Alert / Update / Cancel)."""
    from .services.cap_export import write_warning
    from .services.warnings import WarningService

    with _open_db(args) as db:
        _sign_in(args, db, "report.print")
        with _writing(args.output):
            path = write_warning(WarningService(db, _db_profile(db)), args.warning_id, Path(args.output), args.status)
    print(pick(f"已导出 CAP：{path}", f"CAP written to {path}"))
    return 0


def cmd_report(args) -> int:
    """公文报表 (issue 7): report incident ID | warning ID | stats --from --to, written with -o."""
    import datetime as dt

    from .services import exports as rx

    with _open_db(args) as db:
        actor = _sign_in(args, db, "report.print")
        profile = _db_profile(db)
        with _writing(args.output):
            if args.what == "incident":
                rx.incident_report(db, profile, actor, args.id, args.output, report_id=args.report, slip=args.slip)
            elif args.what == "warning":
                rx.warning_document(db, profile, args.id, args.output, kind=args.kind)
            else:
                try:
                    first, last = dt.date.fromisoformat(args.date_from), dt.date.fromisoformat(args.date_to)
                except ValueError:
                    raise UserError("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD") from None
                rx.statistics(db, profile, actor, first, last, args.output)
    print(pick(f"已生成：{args.output}", f"written: {args.output}"))
    return 0


def cmd_contacts(args) -> int:
    """通讯录: contacts search QUERY | export -o FILE.xlsx | import FILE.xlsx [--dry-run]."""
    from .services.contacts import ContactsService
    from .services.contacts_excel import ContactsExcel

    with _open_db(args) as db:
        actor = _sign_in(args, db)
        if args.what == "search":
            result = ContactsService(db).search(actor, args.query)
            for h in result.hits:
                phones = "  ".join(f"{label} {n}" for label, n in (("办公", h.office_phone), ("手机", h.mobile),
                                                                   ("值班", h.duty_phone), ("传真", h.fax)) if n)
                print("\t".join([h.organisation, h.post, h.person, phones]))
            return 0 if result.total else 1
        if args.what == "export":
            with _writing(args.output):
                n = ContactsExcel(db).export_file(actor, args.output)
            print(pick(f"已导出 {n} 行：{args.output}", f"exported {n} rows to {args.output}"))
            return 0
        report = ContactsExcel(db).import_file(actor, args.file, dry_run=args.dry_run)
        for p in report.problems:
            print(pick(f"第 {p.row} 行：{p.zh}", f"row {p.row}: {p.en}"), file=sys.stderr)
        print(pick(f"{'检查' if report.dry_run else '导入'}完成：共 {report.rows} 行，有效 {report.imported} 行，"
                   f"有问题 {len(report.problems)} 行；新增 {sum(report.created.values())} 项，更新 {sum(report.updated.values())} 项",
                   f"{'checked' if report.dry_run else 'imported'}: {report.rows} rows, {report.imported} good, "
                   f"{len(report.problems)} bad; {sum(report.created.values())} added, {sum(report.updated.values())} updated"))
        return 1 if report.problems else 0


def cmd_roster(args) -> int:
    """排班表: roster export --month YYYY-MM -o FILE.xlsx | roster now (who is on duty now and next)."""
    from .services.roster import RosterService

    with _open_db(args) as db:
        actor = _sign_in(args, db, "roster.view")
        svc = RosterService(db)
        if args.what == "now":
            duty = svc.on_duty()
            for title, x in ((pick("当前班次", "now"), duty.now), (pick("下一班次", "next"), duty.next)):
                if x is None:
                    print(f"{title}: " + pick("排班表中无记录", "not in the roster"))
                else:
                    print(f"{title}: {x.name} {x.starts:%Y-%m-%d %H:%M}–{x.ends:%m-%d %H:%M}  "
                          f"{pick('值班员', 'officers')} {'、'.join(x.officers) or '—'}  "
                          f"{pick('带班领导', 'leaders')} {'、'.join(x.leaders) or '—'}")
            return 0
        try:
            year, month = (int(x) for x in args.month.split("-"))
        except ValueError:
            raise UserError(f"月份格式应为 YYYY-MM：{args.month}", f"the month must be YYYY-MM: {args.month}") from None
        from .services.exports import write_roster

        view = svc.month(actor, year, month)
        with _writing(args.output):
            write_roster(args.output, view, _db_profile(db).name)
        print(pick(f"已导出 {len(view.rows)} 天、{len(view.entries)} 条排班：{args.output}",
                   f"exported {len(view.entries)} roster lines to {args.output}"))
        return 0


def cmd_selftest(args) -> int:
    """Does this installation work on this machine? (scratch databases; files into --out)."""
    from .selftest import run

    return 0 if not run(Path(args.out), args.profile or None).failed else 1


def _signed(p: argparse.ArgumentParser, note: str = "") -> argparse.ArgumentParser:
    """--user and --password-file on a command that reads personal data or writes."""
    p.add_argument("--user", help="sign in as this user (its rights apply)" + note)
    p.add_argument("--password-file", help="read the password from the first line of this file "
                   "(else DUTYROOM_PASSWORD_FILE, else asked)")
    return p


def build_parser() -> argparse.ArgumentParser:
    # dutyroom-cli in the bundle: the usage names the program the officer ran
    parser = argparse.ArgumentParser(prog=cli_command(), description="dutyroom 应急值班系统 — 命令行")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="创建或升级数据库 / create or migrate the database")
    p.add_argument("--db", help="SQLAlchemy URL or SQLite file (default: DUTYROOM_DB or the user data dir)")
    p.add_argument("--profile", choices=available_profiles(), help="jurisdiction rule profile")
    p.add_argument("--demo", action="store_true", help="add a demo district with made-up people (a new or demo "
                   "database only)")
    _signed(p, "; needed when the database already has users (an administrator)")
    p.set_defaults(func=cmd_init)

    rules = sub.add_parser("rules", help="规则查询 / what a profile says").add_subparsers(dest="what", required=True)
    p = rules.add_parser("incident", help="deadlines, grade suggestion and lead units for an incident (JSON)")
    p.add_argument("--profile", help="profile key (default: DUTYROOM_PROFILE or dongcheng)")
    p.add_argument("file", help="incident JSON file, or - for stdin")
    p.set_defaults(func=cmd_rules_incident)
    p = rules.add_parser("warning", help="approval chain of a warning colour (JSON)")
    p.add_argument("--profile", help="profile key")
    p.add_argument("--level", required=True, choices=[c.value for c in Colour])
    p.add_argument("--category", choices=[c.value for c in Category], help="a category with its own chain")
    p.add_argument("--expected-grade", choices=[g.value for g in Grade if g != Grade.unknown],
                   help="the grade expected: adds suggested_level where the plan links colour to grade")
    p.set_defaults(func=cmd_rules_warning)

    p = sub.add_parser("district-profile", help="write a profile for a district under the municipal plan")
    p.add_argument("key", help="profile key, e.g. haidian")
    p.add_argument("name", help="district name, e.g. 海淀区")
    p.add_argument("--place", action="append", help="a street or town (repeat)")
    p.add_argument("--dir", help="profile folder (default: the shipped one)")
    p.set_defaults(func=cmd_district_profile)

    p = sub.add_parser("profiles", help="list the rule profiles")
    p.set_defaults(func=cmd_profiles)

    p = sub.add_parser("backup", help="在线备份 SQLite 数据库 / online backup of the SQLite database")
    p.add_argument("file")
    p.add_argument("--with-key", metavar="KEYFILE",
                   help="also write the installation's audit key to this separate file (keep it apart)")
    p.add_argument("--db")
    _signed(p, " (an administrator, shift leader or office director)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="检查后从备份恢复（保留被替换的内容） / restore a checked backup")
    p.add_argument("file")
    p.add_argument("--allow-unkeyed", action="store_true",
                   help="accept a backup from before the keyed audit chain (its chain can only be checked unkeyed)")
    p.add_argument("--db")
    _signed(p, " (an administrator)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("cap", help="预警导出 CAP 1.2 XML / export a warning as CAP 1.2 XML")
    p.add_argument("warning_id", type=int, help="warning number (预警编号)")
    p.add_argument("-o", "--output", required=True, help="the XML file to write")
    p.add_argument("--status", default="Actual", choices=["Actual", "Exercise", "System", "Test", "Draft"],
                   help="CAP <status> (default Actual; Exercise for drills)")
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_cap)

    report = sub.add_parser("report", help="公文报表 PDF / Excel (official reports)").add_subparsers(
        dest="what", required=True)
    p = report.add_parser("incident", help="突发事件信息报告 (首报/续报/终报) as PDF")
    p.add_argument("id", type=int, help="incident number")
    p.add_argument("--report", type=int, help="report number (default: the last sent)")
    p.add_argument("--slip", action="store_true", help="the leader-review slip (领导审核单) instead")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_report)
    p = report.add_parser("warning", help="预警审批单 (default) or 发布单 as PDF")
    p.add_argument("id", type=int, help="warning number")
    p.add_argument("--kind", choices=["approval", "release"], default="approval")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_report)
    p = report.add_parser("stats", help="period statistics (.pdf or .xlsx)")
    p.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD (Beijing day, included)")
    p.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD (included)")
    p.add_argument("-o", "--output", required=True, help="out.pdf or out.xlsx")
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_report)

    contacts = sub.add_parser("contacts", help="通讯录 查询、导入、导出 / contacts search, Excel import and export"
                              ).add_subparsers(dest="what", required=True)
    p = contacts.add_parser("search", help="quick search: name, post, unit, alias, phone digits, pinyin initials")
    p.add_argument("query")
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_contacts)
    p = contacts.add_parser("export", help="the directory as .xlsx (the import layout)")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_contacts)
    p = contacts.add_parser("import", help="import .xlsx; bad rows are listed (exit 1), good rows imported")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and report only")
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_contacts)

    roster = sub.add_parser("roster", help="排班表 导出、当前值班 / roster export and who is on duty"
                            ).add_subparsers(dest="what", required=True)
    p = roster.add_parser("export", help="a month of the roster as .xlsx (the rows the roster page shows)")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_roster)
    p = roster.add_parser("now", help="the shift on duty now and the next one")
    p.add_argument("--db")
    _signed(p)
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("selftest", help="安装自检：在临时数据库上走一遍接报、规则、公文、统计、CAP、校验和主窗口 / "
                                        "installation self-test on scratch databases")
    p.add_argument("--out", required=True, help="folder for the files it makes (PDF, xlsx, CAP, PNG)")
    p.add_argument("--profile", action="append", help="only this profile (repeatable); default: every profile")
    p.set_defaults(func=cmd_selftest)
    p = sub.add_parser("verify", help="integrity check, audit chain and seals / 完整性、审计链与封印校验")
    p.add_argument("--against", metavar="FILE_OR_CODE",
                   help="also check an anchor: a printed code (条数-12位), an .anchor.json file or a backup")
    p.add_argument("--progress", action="store_true", help="report progress on stderr")
    p.add_argument("--db")
    p.set_defaults(func=cmd_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ProfileError) as exc:
        print(exc.message if isinstance(exc, UserError) else str(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # environment problems: a message, not a traceback
        from .store.errors import explain

        known = explain(exc)
        if known is None:
            raise
        print(known, file=sys.stderr)
        return 3
