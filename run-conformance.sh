#!/usr/bin/env bash
# Runs the Anomalies API conformance suite. With no arguments: builds, starts the embedded reference server
# on a free loopback port with a fresh database, runs every suite over HTTP and writes reports/latest/.
# Every flag goes to the runner; `./run-conformance.sh --help` lists them. Afterwards ReportGenerator renders
# the run's spec coverage (spec-coverage/index.html) when it is available.
# Exit codes: 0 every checked MUST rule passed, 1 a MUST rule failed, 2 usage or configuration error,
# 3 target unreachable or setup failed. With --fail-on regressions (--baseline, or compare A B), 1 means a rule
# newly failed against the baseline.
# With --compare-target (two targets, the same checks), 1 means a rule's verdict differs between them.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The build configuration is the caller's choice (CONFIGURATION=Release); the artifacts folder is named after it.
configuration=${CONFIGURATION:-Debug}
if ! build_log=$(dotnet build suites/AnomaliesConformance.Runner/AnomaliesConformance.Runner.csproj -c "$configuration" -nologo -v quiet 2>&1); then
  echo "$build_log" >&2
  echo "setup failed: the runner and suite did not build" >&2
  exit 3
fi

status=0
dotnet "artifacts/bin/AnomaliesConformance.Runner/${configuration,,}/AnomaliesConformance.Runner.dll" "$@" || status=$?
# compare and verify read finished runs and write no report; merge renders no spec coverage (its shards measured their own).
[[ "${1:-}" == compare || "${1:-}" == verify || "${1:-}" == merge ]] && exit "$status"

# The run wrote spec-coverage.cobertura.xml (the OpenAPI document as the "source file", one hit count per
# line); ReportGenerator renders it as spec-coverage/index.html. Without the tool the run still stands.
out=reports/latest
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:-}"; shift ;;
    --out=*) out="${1#--out=}" ;;
  esac
  shift
done
if [[ -f "$out/spec-coverage.cobertura.xml" ]]; then
  if dotnet tool restore >/dev/null 2>&1 && dotnet tool run reportgenerator "-reports:$out/spec-coverage.cobertura.xml" \
      "-targetdir:$out/spec-coverage" -reporttypes:Html "-title:OpenAPI spec coverage" -verbosity:Warning >/dev/null 2>&1; then
    echo "Spec coverage page: $out/spec-coverage/index.html"
  else
    echo "Spec coverage page not rendered: ReportGenerator is unavailable (dotnet tool restore installs it); spec-coverage.json has the same data"
  fi
fi
exit "$status"
