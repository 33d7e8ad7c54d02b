# Shared by scripts/demo and scripts/test: install the Debian packages that
# are missing, then configure (once) and build in Release. Sourced, not run.
set -Eeuo pipefail

CELLFIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${CELLFIT_BUILD_DIR:-$CELLFIT_ROOT/build}

# Everything the build and the tests need on Debian 12 (bookworm).
PACKAGES=(
  cmake ninja-build g++
  libboost-dev libboost-program-options-dev
  nlohmann-json3-dev
  catch2
)

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }
trap 'die "${BASH_SOURCE[0]##*/}: the step above failed (line $LINENO)"' ERR

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all ${#PACKAGES[@]} present, nothing to install"
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found; install these packages yourself: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo; as root run: apt-get install -y ${missing[*]}"
    sudo=sudo
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  if [ -f "$BUILD_DIR/CMakeCache.txt" ]; then
    say "configuring $BUILD_DIR (already set up: only changes are applied)"
    cmake -S "$CELLFIT_ROOT" -B "$BUILD_DIR" -DCELLFIT_WERROR=ON
  else
    say "configuring $BUILD_DIR (Release, Ninja)"
    cmake -S "$CELLFIT_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCELLFIT_WERROR=ON
  fi
  say "building with $(nproc) jobs (up to date targets are skipped)"
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}
