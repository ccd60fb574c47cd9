# Shared by the packaging scripts (sourced, not run).

# ensure_debian_packages PKG...: installs the missing ones as root; as another user, names them and fails.
ensure_debian_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "$(basename "$0"): missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    return 1
  fi
  # A fresh machine may have no package lists yet.
  if ! apt-get install -y -qq --no-install-recommends --dry-run "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# csproj_version: the Version of the xcptunnel project, as MSBuild evaluates it.
csproj_version() {
  dotnet msbuild src/XcpTunnel/XcpTunnel.csproj -nologo -getProperty:Version
}
