#!/usr/bin/env bash
# The GitHub forms' step: run `generate.py new|update|resolve` with the form's inputs, commit the
# incident file to the default branch, and push (rebasing and retrying if someone pushed first).
# The inputs arrive only as INCIDENT_* environment variables and are passed on as single arguments,
# never pasted into shell text: a title such as `"; rm -rf / #` is just a title.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
command="${1:?usage: incident.sh new|update|resolve}"
generate="${GENERATE:-python3 generate.py}"
remote="${INCIDENT_REMOTE:-origin}"
branch="${INCIDENT_BRANCH:-main}"

args=(--config status.yml)
# Always --flag=value, one argument: a value that starts with '-' (say "--help") stays a value.
optional() {  # optional FLAG VALUE: pass the flag only when the form field was filled in
  if [ -n "$2" ]; then args+=("$1=$2"); fi
}
case "$command" in
  new)
    args+=("--title=${INCIDENT_TITLE:-}" "--component=${INCIDENT_COMPONENTS:-}" "--severity=${INCIDENT_SEVERITY:-}")
    optional --cause "${INCIDENT_CAUSE:-}"
    optional --message "${INCIDENT_MESSAGE:-}"
    optional --started "${INCIDENT_STARTED:-}"
    optional --maintenance-until "${INCIDENT_UNTIL:-}"
    summary="${INCIDENT_TITLE:-}"
    ;;
  update)
    args+=("--status=${INCIDENT_STATUS:-}" "--message=${INCIDENT_MESSAGE:-}")
    optional --at "${INCIDENT_AT:-}"
    args+=(-- "${INCIDENT_SLUG:-}")  # after --, a slug that starts with '-' is still a slug
    summary="${INCIDENT_STATUS:-}: ${INCIDENT_SLUG:-}"
    ;;
  resolve)
    optional --message "${INCIDENT_MESSAGE:-}"
    optional --at "${INCIDENT_AT:-}"
    args+=(-- "${INCIDENT_SLUG:-}")
    summary="${INCIDENT_SLUG:-}"
    ;;
  *)
    echo "usage: incident.sh new|update|resolve" >&2
    exit 2
    ;;
esac

# Each attempt starts from the branch as it is on the remote now and runs the command again, so a change
# someone pushed meanwhile (even to the same incident) is seen, validated against, and never overwritten;
# two reports of the same title get different file names.
for attempt in 1 2 3 4 5; do
  git fetch --quiet "$remote" "$branch"
  git reset --quiet --hard FETCH_HEAD
  # No terminal to answer questions: every prompt gets end-of-input, and a missing field is an error.
  $generate "$command" "${args[@]}" </dev/null
  git add -A incidents
  changed=$(git diff --cached --name-only -- incidents)
  if [ -z "$changed" ]; then
    echo "nothing changed in incidents/" >&2
    exit 1
  fi
  # The commit message is built by printf from the variables, never evaluated.
  printf 'Incident %s: %s\n\nFrom the GitHub form, run by %s.\n' "$command" "$summary" "${GITHUB_ACTOR:-unknown}" \
    | git commit --quiet --file=-
  if git push --quiet "$remote" "HEAD:refs/heads/$branch"; then
    echo "incident file: $changed"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      printf 'Incident file: `%s`\n' "$changed" >>"$GITHUB_STEP_SUMMARY"
    fi
    exit 0
  fi
  sleep $((attempt * ${RETRY_SECONDS:-2}))
done
echo "could not push the incident after 5 attempts: the main branch keeps changing; run the form again" >&2
exit 1
