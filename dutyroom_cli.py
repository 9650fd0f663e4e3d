"""Entry point of the bundled `dutyroom-cli` (the same commands as `python -m dutyroom`)."""
from dutyroom.cli import main

raise SystemExit(main())
