"""Seat B for the restore tests: writes duty-log entries "seat-B #n" (with their audit entries) in a loop, one per
transaction, and prints "ok n BEGAN ENDED" only after the commit returned (wall-clock times of the start of the
transaction and of the return of its commit), or "fail n" if the write failed (it keeps going).
Stops after `count` writes, or when killed."""

import datetime as dt
import sys
import time

from dutyroom.store import audit
from dutyroom.store.database import Database
from dutyroom.store.models import DutyLogEntry


def main(url: str, author_id: int, count: int) -> None:
    db = Database(url)
    for n in range(1, count + 1):
        began = time.time()
        try:
            with db.write() as s:
                entry = DutyLogEntry(happened_at=dt.datetime.now(dt.UTC), author_id=author_id, kind="note",
                                     text=f"seat-B #{n}")
                s.add(entry)
                s.flush()
                audit.record(s, user_id=author_id, username="seatb", action="dutylog.add", entity="duty_log",
                             entity_id=entry.id, after={"text": entry.text})
        except Exception as exc:  # a failed write is reported as failed, never as written
            print(f"fail {n} {type(exc).__name__}", flush=True)
        else:
            print(f"ok {n} {began:.6f} {time.time():.6f}", flush=True)
        time.sleep(0.005)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
