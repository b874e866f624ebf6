#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# vf-traffic's waits sampler notes a step forward of the wall clock as a
# wait ("wait clock START END"), so that the VF scenarios do not take the
# span the wall clock skipped for a silence of the path: with the clock
# stepped 3 s forward after a second (tests/vf/clock_step.c, preloaded),
# one such line spanning the step, ending at the step; without, none.
. "$(dirname "$0")/../lib/hvnet.sh"

shim=$1
traffic=$(hvn_bin tests/vf-traffic) || skip "vf-traffic not built"
[ -f "$shim" ] || skip "clock_step shim not built"
# A sanitized build: the runtimes the shim links come first (hvnet.sh).
rt=$(ldd "$shim" | awk '$1 ~ /^lib(asan|ubsan)\.so/ { printf "%s ", $3 }')

# sample [ENV...]: 2.5 s of "vf-traffic waits" on this shell (which
# sleeps meanwhile: no CPU wait of its own to note).
sample() {
	env "$@" timeout -s INT 2.5 "$traffic" waits 5 $$
	true
}
t0=$(date +%s.%N)
sample LD_PRELOAD="$rt$shim" >"$hvn_work/stepped"
cat "$hvn_work/stepped"
expect "clock waits noted with a 3 s step" \
	"$(grep -c '^wait clock ' "$hvn_work/stepped")" 1
read -r _ _ a b < <(grep '^wait clock ' "$hvn_work/stepped")
expect_ge "the noted span, in ms, at least the step less 20 ms" \
	"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%d", (b - a) * 1000 }')" 2980
expect_ge "the step, in ms, within its 20 ms" \
	"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%d", 3020 - (b - a) * 1000 }')" 0
# The step came a second into the run, and the span ends there.
expect_ge "the span ending at least a second into the stepped clock" \
	"$(awk -v t="$t0" -v b="$b" 'BEGIN { printf "%d", (b - t - 3 - 0.9) * 1000 }')" 0
sample >"$hvn_work/steady"
expect "clock waits noted without a step" \
	"$(grep -c '^wait clock ' "$hvn_work/steady")" 0
