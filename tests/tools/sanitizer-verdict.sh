#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A sanitizer report fails the test that made it: a scenario script
# (this one, run again with --inner) starts a program the way scripts
# start testpmd or hv-host, in the background with its output in a log
# nobody reads and its exit status ignored, and otherwise passes every
# check; the program is tests/tools/sanitizer_canary.c with one defect
# for each sanitizer. Usage: sanitizer-verdict.sh CANARY
if [ "${1:-}" = --inner ]; then
	. "$(dirname "$0")/../lib/hvnet.sh"
	"$2" "$3" >"$hvn_work/canary.log" 2>&1 &
	wait $! || true
	ok "canary $3 ran"
	finish
fi
. "$(dirname "$0")/../lib/hvnet.sh"

canary=${1:?usage: sanitizer-verdict.sh CANARY}
[ -x "$canary" ] || skip "$canary not built"

# inner KIND: the inner test's exit status, then its output, in $out.
inner() {
	out=$(bash "$0" --inner "$canary" "$1" 2>&1)
	rc=$?
}

inner none
expect "no defect: test passes" "$rc" 0
expect "no defect: no report" "$(grep -c 'sanitizer report' <<<"$out")" 0
for k in "overflow:ERROR: AddressSanitizer: heap-buffer-overflow" \
		"undefined:runtime error: signed integer overflow" \
		"leak:ERROR: LeakSanitizer: detected memory leaks"; do
	inner "${k%%:*}"
	expect "${k%%:*}: test fails" "$rc" 1
	check "${k%%:*}: report shown" \
		"$(grep -qF -- "${k#*:}" <<<"$out" && echo 1)" \
		"no '${k#*:}' in: $(tail -5 <<<"$out")"
done
finish
