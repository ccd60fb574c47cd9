#!/usr/bin/env bash
# The performance benchmark: direct TLS+CONNECT vs socat vs the real `xcptunnel serve`, against the simulated
# pool's bulk-data console. Builds Release, installs Debian's socat if missing (as root), runs, and writes
# bench/RESULTS.md; unmet targets are marked in the table (it exits non-zero only when it could not run). Extra arguments go to the benchmark (e.g.
# --transfer-mib 256 --repeats 1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
Usage: ./bench.sh [OPTION VALUE]...

Builds Release and measures direct TLS+CONNECT, socat and `xcptunnel serve` against the simulated pool's
bulk console (RFB messages only); writes bench/RESULTS.md (its "## Notes" section is kept).

Options (defaults in brackets):
  --transfer-mib N     MiB downloaded and uploaded per throughput run [1024]
  --repeats N          throughput runs per path; the median is reported [3]
  --round-trips N      64-byte round trips per path [5000]
  --setup-samples N    connections timed to ServerInit per path [300]
  --parallel N         parallel downloads [100]
  --parallel-mib N     MiB each parallel download carries [8]
  --idle N             idle connections held to measure RSS [1000]
  --large-pool-vms N   VMs in the large-pool run; 0 skips it [10000]
  --auto-tunnel-vms N  VMs tagged for the generated-tunnels run; 0 skips it [1000]
  --hold-seconds N     the bench tunnel's HoldSeconds; 0 = the plain splice [unset: the daemon's default, 120]
  --output FILE        where the results go [bench/RESULTS.md]
  --socat PATH         the socat binary [socat]
  -h, --help           this text
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac

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
