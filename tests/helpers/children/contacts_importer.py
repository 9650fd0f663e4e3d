"""Seat A of the import-off-the-lock test: imports (or with --dry-run checks) an .xlsx into the contacts as `admin`, prints
"started" when the import begins and then the import's figures ("imported SECONDS ROWS")."""

import sys
import time

from dutyroom.services.contacts_excel import ContactsExcel
from dutyroom.store.database import Database
from tests.helpers.actors import actors_by_username


def main(url: str, path: str, dry_run: bool = False) -> None:
    db = Database(url)
    admin = actors_by_username(db)["admin"]
    print("started", flush=True)
    t0 = time.monotonic()
    report = ContactsExcel(db).import_file(admin, path, dry_run=dry_run)
    print("imported", f"{time.monotonic() - t0:.2f}", report.imported, len(report.problems), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] == ["--dry-run"])
