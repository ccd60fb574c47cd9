#!/usr/bin/env bash
# Benchmark, not a test: start-up time and idle memory of `xcptunnel serve`, Native AOT binary against
# the JIT build (`dotnet xcptunnel.dll`), with a configuration of 4 tunnels and a pool that refuses
# connections (a failed warm-up login is only a warning).
#
#   packaging/bench-startup.sh [RUNS]       (default 5 runs of each, alternating)
#
# Per run: the time from exec to READY=1 on NOTIFY_SOCKET (a unix datagram socket this script binds),
# the time until every tunnel port accepts a connection, and VmRSS from /proc/PID/status after
# 2 s idle. READY comes only from a daemon that sends sd_notify outside systemd; when none
# arrives the column says so and the port time stands alone. Medians are printed, with ratios.
# Goals: READY < 100 ms, idle RSS < 30 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

out=artifacts/bench
mkdir -p "$out"
aot=artifacts/deb/publish/xcptunnel
if [ ! -x "$aot" ]; then
  dotnet publish src/XcpTunnel -c Release -r linux-x64 -p:PublishAot=true -o "$out/aot" --nologo >&2
  aot=$out/aot/xcptunnel
fi
dotnet publish src/XcpTunnel -c Release -o "$out/jit" --nologo >&2

exec python3 - "$runs" "$aot" "$out/jit/xcptunnel.dll" <<'EOF'
import json, os, signal, socket, statistics, subprocess, sys, tempfile, time

runs, aot, jit = int(sys.argv[1]), sys.argv[2], sys.argv[3]
TUNNELS = 4

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def config(directory):
    ports = [free_port() for _ in range(TUNNELS)]
    cfg = {
        "Pools": {"lab": {"Url": "https://127.0.0.1:9", "Username": "root", "Insecure": True}},
        "Tunnels": {f"t{i}": {"Listen": f"127.0.0.1:{p}", "Pool": "lab", "Vm": f"vm{i}"} for i, p in enumerate(ports)},
        "Health": {"Listen": f"127.0.0.1:{free_port()}"},
    }
    path = os.path.join(directory, "xcptunnel.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path, ports

def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.05):
            return True
    except OSError:
        return False

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None

def run_once(command, directory):
    path, ports = config(directory)
    notify_path = os.path.join(directory, "notify")
    if os.path.exists(notify_path):
        os.unlink(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.setblocking(False)
    env = dict(os.environ, NOTIFY_SOCKET=notify_path, XCPTUNNEL_LAB_PASSWORD="bench", DOTNET_CLI_TELEMETRY_OPTOUT="1")
    start = time.monotonic()
    proc = subprocess.Popen(command + ["serve", "--config", path], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = listening = None
    pending = list(ports)
    deadline = start + 15
    try:
        while time.monotonic() < deadline and (ready is None or pending):
            try:
                message = notify.recv(4096).decode()
                if ready is None and "READY=1" in message.split("\n"):
                    ready = time.monotonic() - start
            except BlockingIOError:
                pass
            while pending and accepts(pending[0]):
                pending.pop(0)
            if not pending and listening is None:
                listening = time.monotonic() - start
            if proc.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {proc.returncode} during start-up")
            if not pending and ready is None and time.monotonic() - start > listening + 2:
                break  # no READY within 2 s of listening: this build sends none outside systemd
            time.sleep(0.001)
        time.sleep(2)
        rss = rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        notify.close()
    return ready, listening, rss

builds = {"AOT": [aot], "JIT": ["dotnet", jit]}
results = {name: [] for name in builds}
with tempfile.TemporaryDirectory() as directory:
    for name, command in builds.items():  # one unmeasured start each, so both read their files from the page cache
        run_once(command, directory)
    for _ in range(runs):
        for name, command in builds.items():
            results[name].append(run_once(command, directory))

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def ms(v): return "no READY" if v is None else f"{v * 1000:.0f} ms"
def mb(v): return "?" if v is None else f"{v / 1024:.1f} MB"
def ratio(a, b): return "" if a is None or b is None or a == 0 else f"{b / a:.1f}x"

rows = []
for label, index, fmt in (("start -> READY=1", 0, ms), (f"start -> {TUNNELS} tunnel ports accept", 1, ms), ("idle VmRSS (2 s after)", 2, mb)):
    a, j = median(r[index] for r in results["AOT"]), median(r[index] for r in results["JIT"])
    rows.append((label, fmt(a), fmt(j), ratio(a, j)))
print(f"xcptunnel serve, {TUNNELS} tunnels, medians of {runs} runs (binary: {os.path.getsize(aot) / 1048576:.1f} MB)")
print(f"{'':34} {'AOT':>10} {'JIT':>10} {'JIT/AOT':>8}")
for label, a, j, r in rows:
    print(f"{label:34} {a:>10} {j:>10} {r:>8}")
EOF
