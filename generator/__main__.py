"""``python -m generator`` entry point."""

from generator.cli import main

raise SystemExit(main())
