#!/usr/bin/env bash
# The packaging half of CI (run by .ci/run after the tests, as root): builds the .deb, installs it on
# this machine, checks what it installed and runs the installed binary inside the service's sandbox;
# then packs the dotnet tool, installs it into a temporary path and runs it. Any failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/lib.sh

if [ "$(id -u)" -ne 0 ]; then
  echo "ci-check: installs a .deb on this machine, so it runs as root (CI does)" >&2
  exit 1
fi

# systemd-analyze (systemd), the sandbox harness (python3-seccomp), dpkg-statoverride is in dpkg.
ensure_debian_packages systemd python3 python3-seccomp libssl3 ca-certificates

work=$(mktemp -d)
pids=()
users=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for user in "${users[@]}"; do userdel "$user" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "ci-check: $*" >&2; }
fail() { echo "ci-check: FAILED: $*" >&2; exit 1; }

version=$(csproj_version)

step "building the .deb (Native AOT publish, warnings are errors)"
deb=$(packaging/build-deb.sh)

step "installing $deb"
# No prompt (CI has no stdin): a locally edited configuration is kept, as apt would by default.
dpkg -i --force-confdef --force-confold "$deb"
[ "$(dpkg-query -W -f='${Status} ${Version}' xcptunnel)" = "install ok installed $version" ] || fail "xcptunnel $version is not installed"

step "/usr/bin/xcptunnel --version"
installed=$(/usr/bin/xcptunnel --version)
echo "$installed"
case "$installed" in "$version"|"$version"+*) ;; *) fail "--version says $installed, the package is $version" ;; esac
/usr/bin/xcptunnel --help >/dev/null
/usr/bin/xcptunnel vms --help >/dev/null

step "installed files"
dpkg-query -W -f='${Conffiles}\n' xcptunnel | grep -q '^ /etc/xcptunnel/xcptunnel.json ' || fail "/etc/xcptunnel/xcptunnel.json is not a conffile"
[ "$(stat -c '%a %U:%G' /etc/xcptunnel/xcptunnel.json)" = "640 root:xcptunnel" ] \
  || fail "/etc/xcptunnel/xcptunnel.json is $(stat -c '%a %U:%G' /etc/xcptunnel/xcptunnel.json), expected 640 root:xcptunnel"
[ "$(stat -c '%a %U:%G' /etc/xcptunnel)" = "2750 root:xcptunnel" ] \
  || fail "/etc/xcptunnel is $(stat -c '%a %U:%G' /etc/xcptunnel), expected 2750 root:xcptunnel (setgid: rewritten files keep the group)"
getent passwd xcptunnel >/dev/null || fail "the xcptunnel user was not created"
for f in /lib/systemd/system/xcptunnel.service /lib/systemd/system/xcptunnel.socket \
  /usr/share/doc/xcptunnel/copyright /usr/share/doc/xcptunnel/help/xcptunnel-serve.txt; do
  [ -s "$f" ] || fail "$f is missing"
done
# The example configuration is valid as shipped (its pool is not reachable from here, which check reports as such).
XCPTUNNEL_LAB_PASSWORD=example /usr/bin/xcptunnel check --config /etc/xcptunnel/xcptunnel.json >"$work/check.out" 2>&1 && rc=0 || rc=$?
[ "$rc" -ne 2 ] || { cat "$work/check.out" >&2; fail "the packaged configuration is not valid"; }

step "systemd-analyze verify of the installed units"
# No PID 1 systemd is needed: verify loads the units offline. Any complaint fails CI.
if ! out=$(systemd-analyze verify /lib/systemd/system/xcptunnel.service /lib/systemd/system/xcptunnel.socket 2>&1) || [ -n "$out" ]; then
  echo "$out" >&2
  fail "systemd-analyze verify complained"
fi

step "systemd-analyze security (exposure; lower is better)"
systemd-analyze security --offline=true /lib/systemd/system/xcptunnel.service | grep -E '✗|Overall' >&2
exposure=$(systemd-analyze security --offline=true /lib/systemd/system/xcptunnel.service | sed -n 's/.*Overall exposure level for xcptunnel.service: \([0-9.]*\).*/\1/p')
# 1.1 with PrivateUsers=yes; 1.3 since the daemon must see other users (AllowUsers) and ask the kernel over
# AF_NETLINK who a viewer is. A change that loosens the sandbox further must say so here.
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }' || fail "exposure level ${exposure:-unknown} is above 1.5"

# The installed binary under the installed unit's system call filter, address families and
# MemoryDenyWriteExecute (see packaging/sandbox-exec.py: a denied call kills the process).
# exec: the background job is then the daemon itself, so its pid gets the signals and its exit status.
sandboxed() { exec /usr/bin/python3 packaging/sandbox-exec.py /lib/systemd/system/xcptunnel.service "$@"; }

# Reads the RFB ProtocolVersion a server at 127.0.0.1:$1 sends first, retrying while it starts.
rfb_greeting() {
  local port=$1 i
  for i in $(seq 1 100); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      timeout 10 head -c 12 <&3 || true
      exec 3>&-
      return 0
    fi
    sleep 0.1
  done
  return 1
}

