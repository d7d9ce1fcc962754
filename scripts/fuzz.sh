#!/usr/bin/env bash
# `make fuzz`: builds every fuzz target with clang-16 + libFuzzer + AddressSanitizer +
# UndefinedBehaviorSanitizer (build-fuzz/) and runs each for FUZZ_SECONDS (default 120), two at a
# time, starting from the seed corpus in fuzz/corpus/<target> with fuzz/dict/<target>.dict.
# New inputs go to build-fuzz/corpus/<target> (`make fuzz-merge` folds the useful ones into the
# repository's corpus); crashes to build-fuzz/crashes/. Prints executions per target.
#   scripts/fuzz.sh [target...]       FUZZ_SECONDS=600 FUZZ_JOBS=2 scripts/fuzz.sh json csv
#   scripts/fuzz.sh --merge [target...]
set -uo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR=$PWD
seconds=${FUZZ_SECONDS:-120}
jobs=${FUZZ_JOBS:-2}
merge=0
if [[ ${1:-} == --merge ]]; then merge=1; shift; fi

command -v clang++-16 >/dev/null || { echo "make fuzz needs clang-16 and libclang-rt-16-dev (scripts/install-deps.sh --fuzz)"; exit 1; }
if [[ ! -f build-fuzz/build.ninja ]]; then
  CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGOVHUB_SANITIZE=address,undefined -DGOVHUB_FUZZ=libfuzzer >/dev/null || exit 1
fi
cmake --build build-fuzz -j"$(nproc)" --target govhub_fuzz || exit 1
bin=$PWD/build-fuzz/govhub_fuzz

targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(ls fuzz/targets/*.cpp | xargs -n1 basename | sed 's/\.cpp$//')
mkdir -p build-fuzz/corpus build-fuzz/crashes build-fuzz/logs
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The same suppressions as make test's ASan run: leaks inside libraries govhub does not own.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0}

if ((merge)); then
  # Keeps the inputs that add coverage, minimized, in the repository's corpus.
  for t in "${targets[@]}"; do
    GOVHUB_FUZZ_TARGET=$t "$bin" -merge=1 "fuzz/corpus/$t" "build-fuzz/corpus/$t" 2>&1 | tail -1
  done
  exit 0
fi

run_one() {
  local t=$1 dict=()
  mkdir -p "build-fuzz/corpus/$t"
  [[ -f fuzz/dict/$t.dict ]] && dict=(-dict="fuzz/dict/$t.dict")
  # -rss_limit_mb/-malloc_limit_mb: one input may not take more memory than a request may.
  GOVHUB_FUZZ_TARGET=$t "$bin" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2560 -max_len=262144 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$t-" "build-fuzz/corpus/$t" "fuzz/corpus/$t" \
    >"build-fuzz/logs/$t.log" 2>&1
  local rc=$? execs cov
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/logs/$t.log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "build-fuzz/logs/$t.log" | tail -1 | grep -o '[0-9]*$')
  if ((rc == 0)); then
    printf '%-22s ok      %10s executions  %6s edges\n' "$t" "${execs:-?}" "${cov:-?}"
  else
    printf '%-22s FAILED  see build-fuzz/logs/%s.log and build-fuzz/crashes/%s-*\n' "$t" "$t" "$t"
  fi
  return $rc
}
export -f run_one
export bin seconds

echo "fuzzing ${#targets[@]} targets for ${seconds} s each, ${jobs} at a time"
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
rc=$?
((rc == 0)) && echo "fuzzing found nothing" || echo "fuzzing found crashes: make each a regression test (fuzz/README.md)"
exit $rc
