from dutyroom.app import main

raise SystemExit(main())
