#!/usr/bin/env bash
# Runs the project's own tests: the reference server, the suite's plumbing, the specs (including the
# Spectral lint) and the self-tests that run the suite with each reference fault on.
# Ends with one line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The HTML report is checked in Debian's Chromium (driven by Playwright, which never downloads a browser).
# Installed only when missing; CI runs as root. Without it the browser tests skip locally and fail on CI.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the report's browser tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
      || echo "could not install chromium; the browser tests will skip (and fail on CI)" >&2
  else
    echo "chromium is missing and cannot be installed here (needs root and apt-get); the browser tests will skip" >&2
  fi
fi

# Spectral (the OpenAPI lint the tests run) comes from npm at the version package-lock.json pins.
npm ci --no-audit --no-fund --loglevel=error >/dev/null
dotnet tool restore >/dev/null
# The build configuration is the caller's choice (CONFIGURATION=Release); nothing below assumes one.
configuration=${CONFIGURATION:-Debug}
dotnet build AnomaliesConformance.sln -c "$configuration" -nologo -v quiet

results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test suites/AnomaliesConformance.SelfTests/AnomaliesConformance.SelfTests.csproj -c "$configuration" --no-build -nologo \
  --logger "trx;LogFileName=selftests.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

trx="$results/selftests.trx"
if [[ ! -f "$trx" ]]; then
  echo "no test results were written ($trx)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+'; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
# Ignored and explicit tests are counted by VSTest only as not executed: total minus executed.
skipped=$(( $(counter total) - $(counter executed) + $(counter inconclusive) ))
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