step "demo in the sandbox: a viewer gets the simulated console's greeting through TLS, XAPI and CONNECT"
port=$((20000 + RANDOM % 20000))
(sandboxed /usr/bin/xcptunnel demo --port "$port" >"$work/demo.out" 2>"$work/demo.err") &
pids+=($!)
greeting=$(rfb_greeting "$port") || true
if [ "$greeting" != "RFB 003.008" ]; then
  cat "$work/demo.out" "$work/demo.err" >&2
  fail "demo in the sandbox: expected 'RFB 003.008' on port $port, got '$greeting'"
fi
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

step "serve in the sandbox: READY, WATCHDOG and STOPPING reach NOTIFY_SOCKET; tunnels and /healthz answer (the pool is unreachable on purpose)"
tunnel=$((port + 10)); health=$((port + 20))
# Two local accounts: the tunnel admits the first only. Who connects is read from the kernel (sock_diag over
# AF_NETLINK), inside the unit's address-family and system-call filter.
allowed=xctci$RANDOM; refused=xctci$RANDOM
for user in "$allowed" "$refused"; do
  useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  users+=("$user")
done
cat >"$work/xcptunnel.json" <<EOF
{
  "Pools": { "lab": { "Url": "https://127.0.0.1:9", "Username": "root", "Insecure": true } },
  "Tunnels": { "centos": { "Listen": "127.0.0.1:$tunnel", "Pool": "lab", "Vm": "centos", "AllowUsers": ["$allowed"] } },
  "Health": { "Listen": "127.0.0.1:$health" }
}
EOF
# A stand-in for systemd's notify socket, so sd_notify and the watchdog run inside the filter too.
/usr/bin/python3 -c '
import socket, sys
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(notify.recv(4096).decode() + "\n")
' "$work/notify" "$work/notify.log" &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$work/notify" ] && break; sleep 0.1; done
(XCPTUNNEL_LAB_PASSWORD=example NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC=1000000 \
  sandboxed /usr/bin/xcptunnel serve --config "$work/xcptunnel.json" >"$work/serve.log" 2>&1) &
pids+=($!)
healthz=""
for _ in $(seq 1 100); do
  healthz=$({ exec 3<>"/dev/tcp/127.0.0.1/$health"; } 2>/dev/null && printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && timeout 5 cat <&3) && break
  sleep 0.1
done
if ! grep -q '^HTTP/1.[01] 200' <<<"$healthz"; then
  cat "$work/serve.log" >&2
  fail "serve in the sandbox: /healthz did not answer 200"
fi
# A viewer is told in RFB why the console cannot be reached, so the whole failure path ran too.
greeting=$(rfb_greeting "$tunnel") || true
[ "$greeting" = "RFB 003.008" ] || { cat "$work/serve.log" >&2; fail "serve in the sandbox: no RFB greeting on the tunnel (got '$greeting')"; }
# The RFB 3.8 handshake as each user, as a stock viewer does it: the reason it is told.
told_as() {
  setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups /usr/bin/python3 -c '
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def read(n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            sys.exit("closed")
        data += chunk
    return data
read(12); s.sendall(b"RFB 003.008\n")
types = read(read(1)[0]); s.sendall(types[:1])
if struct.unpack(">I", read(4))[0] != 0:
    print(read(struct.unpack(">I", read(4))[0]).decode())
' "$tunnel"
}
told=$(told_as "$refused") || true
[ "$told" = "user '$refused' may not open tunnel 'centos'" ] || { cat "$work/serve.log" >&2; fail "serve in the sandbox: $refused was told '$told'"; }
told=$(told_as "$allowed") || true
case "$told" in "XAPI login failed for root on lab"*) ;; *) cat "$work/serve.log" >&2; fail "serve in the sandbox: $allowed was told '$told', not the pool's reason" ;; esac
sleep 1.5  # two watchdog intervals of 0.5 s
kill -TERM "${pids[-1]}"
wait "${pids[-1]}" && rc=0 || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/serve.log" >&2; fail "serve in the sandbox exited with $rc on SIGTERM"; }
sleep 0.2  # the listener writes what it received
for message in READY=1 WATCHDOG=1 STOPPING=1; do
  grep -qx "$message" "$work/notify.log" || { cat "$work/notify.log" "$work/serve.log" >&2; fail "serve in the sandbox sent no $message to NOTIFY_SOCKET"; }
done

step "dotnet tool: pack, install into a temporary path, run"
package=$(packaging/build-tool.sh)
# A private package cache: the machine's may hold an older build of the same version.
NUGET_PACKAGES="$work/nuget" dotnet tool install --tool-path "$work/tool" --add-source "$(dirname "$package")" xcptunnel --version "$version" >&2
tool_version=$("$work/tool/xcptunnel" --version)
echo "$tool_version"
[ "$tool_version" = "$installed" ] || fail "the dotnet tool says $tool_version, the .deb's binary $installed"
"$work/tool/xcptunnel" vms --help >/dev/null

step "all packaging checks passed"
