#!/usr/bin/env bash
# Put the probe-history branch at history/ as a git worktree, next to status.yml, holding only the
# branch's newest commit, never its history: the lines carry their own times, so the commits are not
# the data, and what a run fetches must not grow with the branch's age.
#
#   data-branch.sh          every current file (a build and compaction read them all)
#   data-branch.sh probe    only the month files a probe run appends to and reads back: this month,
#                           the next (a run that crosses midnight at a month's end) and, on the 1st,
#                           the last (the change check's sample before); a sparse, partial checkout
#   data-branch.sh notify   only what a notify run reads and appends to: this month's and last month's
#                           samples and notification record (_notify/); a sparse, partial checkout
#
# The branch is fetched from the remote when it exists there, and created (with its union-merge
# .gitattributes) on first use. Run again in the same clone, it brings history/ up to the remote's
# tip, keeping any local commit that was never pushed on top of it. Safe to run twice.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
source "$(dirname "$0")/data-lib.sh"
mode="${1:-full}"
take_turn

git config user.name >/dev/null || git config user.name "status-bot"
git config user.email >/dev/null || git config user.email "status-bot@users.noreply.github.com"

# 0: the branch exists; 2: the remote answered that it does not (first use). Anything else means
# the remote could not be asked, and building without the history would publish "no data" everywhere.
found=0
git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null || found=$?
if [ "$found" -ne 0 ] && [ "$found" -ne 2 ]; then
  echo "cannot reach '$remote' to fetch the $branch branch (git ls-remote exit $found)" >&2
  exit 1
fi

if [ "$found" -eq 2 ]; then
  if [ ! -e "$dir/.git" ]; then
    # An orphan branch holding only the merge rule, made with plumbing so any git version works.
    rules=$(printf '# Probe history is append-only: a union merge keeps every line of both sides.\n*.csv merge=union\n' |
      git hash-object -w --stdin)
    tree=$(printf '100644 blob %s\t.gitattributes\n' "$rules" | git mktree)
    commit=$(git commit-tree "$tree" -m "Start the probe history")
    git branch --force "$branch" "$commit"
    git update-ref "$base_ref" "$commit"  # the run's own commits go on top; a rival start is replayed over
    git worktree add --quiet "$dir" "$branch"
  fi
  exit 0
fi

fetch_tip "$mode"
if [ ! -e "$dir/.git" ]; then
  git worktree add --quiet --no-checkout -B "$branch" "$dir" "$tracking"
  git update-ref "$base_ref" "$tracking"
  narrow "$mode"
  git -C "$dir" checkout --quiet --force "$branch"
  exit 0
fi

# A worktree from an earlier run in this clone (runners start afresh; a local clone does not).
abort_rebase
narrow "$mode"
base=$(git rev-parse --quiet --verify "$base_ref" || true)
if [ -z "$base" ] || [ "$(git -C "$dir" rev-parse HEAD)" = "$base" ]; then
  git -C "$dir" reset --quiet --hard "$tracking"  # nothing of its own: take the remote's tip
elif ! replay_onto "$tracking" "$base"; then
  echo "could not bring the local commits of $dir onto the remote's $branch; left as they were" >&2
  exit 1
fi
git update-ref "$base_ref" "$tracking"
