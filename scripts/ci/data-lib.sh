# Shared by the scripts that keep the probe-history branch (sourced, not run): where it is, and the
# few git steps they all take. Every step is bounded by the branch's current files, never by its age:
# only the newest commit is fetched (--depth=1), and a probe run fetches only the files it needs.
#
# Nothing here can lose a line that a run pushed: pushes are fast-forwards; a rejected one is replayed
# onto the new tip with git's union merge (every line of both sides kept); and the one forced push,
# squash, names the exact commit it replaces (--force-with-lease), whose files it keeps unchanged.
#
# Needs bash 4 or later, git 2.35 or later, and GNU date and flock (as on GitHub's Ubuntu runners).

branch="${DATA_BRANCH:-status-data}"
remote="${DATA_REMOTE:-origin}"
dir="${HISTORY_DIR:-history}"
tracking="refs/remotes/$remote/$branch"
# The commit the worktree's own commits sit on: with only the newest commit of the branch fetched, git
# cannot work out which commits are the run's own, so it is recorded here whenever it changes.
base_ref="refs/data-base/$branch"
mode="${mode:-full}"

take_turn() {  # one data-branch script at a time in this clone; then clear what a killed one left
  if [ -n "${STATUSGEN_DATA_TURN:-}" ]; then
    return 0  # a script that holds the turn already started this one
  fi
  local common
  common=$(git rev-parse --git-common-dir)
  exec 9>"$common/statusgen-data.lock"
  flock 9  # released when this process ends, however it ends
  export STATUSGEN_DATA_TURN=1
  # Holding the turn, any lock git left on the data worktree (its index, HEAD, sparse-checkout list,
  # config), its branch, or the repository's shallow list, refs and config belongs to a run that was
  # killed: a runner is fresh each time, but a clone kept between runs is not.
  rm -f "$common/shallow.lock" "$common/packed-refs.lock" "$common/config.lock" \
    "$common/refs/heads/$branch.lock" "$common/$tracking.lock" "$common/$base_ref.lock"
  if [ -d "$common/worktrees/$(basename "$dir")" ]; then
    find "$common/worktrees/$(basename "$dir")" -name '*.lock' -type f -delete
  fi
}

fetch_tip() {  # fetch_tip [full|probe|notify]: the branch's newest commit alone; "probe", "notify": without file contents
  local filter=()
  if [ "${1:-full}" = probe ] || [ "${1:-full}" = notify ]; then
    filter=(--filter=blob:none)  # contents come on demand, for the files the worktree holds
  fi
  git fetch --quiet --no-tags --depth=1 ${filter[@]+"${filter[@]}"} "$remote" "+refs/heads/$branch:$tracking"
}

probe_months() {  # the months a probe run touches (UTC): this one, the next, and on the 1st the last
  local now
  now=$(date -u +%s)
  date -u -d "@$now" +%Y-%m
  date -u -d "$(date -u -d "@$now" +%Y-%m-15) +1 month" +%Y-%m
  if [ "$(date -u -d "@$now" +%d)" = 01 ]; then
    date -u -d "$(date -u -d "@$now" +%Y-%m-15) -1 month" +%Y-%m
  fi
}

notify_months() {  # the months a notify run reads (UTC): this one and the last
  local now
  now=$(date -u +%s)
  date -u -d "@$now" +%Y-%m
  date -u -d "$(date -u -d "@$now" +%Y-%m-15) -1 month" +%Y-%m
}

narrow() {  # narrow full|probe|notify: which of the branch's files the worktree holds
  if [ "$1" = notify ]; then
    local patterns=(/.gitattributes)
    for month in $(notify_months); do
      # The samples the notices are worked out from (every place's), and the record of what was sent.
      patterns+=("/*/$month.csv" "/*/@*/$month.csv" "/_notify/$month.csv")
    done
    git -C "$dir" sparse-checkout set --no-cone "${patterns[@]}"
  elif [ "$1" = probe ]; then
    local patterns=(/.gitattributes)
    for month in $(probe_months); do
      # A component's samples, and those of each other place (and its bandwidth) that relay.py copies in.
      patterns+=("/*/$month.csv" "/*/@*/$month.csv" "/*/@*/bandwidth-$month.csv")
    done
    git -C "$dir" sparse-checkout set --no-cone "${patterns[@]}"
  elif git -C "$dir" sparse-checkout list >/dev/null 2>&1; then
    git -C "$dir" sparse-checkout disable
  fi
}

abort_rebase() {  # a run that stopped in the middle of a rebase must not commit its conflict markers
  if [ -d "$(git -C "$dir" rev-parse --git-path rebase-merge)" ] || [ -d "$(git -C "$dir" rev-parse --git-path rebase-apply)" ]; then
    git -C "$dir" rebase --abort
  fi
}

