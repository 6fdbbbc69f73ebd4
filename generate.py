#!/usr/bin/env python3
"""Status page generator for LPSE Provinsi Kalimantan Selatan. See README.md."""

import sys

from statusgen.cli import main

if __name__ == "__main__":
    sys.exit(main())
