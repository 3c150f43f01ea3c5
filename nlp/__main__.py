"""`python -m nlp classify|evaluate|train|augment`: the command line lives in nlp/tools/cli.py."""

import sys

from nlp.tools.cli import main

sys.exit(main())
