"""Entry point of `python -m bot <command>`."""

import os
import sys

# PTB 22 reports time periods (retry_after, durations) as timedelta when opted in; without it,
# every 429 raises a deprecation warning. Set before telegram is imported.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
