"""Entry point of `python -m bot <command>` (the same as the `asylum-bot` command)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
