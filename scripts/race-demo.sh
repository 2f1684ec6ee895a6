#!/usr/bin/env bash
# The race JobSafety exists for, live against local services: a comment inserted in a PostgreSQL transaction and a
# Hangfire job that reads it back, processed by a real Hangfire server. Three runs: unguarded (the job misses the
# comment), guarded (JobSafety stops the enqueue), deferred with AfterCommit (the job finds it).
#   scripts/race-demo.sh          starts the test services (scripts/services.sh start) and runs samples/RaceDemo
# Connection string: JOBSAFETY_TEST_PG (default: 127.0.0.1:55432, as the tests).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh start >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet build samples/RaceDemo/RaceDemo.csproj -nologo -v:q -clp:NoSummary >"$log" 2>&1; then
  echo "error: building samples/RaceDemo failed:" >&2
  tail -n 30 "$log" >&2
  exit 2
fi
exec dotnet run --no-build --project samples/RaceDemo/RaceDemo.csproj
