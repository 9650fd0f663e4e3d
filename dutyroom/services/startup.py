"""The Qt-free modules the signed-in window needs, imported by the program's entry point (main.py) before Qt.

Once PySide6 is imported it hooks every later import to look for `from __feature__ import …` in the module's
source (shibokensupport's feature check reads each module's file), which costs about 70 ms of CPU over the
~200 modules of SQLAlchemy, pydantic, yaml and the services at every start (issue 21, measured with
getrusage: 500 ms of import CPU instead of 570). Importing them first, before any Qt module, skips that check.
Nothing here may import Qt (tests/integration/test_architecture.py: services are Qt-free).
"""

from __future__ import annotations

import sqlalchemy.dialects.sqlite  # noqa: F401 - the engine's dialect, loaded by create_engine

from ..domain import profile_loader  # noqa: F401 - pydantic, yaml and the profile schema
from ..store import audit, database, models  # noqa: F401 - SQLAlchemy and the mapped tables
from . import (  # noqa: F401 - what app.main and the signed-in window's dashboard use
    auth,
    demo,
    duty,
    handover,
    incident_log,
    incident_reports,
    incidents,
    installation,
    maintenance,
    plans,
    reference_data,
    roster,
    warnings,
)
