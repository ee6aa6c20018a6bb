#!/usr/bin/env bash
# Sets up a Debian 12 machine for svcsim: installs the Debian packages the build needs (only when
# one is missing, so a second run is quick) and builds the release preset.
set -euo pipefail

cd "$(dirname "$0")/.."

# Every Debian package the project needs; README.md ("Dependencies") says why each is there.
packages=(
  g++ cmake ninja-build git
  clang-14 libclang-rt-14-dev
  libfmt-dev libyaml-cpp-dev libboost-graph-dev nlohmann-json3-dev libcli11-dev
  librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libwim-dev wimtools libmspack-dev gcab libpugixml-dev
)

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} Debian packages already installed"
else
  echo "setup: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  apt_prefix=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      apt_prefix=(sudo)
    else
      echo "setup: not root and no sudo; install these packages first: ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${apt_prefix[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${apt_prefix[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

echo "setup: configuring the release preset"
cmake --preset release
echo "setup: building the release preset"
cmake --build --preset release
echo "setup: done; the CLI is build/release/cli/svcsim"
