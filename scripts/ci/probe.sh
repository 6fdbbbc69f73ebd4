#!/usr/bin/env bash
# Probe every component (or, with SHARD=I/N, one share of them), commit the new samples to the data
# branch and push them. Prints deploy=true|false (and deploy=true to $GITHUB_OUTPUT): true when a
# component's status changed with this run
# and its sample reached the branch, so the workflow builds and deploys the site at once.
#
# It fetches only the newest commit and the month files it appends to (data-branch.sh probe), so a
# run costs the same in the branch's first week and its fifteenth year. A rejected push is replayed
# onto the new tip (data-lib.sh). One broken part costs only itself: a history file that cannot be
# written, or a change check that fails, still lets every other sample be committed and pushed; the
# run then ends with exit 1 and says what failed, so staff notice.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)" || exit 1
mode=probe
source "$(dirname "$0")/data-lib.sh"
generate="${GENERATE:-python3 generate.py}"
failed=()
take_turn

if ! bash "$(dirname "$0")/data-branch.sh" probe; then
  echo "the $branch branch could not be checked out: nothing was probed" >&2
  exit 1
fi
# Files of the branch left out of the checkout. A run whose clock crosses into a month that is not
# checked out would write a new file there; it must join the branch's file, not replace it.
if ! hidden=$(left_out); then
  echo "cannot list the files of $dir left out of the checkout: nothing was probed" >&2
  exit 1
fi

# SHARD=I/N (the probe workflow's matrix): only that share of the components (generate.py probe --shard).
shard=()
if [ -n "${SHARD:-}" ]; then
  shard=(--shard "$SHARD")
fi
if ! $generate probe --config status.yml ${shard[@]+"${shard[@]}"}; then
  failed+=("probe: a history file could not be written or status.yml is invalid (see above)")
fi
# The samples of the places that probe from their own machines (vantages with a source), copied from
# their mailboxes into this run's months; before the join below, which also covers the files it writes.
# shellcheck disable=SC2046  # one argument per month
if ! python3 "$(dirname "$0")/relay.py" status.yml $(probe_months); then
  failed+=("relay: a place's samples could not be copied into history/ (see above)")
fi

join_left_out "$hidden"

if ! deploy=$(python3 "$(dirname "$0")/status_changed.py" status.yml); then
  failed+=("the change check failed: deploying to be safe")
  deploy=true
fi

if ! publish "Probe results $(date -u +%Y-%m-%dT%H:%M:%SZ)"; then
  failed+=("push: the samples of this run did not reach $branch")
  deploy=false
fi

if [ "${GITHUB_ACTIONS:-}" != true ]; then
  narrow full  # a clone kept between runs: history/ whole again for the builds made in it
fi

echo "deploy=$deploy"
# Written only when true: the shards of a matrix share the job's output, and one that saw no change must
# not overwrite another's "true".
if [ -n "${GITHUB_OUTPUT:-}" ] && [ "$deploy" = true ]; then
  echo "deploy=true" >>"$GITHUB_OUTPUT"
fi
finish ${failed[@]+"${failed[@]}"}
