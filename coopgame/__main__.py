"""``python -m coopgame`` runs the command line."""

import sys

from coopgame.cli import main

sys.exit(main())
