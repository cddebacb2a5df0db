"""``python -m docgen``: regenerate the generated sections of docs/ODD.md (see `docgen.cli`)."""

import sys

from docgen.cli import main

sys.exit(main())
