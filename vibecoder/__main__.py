import sys

from vibecoder.cli import main

sys.exit(main())
