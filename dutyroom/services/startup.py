"""The Qt-free modules the sign-in dialog needs, imported by the program's entry point (main.py) before Qt.

Once PySide6 is imported it hooks every later import to look for `from __feature__ import …` in the module's
source (shibokensupport's feature check reads each module's file), which costs about 70 ms of CPU over the
~200 modules of SQLAlchemy, pydantic and yaml at every start (issue 21, measured with getrusage). Importing them
first, before any Qt module, skips that check. Only what comes before the sign-in dialog is here: the services of
the signed-in window are imported while the dialog waits for the user to type (app.WINDOW_MODULES), so the
dialog is not painted later for them. Nothing here may import Qt (services are Qt-free).
"""

from __future__ import annotations

import sqlalchemy.dialects.sqlite  # noqa: F401 - the engine's dialect, loaded by create_engine

from ..domain import profile_loader  # noqa: F401 - pydantic, yaml and the profile schema
from ..store import audit, database, models  # noqa: F401 - SQLAlchemy and the mapped tables
from . import auth, demo, duty, installation, maintenance, reference_data  # noqa: F401 - app.main's own
