#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the Debian packages the tests talk to (real peers such
# as openssl's s_server), then `dotnet test`. Under CI=true a missing peer fails its tests, never skips.
set -euo pipefail
cd "$(dirname "$0")"

# Real peers used by the tests, from Debian.
packages=(openssl ca-certificates tigervnc-standalone-server x11-xserver-utils vncsnapshot gvncviewer netpbm socat tigervnc-viewer xvfb x11-apps prometheus systemd
  remmina remmina-plugin-vnc tigervnc-tools tesseract-ocr tesseract-ocr-eng xdotool openssh-server openssh-client passwd iproute2 coreutils curl stunnel4)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # openssh-server's postinst enables the system's ssh service (and starts it where systemd runs). The
    # tests start their own sshd on a free port; the machine's must stay off, so switch it off again.
    if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
      systemctl disable --quiet ssh.service ssh.socket 2>/dev/null || true
      systemctl stop ssh.service ssh.socket 2>/dev/null || true
    fi
    # stunnel4 enables stunnel.target on install; the tests run their own stunnel processes, so no service stays on.
    if printf '%s\n' "${missing[@]}" | grep -qx stunnel4; then
      systemctl disable stunnel.target >/dev/null 2>&1 || rm -f /etc/systemd/system/multi-user.target.wants/stunnel.target
      systemctl disable stunnel4 >/dev/null 2>&1 || true
    fi
  else
    echo "test.sh: missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

dotnet test XcpTunnel.sln --nologo "$@"
