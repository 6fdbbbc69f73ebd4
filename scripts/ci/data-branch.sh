#!/usr/bin/env bash
# Put the probe-history branch at history/ as a git worktree, next to status.yml.
# The branch is fetched from the remote when it exists there, and created (with its
# union-merge .gitattributes) on first use. Safe to run twice.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
branch="${DATA_BRANCH:-status-data}"
remote="${DATA_REMOTE:-origin}"
dir="${HISTORY_DIR:-history}"

git config user.name >/dev/null || git config user.name "status-bot"
git config user.email >/dev/null || git config user.email "status-bot@users.noreply.github.com"

if [ -e "$dir/.git" ]; then
  exit 0
fi
# 0: the branch exists; 2: the remote answered that it does not (first use). Anything else means
# the remote could not be asked, and building without the history would publish "no data" everywhere.
found=0
git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null || found=$?
if [ "$found" -eq 0 ]; then
  git fetch --quiet "$remote" "+refs/heads/$branch:refs/remotes/$remote/$branch"
  git worktree add --quiet -B "$branch" "$dir" "$remote/$branch"
elif [ "$found" -ne 2 ]; then
  echo "cannot reach '$remote' to fetch the $branch branch (git ls-remote exit $found)" >&2
  exit 1
else
  # An orphan branch holding only the merge rule, made with plumbing so any git version works.
  rules=$(printf '# Probe history is append-only: a union merge keeps every line of both sides.\n*.csv merge=union\n' |
    git hash-object -w --stdin)
  tree=$(printf '100644 blob %s\t.gitattributes\n' "$rules" | git mktree)
  commit=$(git commit-tree "$tree" -m "Start the probe history")
  git branch --force "$branch" "$commit"
  git worktree add --quiet "$dir" "$branch"
fi
