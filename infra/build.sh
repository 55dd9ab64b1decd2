#!/usr/bin/env bash
# Compiles infra/main.bicep with the Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored through
# infra/tools/BicepCli.csproj, so only NuGet needs to be reachable). Fails on any error or warning.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

dotnet restore "$here/tools/BicepCli.csproj" --nologo -v quiet >/dev/null
package="$(dotnet msbuild "$here/tools/BicepCli.csproj" -nologo -t:PrintBicepPath | sed -n 's/^ *BICEP_PACKAGE=//p' | tail -1)"
bicep="$package/tools/bicep"
if [ ! -f "$bicep" ]; then
  echo "infra/build.sh: the Bicep CLI was not found at '$bicep' after restoring infra/tools/BicepCli.csproj" >&2
  exit 1
fi
chmod +x "$bicep" 2>/dev/null || true
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}"

status=0
output="$("$bicep" build "$here/main.bicep" --stdout 2>&1 >/dev/null)" || status=$?
if [ -n "$output" ]; then printf "%s\n" "$output"; fi
if [ "$status" -ne 0 ] || echo "$output" | grep -qiE '(error|warning)'; then
  echo "infra/build.sh: main.bicep has errors or warnings" >&2
  exit 1
fi
echo "infra/build.sh: main.bicep compiles cleanly ($("$bicep" --version 2>/dev/null | head -1))"
