"""``python -m signage``."""

from signage.cli import main

raise SystemExit(main())
