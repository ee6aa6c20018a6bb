#!/usr/bin/env bash
# Sets up a Debian 12 machine for svcsim: installs the Debian packages the build needs (only when
# one is missing, so a second run is quick), builds the release preset and installs the svcsim
# executable (into /usr/local, or $SVCSIM_INSTALL_PREFIX) so that the `svcsim run ...` lines it
# prints run as printed. Not root: it prints the PATH line to use instead.
set -euo pipefail

cd "$(dirname "$0")/.."

# Every Debian package the project needs; README.md ("Dependencies") says why each is there.
packages=(
  g++ cmake ninja-build git
  clang-14 libclang-rt-14-dev
  libfmt-dev libyaml-cpp-dev libboost-graph-dev nlohmann-json3-dev libcli11-dev
  librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libwim-dev wimtools libmspack-dev gcab libpugixml-dev
  gnuplot-nox librsvg2-bin zlib1g-dev
  openssh-client openssh-server
  # bench/spin_side_by_side.sh: SPIN 6.5.2, the peer the README's figures are measured beside,
  # and GNU time for each tool's wall time and peak resident set (bench.spin_smoke runs it).
  spin time
  # Open MPI: `mpirun -np P svcsim compare ...` splits the fleet between ranks (cluster/); the
  # build finds it (SVCSIM_MPI=AUTO) and registers the MPI tests, and builds without it otherwise.
  openmpi-bin libopenmpi-dev
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

# Profile-guided optimisation (README "Performance"): svcsim is built once instrumented and
# trained on shipped scenarios (scripts/pgo_train.sh, about 4 minutes here), then the preset is
# built from the profiles. A later run finds them (build/release/pgo/trained) and skips the
# training; delete that directory to train again after editing the explorer. SVCSIM_PGO=off
# builds without it. Results never depend on it, only speed.
pgo="${SVCSIM_PGO:-on}"
case "$pgo" in
  on) pgo_choice=use ;;
  off) pgo_choice=OFF ;;
  *) echo "setup: SVCSIM_PGO is '$pgo'; expected on or off" >&2; exit 2 ;;
esac
if [[ "$pgo" == on && ! -f build/release/pgo/trained ]]; then
  echo "setup: profile-guided optimisation: building an instrumented svcsim"
  rm -rf build/release/pgo
  cmake --preset release -DSVCSIM_PGO=generate
  cmake --build build/release --target svcsim
  echo "setup: profile-guided optimisation: training it (scripts/pgo_train.sh)"
  scripts/pgo_train.sh build/release
  touch build/release/pgo/trained
fi
echo "setup: configuring the release preset (SVCSIM_PGO=$pgo_choice)"
cmake --preset release -DSVCSIM_PGO="$pgo_choice"
echo "setup: building the release preset"
cmake --build --preset release

# svcsim on the PATH: every reproduce line it prints starts with `svcsim`.
prefix="${SVCSIM_INSTALL_PREFIX:-/usr/local}"
if ((EUID == 0)) || [[ -w "$prefix" ]]; then
  echo "setup: installing svcsim into $prefix/bin"
  cmake --install build/release --prefix "$prefix"
  case ":$PATH:" in
    *":$prefix/bin:"*) echo "setup: done; svcsim is $prefix/bin/svcsim" ;;
    *) echo "setup: done; $prefix/bin is not on your PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
  esac
else
  echo "setup: done; not root, so svcsim was not installed into $prefix. To run the printed"
  echo "setup: svcsim lines as printed, put the build on your PATH:"
  echo "  export PATH=\"$PWD/build/release/cli:\$PATH\""
fi
