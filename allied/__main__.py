import sys

from allied.cli import main

sys.exit(main())
