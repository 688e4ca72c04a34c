import sys

from accreditation.cli import main

sys.exit(main())
