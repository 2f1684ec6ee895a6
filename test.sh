#!/usr/bin/env bash
# The one test command of JobSafety:  ./test.sh [--stop-services] [extra `dotnet test` arguments]
#
#  1. starts (or reuses) the throwaway PostgreSQL/Redis of scripts/services.sh and exports their env,
#  2. builds JobSafety.sln in Release and runs every test project of the solution in one `dotnet test`,
#  3. reads the TRX files and prints one line `N passed, N failed[, N skipped]`.
# Exit status: non-zero when the build fails, a test fails, `dotnet test` fails, or no test ran.
# The services stay up afterwards so the next run reuses them; `--stop-services` stops them at the end
# (or run `scripts/services.sh stop`). Other arguments go to `dotnet test`, e.g. ./test.sh --filter Foo
# The behaviour does not depend on $CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

STOP_SERVICES=0
TEST_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --stop-services) STOP_SERVICES=1 ;;
        *) TEST_ARGS+=("$arg") ;;
    esac
done

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS_DIR="$PWD/TestResults"

summary() { # summary PASSED FAILED SKIPPED
    if (( $3 > 0 )); then echo "$1 passed, $2 failed, $3 skipped"; else echo "$1 passed, $2 failed"; fi
}

finish() {
    local rc=$1
    if (( STOP_SERVICES )); then scripts/services.sh stop 8>&- || true; fi
    exit "$rc"
}

# Two full runs in the same checkout would fight over bin/obj and TestResults: run them one at a time.
# Every child gets `8>&-`: long-lived processes (the database daemons, MSBuild nodes, the compiler
# server) must not inherit the lock descriptor, or they would hold the lock after this script exits.
mkdir -p .services
exec 8>.services/test.lock
if ! flock -n 8; then
    echo "test.sh: another ./test.sh is running in this checkout; waiting for it..."
    flock 8
fi

echo "==> starting test services (scripts/services.sh start)"
if ! scripts/services.sh start 8>&-; then
    echo "test.sh: the test services could not be started (see the error above)." >&2
    summary 0 0 0
    finish 1
fi
eval "$(scripts/services.sh env 8>&-)"

rm -rf "$RESULTS_DIR"

echo "==> dotnet build JobSafety.sln -c Release"
if ! dotnet build JobSafety.sln -c Release 8>&-; then
    echo "test.sh: BUILD FAILED - no test was run." >&2
    summary 0 0 0
    finish 1
fi

# LogFilePrefix, not LogFileName: with one LogFileName every test project of the solution writes the same
# file and the last one overwrites the others. A prefix gives one <prefix>_<tfm>_<timestamp>.trx per test
# project and target framework (the logger reserves unique names).
echo "==> dotnet test JobSafety.sln -c Release --no-build ${TEST_ARGS[*]:-}"
test_rc=0
dotnet test JobSafety.sln -c Release --no-build \
    --logger "trx;LogFilePrefix=results" --results-directory "$RESULTS_DIR" \
    "${TEST_ARGS[@]}" 8>&- || test_rc=$?

# Count UnitTestResult outcomes over all TRX files. The XML writer escapes '>' and '"' inside attribute
# values, so '<UnitTestResult [^>]*>' is exactly one start tag and ' outcome="..."' its outcome attribute.
passed=0 failed=0 skipped=0 files=0
shopt -s nullglob globstar
for trx in "$RESULTS_DIR"/**/*.trx; do
    files=$((files + 1))
    while read -r outcome; do
        case "$outcome" in
            Passed) passed=$((passed + 1)) ;;
            NotExecuted) skipped=$((skipped + 1)) ;; # xunit Skip
            *) failed=$((failed + 1)) ;;            # Failed, Error, Timeout, Aborted, ...
        esac
    done < <(grep -o '<UnitTestResult [^>]*>' "$trx" | grep -o ' outcome="[^"]*"' | sed 's/.*="\(.*\)"/\1/')
done

echo
summary "$passed" "$failed" "$skipped"

rc=0
if (( failed > 0 )); then
    rc=1
elif (( passed == 0 )); then
    echo "test.sh: no test ran (TRX files found: $files) - treating this as a failure." >&2
    rc=1
elif (( test_rc != 0 )); then
    echo "test.sh: dotnet test exited with $test_rc although no test failed (test host crash?) - see above." >&2
    rc=$test_rc
fi
finish "$rc"
