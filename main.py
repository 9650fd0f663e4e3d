import dutyroom.services.startup  # noqa: F401 - the Qt-free modules first: a faster start (see that module)
from dutyroom.ui.input_method import use_available_input_method

use_available_input_method()  # before the application exists: an input method this Qt can load (fcitx, issue 18)

from dutyroom.app import main  # noqa: E402

raise SystemExit(main())
