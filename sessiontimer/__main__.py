"""Allow ``python -m sessiontimer``."""

from sessiontimer.cli import main

raise SystemExit(main())
