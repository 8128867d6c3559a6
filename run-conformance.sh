#!/usr/bin/env bash
# Runs the Anomalies API conformance suite. With no arguments: builds, starts the embedded reference server
# on a free loopback port with a fresh database, runs every suite over HTTP and writes reports/latest/.
# Every flag goes to the runner; `./run-conformance.sh --help` lists them.
# Exit codes: 0 every checked MUST rule passed, 1 a MUST rule failed, 2 usage or configuration error,
# 3 target unreachable or setup failed.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! build_log=$(dotnet build suites/AnomaliesConformance.Suite/AnomaliesConformance.Suite.csproj -nologo -v quiet 2>&1); then
  echo "$build_log" >&2
  echo "setup failed: the suite did not build" >&2
  exit 3
fi

exec dotnet artifacts/bin/AnomaliesConformance.Suite/debug/AnomaliesConformance.Suite.dll "$@"
