"""Benchmark: contacts quick search over a directory of N units × 8 posts, each post with a holder.

Run: .venv/bin/python tests/bench/bench_contacts_search.py [UNITS]   (default 600 → 4,800 posts and people)

Prints the median time of `ContactsService.search` for typical queries (a name, pinyin initials, phone
digits with separators, two terms, an empty query) and, as a baseline measured in the same run, the
median time of loading every post with its unit and holder in a read session without any filter (what
a search must at least touch), and the ratios. Also the one-off cost of computing the search keys of
the whole directory, of an Excel export, of its re-import (idempotent: nothing changes) and of its
first import into an empty directory. Never gates anything on time.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from dutyroom.services.actor import Actor
from dutyroom.services.contacts import ContactsService
from dutyroom.services.contacts_excel import ContactsExcel
from dutyroom.store.database import Database
from dutyroom.store.models import Appointment, Organisation, Person, Post, User, UserRole
from tests.bench.timing import median_ms

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚桂英华玉萍红宁"
TITLES = ("主要负责人", "分管负责人", "值班室", "办公室主任", "应急科科长", "联络员", "调度室", "安全科科长")


def populate(db: Database, units: int) -> Actor:
    rng = random.Random(11)
    with db.write() as s:
        user = User(username="bench", display_name="基准", password_hash="x", roles=[UserRole(role="office_director")])
        s.add(user)
        s.flush()
        for i in range(units):
            org = Organisation(name=f"测试单位{i:04d}", kind="department", duty_phone=f"010-6{i:04d}000")
            s.add(org)
            s.flush()
            for j, title in enumerate(TITLES):
                post = Post(organisation_id=org.id, title=title, office_phone=f"010-7{i:04d}{j:03d}")
                person = Person(name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2)),
                                mobile=f"139{i:04d}{j:04d}")
                s.add_all([post, person])
                s.flush()
                s.add(Appointment(person_id=person.id, post_id=post.id, start_date=dt.date(2026, 1, 1)))
        return Actor(user.id, user.username, user.display_name, frozenset({"office_director"}))


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        actor = populate(db, units)
        contacts = ContactsService(db)
        start = time.perf_counter()
        keyed = contacts.ensure_search_keys()
        print(f"search keys for {keyed} rows: {time.perf_counter() - start:.2f} s (once, after a bulk change)")

        def baseline():
            with db.read() as s:
                s.execute(select(Post.id, Post.title, Post.office_phone, Organisation.name, Person.name, Person.mobile)
                          .join(Organisation)
                          .outerjoin(Appointment, Appointment.post_id == Post.id)
                          .outerjoin(Person, Person.id == Appointment.person_id)).all()

        base = median_ms(baseline, 15, warm_up=False)
        print(f"{units * len(TITLES)} posts; baseline (read every post's columns with unit and holder): {base:.1f} ms")
        for query in ("周宁", "zn", "010-7012 3004", "测试单位0123 值班室", "yjkkz", ""):
            ms = median_ms(lambda q=query: contacts.search(actor, q), 15, warm_up=False)
            total = contacts.search(actor, query).total
            print(f"  search {query!r:24} {ms:7.1f} ms  ratio {ms / base:5.2f}  ({total} hits)")
        excel = ContactsExcel(db)
        buf = io.BytesIO()
        start = time.perf_counter()
        rows = excel.export_file(actor, buf)
        print(f"export {rows} rows: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        report = excel.import_file(actor, buf.getvalue())
        print(f"re-import {report.rows} rows: {time.perf_counter() - start:.2f} s, changed: {report.changed}, "
              f"problems: {len(report.problems)}")
        db.dispose()
        fresh = Database(f"sqlite:///{Path(tmp) / 'fresh.db'}")
        fresh.migrate()
        populate(fresh, 0)
        start = time.perf_counter()
        report = ContactsExcel(fresh).import_file(actor, buf.getvalue())
        print(f"first import of {report.rows} rows into an empty directory: {time.perf_counter() - start:.2f} s "
              f"(created {report.created})")
        fresh.dispose()


if __name__ == "__main__":
    main()
