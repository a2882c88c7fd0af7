"""`python -m dashboard users ...`: account management (see dashboard/server/users_cli.py)."""

from __future__ import annotations

import sys

from dashboard.server.users_cli import main

if __name__ == "__main__":
    sys.exit(main())
