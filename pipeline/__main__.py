import sys

from parksum.interfaces.cli import main

sys.exit(main())
