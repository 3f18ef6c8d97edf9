import sys

from citizen_client.main import main

sys.exit(main())
