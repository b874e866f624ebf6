#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Run one libFuzzer target of tests/fuzz for SECONDS over the checked-in
# seed corpus (tests/fuzz/corpus/TARGET), which it first replays: a crash
# input kept there fails this test until its defect is fixed.  New inputs go
# to a scratch folder, or to HVNET_FUZZ_WORK when set (devtools/fuzz.sh
# keeps them between runs); the corpus in the tree is never written.  A
# crash, a leak, a sanitizer report or an input taking over 10 s fails the
# test; the input is kept in HVNET_BUILD/fuzz-artifacts.
#
# Usage: run.sh TARGET SECONDS
. "$(dirname "$0")/../lib/hvnet.sh"

target=${1:?target}
secs=${2:-5}
build=${HVNET_BUILD:-$hvn_top/build}
prog=$build/tests/fuzz/fuzz-$target
seeds=$hvn_top/tests/fuzz/corpus/$target
[ -x "$prog" ] || skip "$prog not built (clang and libclang-rt: devtools/bootstrap.sh)"
[ -d "$seeds" ] || fail "no seed corpus $seeds"
work=${HVNET_FUZZ_WORK:-$hvn_work/corpus}
art=$build/fuzz-artifacts/$target
mkdir -p "$work" "$art"

log=$hvn_work/fuzz.log
rc=0
"$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$art/" "$work" "$seeds" \
	>"$log" 2>&1 || rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
	grep -E 'ERROR|SUMMARY|runtime error|FUZZ_CHECK|\.c:[0-9]+:|Test unit written' "$log" | head -n 30
	fail "fuzz $target: exit $rc; reproduce: $prog ARTIFACT (FUZZ_LOG=1 shows the drivers' log lines)"
fi
ok "fuzz $target: $runs executions in $secs s ($rate/s), 0 crashes," \
	"$(ls "$seeds" | wc -l) seeds, $(ls "$work" | wc -l) inputs in the work corpus"
finish
