#!/usr/bin/env bash
# Probe every component, commit the new samples to the data branch (compacting old months), and push.
# A push that is rejected because another run pushed first is retried after a rebase;
# the union merge rule keeps every line of both runs. Prints deploy=true|false (also to
# $GITHUB_OUTPUT): true when a component's status changed with this run.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
branch="${DATA_BRANCH:-status-data}"
remote="${DATA_REMOTE:-origin}"
dir="${HISTORY_DIR:-history}"
generate="${GENERATE:-python3 generate.py}"

bash "$(dirname "$0")/data-branch.sh"
# A run that stopped in the middle of a rebase must not commit its conflict markers.
if [ -d "$(git -C "$dir" rev-parse --git-path rebase-merge)" ] || [ -d "$(git -C "$dir" rev-parse --git-path rebase-apply)" ]; then
  git -C "$dir" rebase --abort
fi
$generate probe --config status.yml
# Roll raw months older than three into runs (a no-op on all but the first runs of a month).
$generate compact --config status.yml
deploy=$(python3 "$(dirname "$0")/status_changed.py" status.yml)

cd "$dir"
git add -A
if ! git diff --cached --quiet; then
  git commit --quiet -m "Probe results $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  for attempt in 1 2 3 4 5; do
    if git push --quiet "$remote" "HEAD:refs/heads/$branch"; then
      break
    fi
    if [ "$attempt" -eq 5 ]; then
      echo "could not push probe history after $attempt attempts" >&2
      exit 1
    fi
    sleep $((attempt * ${RETRY_SECONDS:-2}))
    if ! git pull --quiet --rebase "$remote" "$branch"; then
      # A conflict the union rule cannot settle, or the network: leave the branch clean and try again.
      git rebase --abort 2>/dev/null || true
    fi
  done
fi
echo "deploy=$deploy"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "deploy=$deploy" >>"$GITHUB_OUTPUT"
fi
