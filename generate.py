#!/usr/bin/env python3
"""Status page generator for an LPSE, configured by status.yml. See README.md."""

import sys

from statusgen.cli import main

if __name__ == "__main__":
    sys.exit(main())
