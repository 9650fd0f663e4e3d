"""A writer loop for the kill -9 and two-seat tests: each transaction adds a duty-log entry and its audit entry,
then prints the committed id (only after the commit returned)."""

import datetime as dt
import sys

from dutyroom.store import audit
from dutyroom.store.database import Database
from dutyroom.store.models import DutyLogEntry


def main(url: str, author_id: int, count: int | None = None) -> None:
    db = Database(url)
    written = 0
    while count is None or written < count:
        written += 1
        with db.write() as s:
            entry = DutyLogEntry(happened_at=dt.datetime.now(dt.UTC), author_id=author_id, kind="note",
                                 text="压力测试写入 " * 20)
            s.add(entry)
            s.flush()
            audit.record(s, user_id=author_id, username="writer", action="dutylog.add", entity="duty_log",
                         entity_id=entry.id, after={"text": entry.text})
        print(entry.id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
