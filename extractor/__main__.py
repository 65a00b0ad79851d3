"""`python -m extractor` is the same as `inami-tariffs`."""

import sys

from extractor.cli import main

sys.exit(main())