replay_onto() {  # replay_onto NEW [OLD]: move the local commits made on OLD (none: all of them) onto NEW
  local rules
  rules=$(mktemp)
  # Every file of the branch is append-only: a union merge keeps every line of both sides. This rule
  # applies where the branch's own .gitattributes says nothing (an old branch names only *.csv).
  printf '* merge=union\n' >"$rules"
  local range=(--root)
  if [ -n "${2:-}" ]; then
    range=("$2")
  fi
  local steps=0
  GIT_EDITOR=true git -C "$dir" -c core.attributesFile="$rules" rebase --quiet --onto "$1" "${range[@]}" >/dev/null 2>&1 || true
  while [ -d "$(git -C "$dir" rev-parse --git-path rebase-merge)" ] && [ "$steps" -lt 100 ]; do
    steps=$((steps + 1))
    # Changed on one side and removed on the other: a line that reached a month after compaction
    # removed its raw file. Keep the file with every line; the build reports the late line and the
    # next compaction keeps it in skipped.txt.
    local conflicted
    conflicted=$(git -C "$dir" diff --name-only --diff-filter=U)
    while IFS= read -r path; do
      if [ -z "$path" ]; then
        continue
      elif [ -e "$dir/$path" ]; then
        git -C "$dir" add --sparse -- "$path"
      else
        git -C "$dir" rm --quiet --cached --sparse -- "$path"
      fi
    done <<<"$conflicted"
    GIT_EDITOR=true git -C "$dir" -c core.attributesFile="$rules" rebase --continue >/dev/null 2>&1 || true
  done
  rm -f "$rules"
  if [ -d "$(git -C "$dir" rev-parse --git-path rebase-merge)" ]; then
    git -C "$dir" rebase --abort
    return 1
  fi
  # A rebase git refused to start (files left changed by a killed run, say) leaves HEAD where it was.
  git -C "$dir" merge-base --is-ancestor "$1" HEAD
}

publish() {  # publish MESSAGE: commit what changed in history/ and push it; 1 when it could not be pushed
  git -C "$dir" add --all --sparse
  if git -C "$dir" diff --cached --quiet; then
    return 0
  fi
  local base
  base=$(git rev-parse --quiet --verify "$base_ref" || git -C "$dir" rev-parse HEAD)
  git -C "$dir" commit --quiet --no-verify -m "$1"
  local attempt onto
  for attempt in 1 2 3 4 5; do
    if git -C "$dir" push --quiet "$remote" "HEAD:refs/heads/$branch"; then
      git update-ref "$tracking" "$(git -C "$dir" rev-parse HEAD)"
      git update-ref "$base_ref" "$(git -C "$dir" rev-parse HEAD)"
      return 0
    fi
    if [ "$attempt" -eq 5 ]; then
      break
    fi
    sleep $((attempt * ${RETRY_SECONDS:-2}))
    # Another run pushed first (or the branch was squashed): take its tip and put this run's commit on
    # it. The base moves only once the commit is on the new tip, so a failed attempt is tried again
    # from where the commit really sits.
    if fetch_tip "$mode"; then
      onto=$(git rev-parse "$tracking")
      if replay_onto "$onto" "$base"; then
        base=$onto
        git update-ref "$base_ref" "$onto"
      else
        echo "could not replay onto the new tip of $branch; trying again" >&2
      fi
    fi
  done
  echo "could not push to $branch after $attempt attempts" >&2
  return 1
}

squash() {  # squash: replace the branch's commits by one commit holding its files as they are
  local attempt tip commit
  for attempt in 1 2 3 4 5; do
    if fetch_tip probe; then  # the tip's tree is all it needs: no file contents
      tip=$(git rev-parse "$tracking")
      if ! git cat-file -p "$tip" | grep -q '^parent '; then
        echo "$branch is one commit already"
        return 0
      fi
      commit=$(git commit-tree "$tip^{tree}" -m "Probe history as of $(date -u +%Y-%m-%dT%H:%M:%SZ)

The earlier commits of this branch are replaced by this one, which holds the same files as $tip.
The lines carry their own times: the commits are not the data.")
      # Only if the branch is still exactly that commit: a run that pushed meanwhile makes this fail,
      # and its lines are never dropped.
      if git push --quiet --force-with-lease="refs/heads/$branch:$tip" "$remote" "$commit:refs/heads/$branch"; then
        git update-ref "$tracking" "$commit"
        if [ -e "$dir/.git" ] && [ "$(git -C "$dir" rev-parse HEAD)" = "$tip" ]; then
          git -C "$dir" reset --quiet --soft "$commit"  # the same files: only the commit beneath changes
          git update-ref "$base_ref" "$commit"
        fi
        echo "squashed $branch into one commit ($commit, replacing $tip)"
        return 0
      fi
    fi
    if [ "$attempt" -lt 5 ]; then
      sleep $((attempt * ${RETRY_SECONDS:-2}))
    fi
  done
  echo "could not squash $branch after 5 attempts: it kept changing" >&2
  return 1
}

finish() {  # finish [PART...]: say which parts failed, in the log and the job's summary; 1 when any did
  local part
  for part in "$@"; do
    echo "failed: $part" >&2
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      echo "- failed: $part" >>"$GITHUB_STEP_SUMMARY"
    fi
  done
  [ "$#" -eq 0 ]
}

left_out() {  # the files of the branch left out of the checkout (narrowed), one per line
  git -C "$dir" ls-files -t | sed -n 's/^S //p'
}

join_left_out() {  # join_left_out LIST: each file of LIST (left_out, read before the run wrote) that the run
  # wrote anyway, its clock having crossed into a month not checked out, joins the branch's file instead of
  # replacing it; one that cannot be joined is left as the branch has it, and said in failed[]
  local path kept
  while IFS= read -r path; do
    if [ -z "$path" ] || [ ! -e "$dir/$path" ]; then
      continue
    fi
    kept=$(mktemp -p "$(git rev-parse --git-common-dir)" joined.XXXXXX)  # not in history/: never committed
    # The branch's file (fetched now), its last line ended, then this run's lines after the header it wrote.
    if git -C "$dir" show "HEAD:$path" >"$kept" && { [ -z "$(tail -c 1 "$kept")" ] || printf '\n' >>"$kept"; } &&
      tail -n +2 "$dir/$path" >>"$kept" && mv "$kept" "$dir/$path"; then
      continue
    fi
    rm -f "$kept" "$dir/$path"
    git -C "$dir" update-index --skip-worktree -- "$path" || true
    failed+=("$path: a line for a month outside the checkout could not be joined to the branch's file")
  done <<<"$1"
}
