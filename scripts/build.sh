#!/usr/bin/env bash
# Configures and builds govhub.
#   scripts/build.sh        build/ (binary: build/govhub), RelWithDebInfo
#   scripts/build.sh server build/ with only what `make run` serves: govhub and govhub-sandbox
#   scripts/build.sh asan   build-asan/: AddressSanitizer + UndefinedBehaviorSanitizer, at -O1 with
#                           line tables (-g1) to build faster, plus the fuzz corpus replay
#                           (govhub_fuzz); `make test` runs the unit tests and the SQLite
#                           integration suite on it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
set -- "${1:-plain}"
case $1 in
  plain | server)
    if [[ ! -f build/build.ninja ]]; then
      cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
    fi
    if [[ $1 == server ]]; then
      cmake --build build -j"$(nproc)" --target govhub govhub-sandbox
    else
      cmake --build build -j"$(nproc)"
    fi
    ;;
  asan)
    if [[ ! -f build-asan/build.ninja ]]; then
      cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
        -DGOVHUB_SANITIZE=address,undefined -DGOVHUB_FUZZ=replay
    fi
    cmake --build build-asan -j"$(nproc)"
    ;;
  *) echo "usage: scripts/build.sh [plain|server|asan]"; exit 2 ;;
esac
