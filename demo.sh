#!/usr/bin/env bash
# JobSafety's main job, shown on the sample app (samples/CommentsApp) and live:
#   the analyzers' findings on code whose side effects escape their transactions.
set -euo pipefail
cd "$(dirname "$0")"

echo "== JobSafety analyzers on samples/CommentsApp =="
echo "   (Unsafe/ has the mistakes; Fixed/ is the same code done right and must show nothing)"
echo
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet build samples/CommentsApp/CommentsApp.csproj --no-incremental -nologo -v:q -clp:NoSummary >"$log" 2>&1; then
  echo "error: building the sample failed (dotnet build samples/CommentsApp/CommentsApp.csproj):" >&2
  tail -n 30 "$log" >&2
  echo "Try 'dotnet restore JobSafety.sln' first, and check the .NET SDK with 'dotnet --info'." >&2
  exit 2
fi

findings=$(grep -oE '[^ ]+\.cs\([0-9]+,[0-9]+\): warning JS[0-9]{4}: .*' "$log" | sed -E 's/ \[[^]]*\]$//' | sort -u || true)
if [ -z "$findings" ]; then
  echo "No findings: something is wrong, the sample's Unsafe/ code should be flagged." >&2
  exit 1
fi

current=""
count=0
while IFS= read -r line; do
  file=${line%%(*}
  rel=${file#"$PWD/"}
  rest=${line#*(}
  pos=${rest%%)*}
  msg=${rest#*: warning }
  id=${msg%%:*}
  text=${msg#*: }
  text=${text% (https*}
  if [ "$rel" != "$current" ]; then
    echo "$rel"
    current=$rel
  fi
  printf '  line %-6s %s  %s\n' "${pos%%,*}" "$id" "$text"
  count=$((count + 1))
done <<< "$findings"
echo
echo "$count findings. Each names the call (and the chain of calls that leads to it), the transaction and the line it was opened on."
echo "Rule pages: docs/rules/JS0001.md ... JS0005.md"
if grep -q 'Fixed/' <<< "$findings"; then
  echo "error: findings in Fixed/ (false positives)" >&2
  exit 1
fi

echo
echo "== jobsafety scan samples/CommentsApp (the same analyzers from the command line; see docs/getting-started.md) =="
echo
if ! dotnet build src/Cli/JobSafety.Cli.csproj -nologo -v:q -clp:NoSummary >"$log" 2>&1; then
  echo "error: building the CLI failed (dotnet build src/Cli/JobSafety.Cli.csproj):" >&2
  tail -n 30 "$log" >&2
  exit 2
fi
scan_rc=0
dotnet src/Cli/bin/Debug/net10.0/jobsafety.dll scan samples/CommentsApp --no-restore || scan_rc=$?
case "$scan_rc" in
  1) echo "(jobsafety scan exits 1 when it finds something: what a CI step wants)" ;;
  0) echo "error: jobsafety scan found nothing in samples/CommentsApp; the Unsafe/ code should be flagged." >&2; exit 1 ;;
  *) echo "error: jobsafety scan failed (exit $scan_rc), see above." >&2; exit "$scan_rc" ;;
esac

echo
echo "== The race at run time: Hangfire + PostgreSQL on local services (scripts/race-demo.sh) =="
echo "   (starts throwaway PostgreSQL/Redis like ./test.sh; the first run may install them with apt-get)"
echo
if ! scripts/race-demo.sh; then
  echo "error: the race demo failed; see above. Check the services with 'scripts/services.sh status'." >&2
  exit 2
fi
