"""Command line: `python -m dutyroom --help` (DESIGN.md section 3)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .domain.incident_facts import FactsError, IncidentFacts
from .domain.profile_loader import ProfileError, available_profiles, load_profile
from .domain.rules import incident_rules, warning_rules
from .domain.vocabulary import Category, Colour
from .services.errors import UserError, lang

DEFAULT_PROFILE = "dongcheng"


def default_profile() -> str:
    return os.environ.get("DUTYROOM_PROFILE") or DEFAULT_PROFILE


def _msg(zh: str, en: str) -> str:
    return en if lang() == "en" else zh


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_init(args) -> int:
    from .services.demo import DEMO_PASSWORD, install_demo
    from .services.reference_data import get_setting, load_reference_data, set_setting
    from .store.database import Database

    db = Database(args.db)
    db.migrate()
    # An existing database keeps its profile unless --profile says otherwise.
    key = args.profile or get_setting(db, "profile") or default_profile()
    profile = load_profile(key)
    set_setting(db, "profile", key)
    added = load_reference_data(db, profile)
    print(_msg(f"数据库已就绪：{db.url}（规则配置 {profile.name} {profile.version}；新增事件类型 {added['event_types']}，"
               f"预案 {added['plans']}）",
               f"database ready: {db.url} (profile {key} {profile.version}; added {added['event_types']} event types, "
               f"{added['plans']} plans)"))
    if args.demo:
        if install_demo(db, profile):
            print(_msg(f"已加入演示数据（虚构人员）。登录：admin / {DEMO_PASSWORD}，值班员 zhouning / {DEMO_PASSWORD}",
                       f"demo data added (made-up people). Sign in: admin / {DEMO_PASSWORD}, "
                       f"duty officer zhouning / {DEMO_PASSWORD}"))
        else:
            print(_msg("演示数据已存在，未改动。", "demo data already present; nothing changed."))
    db.dispose()
    return 0


def cmd_rules_incident(args) -> int:
    profile = load_profile(args.profile or default_profile())
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"无法读取文件 {args.file}：{exc.strerror}", f"cannot read {args.file}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"{args.file} 不是有效的 JSON（第 {exc.lineno} 行）", f"{args.file} is not valid JSON "
                        f"(line {exc.lineno})") from None
    try:
        facts = IncidentFacts.from_mapping(data)
    except FactsError as exc:
        raise UserError(f"字段 {exc.field}：{exc.zh}", f"field {exc.field}: {exc.en}") from None
    try:
        _print_json(incident_rules(profile, facts))
    except ValueError as exc:  # e.g. a malformed health block
        raise UserError(f"输入有误：{exc}", f"bad input: {exc}") from None
    return 0


def cmd_rules_warning(args) -> int:
    profile = load_profile(args.profile or default_profile())
    category = Category(args.category) if args.category else None
    _print_json(warning_rules(profile, Colour(args.level), category))
    return 0


def cmd_profiles(args) -> int:
    for key in available_profiles():
        p = load_profile(key)
        inherits = f"  (继承 {', '.join(sorted(set(p.inherits.values())))})" if p.inherits else ""
        print(f"{key}\t{p.name}\t{p.version}\t{p.effective_from}\t{p.source.title}{inherits}")
    return 0


def cmd_verify(args) -> int:
    from .store.audit import verify_chain
    from .store.database import Database

    db = Database(args.db)
    db.check_version()
    problems = []
    if db.is_sqlite:
        with db.engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
        if result != "ok":
            problems.append(_msg(f"数据库完整性检查失败：{result}", f"integrity check failed: {result}"))
    with db.read() as s:
        report = verify_chain(s)
    if not report.ok:
        problems.append(_msg(f"审计链被破坏，第一处问题：{report.problem}",
                             f"audit chain broken at entry {report.first_bad_seq}: {report.problem}"))
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    print(_msg(f"完整性正常；审计链完整（{report.entries} 条）", f"integrity ok; audit chain intact ({report.entries} entries)"))
    return 0


def cmd_backup(args) -> int:
    from .store.backup import backup_to
    from .store.database import Database

    db = Database(args.db)
    db.check_version()
    path = backup_to(db, Path(args.file))
    db.dispose()
    print(_msg(f"已备份到 {path}", f"backed up to {path}"))
    return 0


def cmd_restore(args) -> int:
    from .store.backup import restore_from
    from .store.database import Database

    db = Database(args.db)
    if not db.is_sqlite:
        raise UserError("PostgreSQL 数据库请使用 pg_restore 恢复。", "Restore a PostgreSQL database with pg_restore.")
    target = Path(db.url.removeprefix("sqlite:///"))
    db.dispose()
    kept = restore_from(Path(args.file), target)
    print(_msg(f"已从 {args.file} 恢复；原数据库保留为 {kept}", f"restored from {args.file}; the replaced database is kept as {kept}"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dutyroom", description="dutyroom 应急值班系统 — 命令行")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="创建或升级数据库 / create or migrate the database")
    p.add_argument("--db", help="SQLAlchemy URL or SQLite file (default: DUTYROOM_DB or the user data dir)")
    p.add_argument("--profile", choices=available_profiles(), help="jurisdiction rule profile")
    p.add_argument("--demo", action="store_true", help="add a demo district with made-up people")
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
    p.set_defaults(func=cmd_rules_warning)

    p = sub.add_parser("profiles", help="list the rule profiles")
    p.set_defaults(func=cmd_profiles)

    p = sub.add_parser("backup", help="在线备份 SQLite 数据库 / online backup of the SQLite database")
    p.add_argument("file")
    p.add_argument("--db")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="检查后从备份恢复（保留被替换的文件） / restore a checked backup")
    p.add_argument("file")
    p.add_argument("--db")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("verify", help="integrity check and audit chain / 完整性与审计链校验")
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
