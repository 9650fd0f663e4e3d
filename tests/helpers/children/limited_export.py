"""Writes a listing through ReportExporter under a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored), as a full disk
would stop it: prints "refused <message>" for a message a user would see, else lets the traceback out."""

import resource
import signal
import sys

from dutyroom.domain.profile_loader import load_profile
from dutyroom.reports.xlsx import XlsxColumn
from dutyroom.services.errors import explain
from dutyroom.services.exports import ReportExporter
from dutyroom.store.database import Database
from tests.helpers.actors import actors_by_username


def main(url: str, path: str, fmt: str, limit: int) -> None:
    db = Database(url)
    exporter = ReportExporter(db, load_profile("dongcheng"))
    admin = actors_by_username(db)["admin"]
    rows = [[f"第 {i} 行", "值班记录内容" * 20] for i in range(2000)]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    try:
        if fmt == "xlsx":
            exporter.listing_xlsx(admin, path, title="值班日志", columns=[XlsxColumn("序号", "text", 10),
                                                                      XlsxColumn("内容", "text", 60)], rows=rows)
        else:
            exporter.listing_pdf(admin, path, title="值班日志", columns=["序号", "内容"], rows=rows)
    except Exception as exc:
        message = explain(exc)
        if message is None:
            raise
        print("refused", message, flush=True)
        return
    print("written", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
