import dutyroom.services.startup  # noqa: F401 - the Qt-free modules first: a faster start (see that module)
from dutyroom.app import main

raise SystemExit(main())
