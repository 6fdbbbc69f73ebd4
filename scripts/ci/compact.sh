#!/usr/bin/env bash
# Once a day: roll old raw months of probe history into runs (generate.py compact), push that, then
# replace the data branch's commits by one commit holding its files (squash), so that a fresh clone of
# the branch stays small however old it is. The lines carry their own times: no data is in the commits.
#
# Each part costs only itself: a compaction that fails for one component still pushes the others and
# still squashes; the run then ends with exit 1 and says what failed.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)" || exit 1
mode=full
source "$(dirname "$0")/data-lib.sh"
generate="${GENERATE:-python3 generate.py}"
failed=()
take_turn

if ! bash "$(dirname "$0")/data-branch.sh" full; then
  echo "the $branch branch could not be checked out: nothing was compacted" >&2
  exit 1
fi
if ! $generate compact --config status.yml; then
  failed+=("compact: some history could not be compacted (see above)")
fi
if ! publish "Compact probe history $(date -u +%Y-%m-%dT%H:%M:%SZ)"; then
  failed+=("push: the compaction did not reach $branch")
fi
if ! squash; then
  failed+=("squash: $branch kept changing; its commits stay until the next run")
fi

finish ${failed[@]+"${failed[@]}"}
