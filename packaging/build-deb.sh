#!/usr/bin/env bash
# Builds the Native AOT binary for linux-x64 and the Debian package around it:
#   packaging/build-deb.sh            -> artifacts/xcptunnel_<version>_amd64.deb
# The publish fails on any trim/AOT warning (TreatWarningsAsErrors reaches the IL compiler).
# As root it installs the Debian packages the native link needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/lib.sh

# The IL compiler links with clang, else gcc; binutils' objcopy splits the debug symbols off.
ensure_debian_packages gcc libc6-dev binutils

version=$(csproj_version)
out=artifacts/deb
stage=$out/xcptunnel_${version}_amd64
deb=artifacts/xcptunnel_${version}_amd64.deb
rm -rf "$out" "$deb"
mkdir -p "$out"

start=$SECONDS
dotnet publish src/XcpTunnel -c Release -r linux-x64 -p:PublishAot=true -o "$out/publish" --nologo >&2
echo "build-deb: AOT publish took $((SECONDS - start)) s" >&2
binary=$out/publish/xcptunnel

install -D -m 0755 "$binary" "$stage/usr/bin/xcptunnel"
install -D -m 0644 xcptunnel.service "$stage/lib/systemd/system/xcptunnel.service"
install -D -m 0644 packaging/systemd/xcptunnel.socket "$stage/lib/systemd/system/xcptunnel.socket"
install -D -m 0644 packaging/debian/sysusers.conf "$stage/usr/lib/sysusers.d/xcptunnel.conf"
install -D -m 0640 packaging/xcptunnel.json "$stage/etc/xcptunnel/xcptunnel.json"
doc=$stage/usr/share/doc/xcptunnel
install -D -m 0644 README.md "$doc/README.md"
install -D -m 0644 packaging/debian/copyright "$doc/copyright"

# The --help of every command, from the binary being packaged, so it cannot drift from the code.
mkdir -p "$doc/help"
"$binary" --help > "$doc/help/xcptunnel.txt"
commands=$(sed -n '/^Commands:/,/^$/p' "$doc/help/xcptunnel.txt" | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || { echo "build-deb: found no commands in xcptunnel --help" >&2; exit 1; }
for c in $commands; do
  "$binary" "$c" --help > "$doc/help/xcptunnel-$c.txt"
done
chmod 0644 "$doc"/help/*.txt

# Libraries: the ELF's own (libc, libm) plus the one the runtime dlopens for TLS (libssl3).
# No libicu (InvariantGlobalization) and no zlib1g (the runtime links its own zlib-ng).
needed=$(objdump -p "$binary" | awk '/NEEDED/ { print $2 }' | sort | tr '\n' ' ')
for lib in $needed; do
  case "$lib" in
    libc.so.6|libm.so.6|ld-linux-x86-64.so.2) ;;
    *) echo "build-deb: the binary needs $lib, which DEBIAN/control does not list" >&2; exit 1 ;;
  esac
done
glibc=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)

mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<EOF
Package: xcptunnel
Version: $version
Architecture: amd64
Maintainer: XcpTunnel developers <xcptunnel@localhost>
Section: net
Priority: optional
Depends: libc6 (>= $glibc), libssl3
Recommends: ca-certificates
Suggests: tigervnc-viewer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Description: VNC tunnels to XenServer / XCP-ng VM consoles
 xcptunnel makes every VM console of a Xen Cloud Platform, XenServer or
 XCP-ng pool reachable as a plain VNC server on a local port, for TigerVNC,
 Remmina, gvncviewer or noVNC. One XAPI session per pool, TLS checked against
 pinned fingerprints, a CA file or the system store; failures are told to the
 viewer in RFB.
 .
 This package has the daemon (xcptunnel.service, sandboxed, with an example
 socket unit) and the command-line tool, whose commands are:
 $(echo $commands | sed 's/ /, /g').
 The binary is compiled ahead of time (Native AOT): no .NET runtime is needed.
EOF
echo /etc/xcptunnel/xcptunnel.json > "$stage/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/postrm "$stage/DEBIAN/"

# Reproducible timestamps: the last commit's, when there is one.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
dpkg-deb --build --root-owner-group "$stage" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1); binary $(du -h "$binary" | cut -f1))" >&2
echo "$deb"
