"""Seat A of the two-seat PostgreSQL test, a process of its own: signs in as USER (by name, no password: a test
database) and either takes a call (`register`: prints "registered ID WALLTIME" just after the commit returned) or
updates the facts of incident ID from the version the caller read (`update ID VERSION DEATHS`: prints "updated
VERSION WALLTIME" or "refused MESSAGE")."""

import datetime as dt
import sys
import time

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.errors import UserError
from dutyroom.services.incidents import IncidentService
from dutyroom.store.database import Database
from tests.helpers.actors import actors_by_username
from tests.helpers.incidents import intake


def main(url: str, user: str, command: str, *args: str) -> None:
    db = Database(url)
    try:
        actor = actors_by_username(db)[user]
        svc = IncidentService(db, load_profile("dongcheng"))
        now = dt.datetime.now(dt.UTC)
        if command == "register":
            v = svc.register(actor, intake(occurred_at=now - dt.timedelta(minutes=3),
                                           received_at=now - dt.timedelta(minutes=1), address=args[0]), now=now)
            print("registered", v.id, f"{time.time():.6f}", flush=True)
        else:
            incident_id, version, deaths = (int(a) for a in args)
            try:
                v = svc.update(actor, incident_id, {"deaths": deaths}, now=now, version=version)
            except UserError as exc:
                print("refused", exc.zh, flush=True)
            else:
                print("updated", v.row_version, f"{time.time():.6f}", flush=True)
    finally:
        db.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
