"""``python -m cobrowse.local``: the same as ``cobrowse-local``."""

import sys

from cobrowse.local import main

sys.exit(main())
