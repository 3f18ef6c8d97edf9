import sys

from agent_app.main import main

sys.exit(main())
