import sys

from accreditation.cli import configure_streams, main

configure_streams()
sys.exit(main())
