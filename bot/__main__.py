"""`python -m bot run|check-config|migrate|simulate|act|stats`: the command line is app/cli.py."""

from app.cli import main

raise SystemExit(main())
