"""``python -m tui``: the same as the ``arxiv-reader`` console script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
