#!/usr/bin/env bash
# Build the site from main plus the probe history of the data branch (when there is one).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
source "$(dirname "$0")/data-lib.sh"
generate="${GENERATE:-python3 generate.py}"
take_turn  # no probe run in this clone narrows history/ while the build reads it
bash "$(dirname "$0")/data-branch.sh"
$generate build --config status.yml --out "${SITE_DIR:-site}"
