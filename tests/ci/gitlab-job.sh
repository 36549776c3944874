#!/usr/bin/env bash
# Runs the `script:` lines of the GitLab job in README.md (between <!-- gitlab-job --> and
# <!-- /gitlab-job -->) the way a GitLab runner's bash does (errexit, pipefail), in the demo
# repository, with the merge-request variables of the demo series (upstream..series).
# `revertcheck` must be on PATH. Prints the job's exit status and where the artifact is; exits 0
# when GitLab would keep the artifact and treat the status as allowed.
# Usage: tests/ci/gitlab-job.sh [workdir]
set -euo pipefail
readme="$(cd "$(dirname "$0")/../.." && pwd)/README.md"
WORK=${1:-$(mktemp -d)}
repo="$WORK/demo"
rm -rf "$repo"
revertcheck demo --keep "$repo" > /dev/null || [ $? -eq 1 ]   # the demo has findings: exit 1
job=$(sed -n '/<!-- gitlab-job -->/,/<!-- \/gitlab-job -->/p' "$readme")
# The list items under `script:` up to the next key of the job.
script=$(printf '%s\n' "$job" | awk '/^  script:/{on=1;next} /^  [a-z_]+:/{on=0} on && /^    - /{sub(/^    - /,""); print}')
allowed=$(printf '%s\n' "$job" | sed -n 's/^    exit_codes: \[\(.*\)\]/\1/p')
artifact=$(printf '%s\n' "$job" | sed -n 's/^      codequality: //p')
[ -n "$script" ] && [ -n "$artifact" ] || { echo "no job found in $readme" >&2; exit 2; }
export CI=true CI_PIPELINE_SOURCE=merge_request_event
export CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git -C "$repo" rev-parse upstream)
export CI_COMMIT_SHA=$(git -C "$repo" rev-parse series)
set +e
(cd "$repo" && bash -eo pipefail -c "$script") > "$WORK/job.log" 2>&1
status=$?
set -e
echo "job exit status $status (allowed: ${allowed:-none}); artifact $repo/$artifact; log $WORK/job.log"
[ -s "$repo/$artifact" ] || { echo "no artifact" >&2; exit 1; }
case ",${allowed// /}," in *",$status,"*) exit 0 ;; esac
[ "$status" -eq 0 ]
