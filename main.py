from dutyroom.ui.input_method import use_available_input_method

use_available_input_method()  # before Qt starts: an input method this Qt can load (fcitx desktops, issue 18)

from dutyroom.app import main  # noqa: E402

raise SystemExit(main())
