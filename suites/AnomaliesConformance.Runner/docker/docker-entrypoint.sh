#!/bin/sh
# The image's entry point: every argument goes to the runner, which writes its reports to /reports unless the
# command line says where (--out) or runs a command that writes no run's reports (compare and the like, --help).
set -eu
runner=/suite/artifacts/bin/AnomaliesConformance.Runner/release/AnomaliesConformance.Runner.dll
case "${1:-}" in
  ""|-*) ;;
  *) exec dotnet "$runner" "$@" ;;
esac
for argument in "$@"; do
  case "$argument" in
    --out|--out=*|--help|-h|'-?'|--version|--list-faults) exec dotnet "$runner" "$@" ;;
  esac
done
exec dotnet "$runner" --out /reports "$@"
