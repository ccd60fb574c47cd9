#!/usr/bin/env bash
# The performance benchmark: direct TLS+CONNECT vs socat vs the real `xcptunnel serve`, against the simulated
# pool's bulk-data console. Builds Release, installs Debian's socat if missing (as root), runs, and writes
# bench/RESULTS.md; unmet targets are marked in the table (it exits non-zero only when it could not run). Extra arguments go to the benchmark (e.g.
# --transfer-mib 256 --repeats 1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v socat >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends socat
  else
    echo "bench.sh: socat is missing (run: sudo apt-get install socat)" >&2
    exit 1
  fi
fi

dotnet build -c Release --nologo -v q src/XcpTunnel/XcpTunnel.csproj
dotnet build -c Release --nologo -v q bench/XcpTunnel.Benchmarks/XcpTunnel.Benchmarks.csproj
exec dotnet bench/XcpTunnel.Benchmarks/bin/Release/net10.0/XcpTunnel.Benchmarks.dll \
  --xcptunnel src/XcpTunnel/bin/Release/net10.0/xcptunnel --output bench/RESULTS.md "$@"
