#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the Debian packages the tests talk to (real peers such
# as openssl's s_server), then `dotnet test`. Under CI=true a missing peer fails its tests, never skips.
set -euo pipefail
cd "$(dirname "$0")"

# Real peers used by the tests, from Debian.
packages=(openssl ca-certificates tigervnc-standalone-server x11-xserver-utils vncsnapshot gvncviewer netpbm socat tigervnc-viewer xvfb x11-apps prometheus systemd
  remmina remmina-plugin-vnc tigervnc-tools tesseract-ocr tesseract-ocr-eng xdotool openssh-server openssh-client passwd iproute2 coreutils curl stunnel4
  chromium)

# Packages whose postinst enables (and, where systemd runs, starts) a system service. The tests start their own
# sshd, prometheus and stunnel on free ports with their own configuration; the machine's must stay off. Only the services of
# packages installed by this run are switched off: a service someone enabled before is theirs.
declare -A services_of=([openssh-server]="ssh.service ssh.socket" [prometheus]="prometheus.service" [stunnel4]="stunnel.target stunnel4.service")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    for p in "${missing[@]}"; do
      for unit in ${services_of[$p]:-}; do
        systemctl disable --quiet "$unit" 2>/dev/null || true
        systemctl stop "$unit" 2>/dev/null || true
      done
    done
  else
    echo "test.sh: missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

dotnet test XcpTunnel.sln --nologo "$@"
