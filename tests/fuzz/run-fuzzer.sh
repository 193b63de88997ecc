#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# One bounded libFuzzer run (ctest -L fuzz-run in a -DVXOFF_FUZZ=ON clang build).
# Seeds: tests/fuzz/corpus/NAME, tests/fuzz/crashes/NAME and, for the reply target, the replay
# recordings tests/replay/*.nlrec. New inputs collect in WORK/corpus (kept between runs).
# A crash leaves WORK/artifacts/crash-*: copy it to tests/fuzz/crashes/NAME/ and commit it
# with the fix, so every build replays it (ctest -R fuzz.replay).
#
# usage: run-fuzzer.sh FUZZER NAME SECONDS WORK SRC_DIR
set -euo pipefail

fuzzer=$1 name=$2 secs=$3 work=$4 src=$5
here=$src/tests/fuzz
mkdir -p "$work/corpus" "$work/artifacts"
rm -rf "$work/nlrec-seeds" "$work/artifacts"/*
inputs=("$work/corpus" "$here/corpus/$name")
[ -d "$here/crashes/$name" ] && inputs+=("$here/crashes/$name")
if [ "$name" = reply ]; then
	shopt -s nullglob
	recs=("$src"/tests/replay/*.nlrec)
	shopt -u nullglob
	if [ "${#recs[@]}" -gt 0 ]; then
		python3 "$here/seeds.py" nlrec "$work/nlrec-seeds" "${recs[@]}"
		inputs+=("$work/nlrec-seeds")
	fi
fi
opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536
	-print_final_stats=1 -artifact_prefix="$work/artifacts/")
[ -f "$here/$name.dict" ] && opts+=(-dict="$here/$name.dict")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "fuzzing $name for ${secs}s: $fuzzer ${opts[*]} ${inputs[*]}"
set +e
"$fuzzer" "${opts[@]}" "${inputs[@]}" >"$work/log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	tail -n 80 "$work/log"
	echo "FAIL: fuzz_$name exited $rc; full log: $work/log"
	for a in "$work/artifacts"/*; do
		[ -e "$a" ] && echo "  input: $a -> copy to tests/fuzz/crashes/$name/ and commit"
	done
	exit 1
fi
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
	"$work/log" || true
echo "ok: fuzz_$name ran ${secs}s without a finding"
