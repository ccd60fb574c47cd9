#!/usr/bin/env bash
# Packs the framework-dependent dotnet tool (needs the .NET 10 runtime with ASP.NET Core):
#   packaging/build-tool.sh           -> artifacts/tool/xcptunnel.<version>.nupkg
# Install it with: dotnet tool install -g --add-source artifacts/tool xcptunnel
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/lib.sh

out=artifacts/tool
rm -rf "$out"
dotnet pack src/XcpTunnel -c Release -o "$out" --nologo >&2
package="$out/xcptunnel.$(csproj_version).nupkg"
[ -f "$package" ] || { echo "build-tool: $package was not made" >&2; exit 1; }
echo "$package"
