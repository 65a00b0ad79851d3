"""`python -m extractor` is the same as `inami-tariffs`."""

import sys

from extractor.cli import main

if __name__ == "__main__":
    sys.exit(main())
