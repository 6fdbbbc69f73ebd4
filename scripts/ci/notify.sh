#!/usr/bin/env bash
# Send the notifications that are due (generate.py notify) and keep the record of what was sent on the
# data branch, so that the next run, on a fresh runner, sends nothing twice.
#
# It fetches only the newest commit and the files a notify run reads and appends to (data-branch.sh
# notify: this month's and last month's samples and record, history/_notify/). The record is pushed even
# when a send failed: a failure is recorded too, and the next run retries after its backoff. The run then
# ends with exit 1 and says what failed. A rejected push is replayed onto the new tip (data-lib.sh); the
# record is append-only and union-merged, so no line of another run is lost.
#
# The channels' addresses come in through the environment (NOTIFY_* secrets) and are read by generate.py
# alone: nothing here prints the environment, and generate.py never prints an address.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)" || exit 1
mode=notify
source "$(dirname "$0")/data-lib.sh"
generate="${GENERATE:-python3 generate.py}"
failed=()
take_turn

# Without the record, a run cannot know what was sent already: it sends nothing.
if ! bash "$(dirname "$0")/data-branch.sh" notify; then
  echo "the $branch branch could not be checked out: nothing was sent" >&2
  exit 1
fi
# Files of the branch left out of the checkout. A run whose clock crosses into a month that is not
# checked out would write a new record file there; it must join the branch's file, not replace it.
if ! hidden=$(left_out); then
  echo "cannot list the files of $dir left out of the checkout: nothing was sent" >&2
  exit 1
fi

if ! $generate notify --config status.yml; then
  failed+=("notify: a notification could not be sent, or status.yml or an incident is invalid (see above)")
fi

join_left_out "$hidden"

if ! publish "Notifications $(date -u +%Y-%m-%dT%H:%M:%SZ)"; then
  failed+=("push: the record of this run did not reach $branch; the next run may send its notices again")
fi

if [ "${GITHUB_ACTIONS:-}" != true ]; then
  narrow full  # a clone kept between runs: history/ whole again for the builds made in it
fi

finish ${failed[@]+"${failed[@]}"}
