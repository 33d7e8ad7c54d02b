# Shared by scripts/demo and scripts/test: install the Debian packages that
# are missing, then configure (once) and build in Release. Sourced, not run.
set -Eeuo pipefail

CELLFIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${CELLFIT_BUILD_DIR:-$CELLFIT_ROOT/build}
FUZZ_DIR=${CELLFIT_FUZZ_DIR:-$CELLFIT_ROOT/build-fuzz}
REFERENCE_DIR=${CELLFIT_REFERENCE_DIR:-$CELLFIT_ROOT/../shared/reference}

# What the build (with its tests) needs on Debian 12 (bookworm)...
PACKAGES=(
  cmake ninja-build g++
  libboost-dev libboost-program-options-dev
  nlohmann-json3-dev libeigen3-dev
  catch2
  libpagmo-dev               # optimizer.pagmo.* (brings Eigen, TBB, Boost.Serialization)
  libnlopt-dev               # optimizer.nlopt.*
  # The Python package (`import cellfit`): Debian's Python, numpy, pybind11,
  # and what its tests and the toolbox's habits use (Brian 2's units, pandas).
  python3-dev python3-venv python3-numpy pybind11-dev
  python3-pytest python3-brian python3-pandas
  # MPI: `mpirun cellfit fit|batch` over ranks (Open MPI, Boost.MPI).
  openmpi-bin libopenmpi-dev libboost-mpi-dev
  # The report pages' test in a real browser (headless).
  chromium
)
# ...and what scripts/test adds for the fuzz target (libFuzzer, ASan, UBSan).
FUZZ_PACKAGES=(clang libclang-rt-14-dev)

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }
trap 'die "${BASH_SOURCE[0]##*/}: the step above failed (line $LINENO)"' ERR

# install_packages PACKAGE...: installs those that are missing.
install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all $# present, nothing to install"
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

# The Python package: a virtual environment at .venv that sees Debian's
# packages (brian2, numpy, pandas) and the package built in build/python
# through a .pth file, so `.venv/bin/python -c "import cellfit"` works in any
# shell. (Debian's own python3 refuses pip installs, PEP 668.)
VENV_DIR=${CELLFIT_VENV_DIR:-$CELLFIT_ROOT/.venv}
python_env() {
  [ -f "$BUILD_DIR/python/cellfit/__init__.py" ] || die "the Python package was not built (see the configure step: python3-dev and pybind11-dev)"
  if [ ! -x "$VENV_DIR/bin/python" ]; then
    say "creating the Python environment $VENV_DIR (Debian's python3, with its packages)"
    /usr/bin/python3 -m venv --system-site-packages "$VENV_DIR"
  fi
  local site
  site=$("$VENV_DIR/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  # An absolute path: a .pth line is read relative to site-packages.
  printf '%s\n' "$(realpath "$BUILD_DIR/python")" > "$site/cellfit.pth"
  "$VENV_DIR/bin/python" -c "import cellfit" || die "$VENV_DIR/bin/python cannot import cellfit"
  say "Python: $VENV_DIR/bin/python imports cellfit $("$VENV_DIR/bin/python" -c 'import cellfit; print(cellfit.__version__)') from $BUILD_DIR/python"
}

# The libFuzzer target over the model language, built by clang with ASan and
# UBSan, then run for FUZZ_SECONDS (default 60) from the reference corpus.
fuzz() {
  local seconds=${FUZZ_SECONDS:-60}
  [ -f "$REFERENCE_DIR/syntax/accept.txt" ] || die "the Brian 2 reference corpus is missing at $REFERENCE_DIR (set CELLFIT_REFERENCE_DIR)"
  if [ ! -f "$FUZZ_DIR/CMakeCache.txt" ]; then
    say "configuring the fuzz build $FUZZ_DIR (clang, ASan, UBSan, libFuzzer)"
    cmake -S "$CELLFIT_ROOT" -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++ -DCELLFIT_FUZZ=ON \
      -DCELLFIT_BUILD_TESTS=OFF -DCELLFIT_BUILD_EXAMPLES=OFF -DCELLFIT_BUILD_BENCH=OFF
  fi
  say "building the fuzz targets"
  cmake --build "$FUZZ_DIR" --target cellfit_fuzz_model cellfit_fuzz_csv cellfit_fuzz_ini cellfit_fuzz_seeds -j "$(nproc)"
  "$FUZZ_DIR/cellfit_fuzz_seeds" "$REFERENCE_DIR" "$FUZZ_DIR/seeds"
  # Seeds of the readers: the project's own small CSV and INI files.
  mkdir -p "$FUZZ_DIR/seeds-csv" "$FUZZ_DIR/seeds-ini"
  find "$CELLFIT_ROOT/tests" "$CELLFIT_ROOT/examples" -name '*.csv' -size -64k -exec cp {} "$FUZZ_DIR/seeds-csv/" \; 2>/dev/null || true
  find "$CELLFIT_ROOT/examples" -name '*.ini' -exec cp {} "$FUZZ_DIR/seeds-ini/" \; 2>/dev/null || true
  run_fuzzer model "$seconds" "$FUZZ_DIR/seeds"
  # At least a second each: libFuzzer reads -max_total_time=0 as no limit.
  run_fuzzer csv "$(( seconds / 3 > 0 ? seconds / 3 : 1 ))" "$FUZZ_DIR/seeds-csv"
  run_fuzzer ini "$(( seconds / 6 > 0 ? seconds / 6 : 1 ))" "$FUZZ_DIR/seeds-ini"
}

# run_fuzzer NAME SECONDS SEEDS: one libFuzzer target; a crash, hang or
# sanitizer report fails with the input that triggers it.
run_fuzzer() {
  local name=$1 seconds=$2 seeds=$3
  mkdir -p "$FUZZ_DIR/corpus-$name" "$FUZZ_DIR/artifacts"
  say "fuzzing the $name reader for ${seconds} s (a crash, hang or sanitizer report fails)"
  local log="$FUZZ_DIR/fuzz-$name.log"
  if ! "$FUZZ_DIR/cellfit_fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$FUZZ_DIR/artifacts/$name-" -print_final_stats=1 \
      "$FUZZ_DIR/corpus-$name" "$seeds" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    die "the $name fuzzer found a problem (log: $log); the input that triggers it is in $FUZZ_DIR/artifacts/"
  fi
  grep -E "^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))" "$log"
}
