#!/usr/bin/env bash
# Builds the suite's image (default tag anomalies-conformance:local) with no registry: the runner and the
# reference server published in the repository's artifacts layout, specs/, on the local base image
# (fixtures/ReferenceServer/docker/build-base-image.sh), through this folder's Dockerfile.
# With a registry, pass BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0 to use the public base instead.
# Needs: DOCKER_HOST pointing at a running engine; debootstrap and root for the local base. Usage: build-image.sh [TAG]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
tag="${1:-anomalies-conformance:local}"
base="${BASE_IMAGE:-$("$root/fixtures/ReferenceServer/docker/build-base-image.sh")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The runner finds the repository by AnomaliesConformance.sln above it and the reference server beside it
# (artifacts/bin/PROJECT/release/), so the image keeps that layout.
suite="$work/suite"
mkdir -p "$suite"
for project in suites/AnomaliesConformance.Runner/AnomaliesConformance.Runner.csproj fixtures/ReferenceServer/AnomaliesConformance.ReferenceServer.csproj; do
  name="$(basename "$project" .csproj)"
  dotnet publish "$root/$project" -c Release -o "$suite/artifacts/bin/$name/release" -nologo -v quiet
done
cp "$root/AnomaliesConformance.sln" "$suite/"
cp -a "$root/specs" "$suite/specs"
cp "$here/docker-entrypoint.sh" "$suite/"
cp "$here/Dockerfile" "$work/Dockerfile"
docker build -q --build-arg BASE_IMAGE="$base" -t "$tag" "$work" >/dev/null
echo "$tag"
