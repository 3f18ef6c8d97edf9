"""``python -m qtlang [--update]``: see :mod:`qtlang.build`."""

import sys

from qtlang.build import main

sys.exit(main())
