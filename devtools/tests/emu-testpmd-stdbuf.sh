#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hv-testpmd.sh keeps the caller's LD_PRELOAD next to hv-preload, so that
# "stdbuf -oL" still makes testpmd's output line-buffered.  testpmd (not
# interactive) prints "Press enter to exit" and then waits for its input:
# the line reaches our pipe only if stdout is line-buffered, otherwise it
# sits in testpmd's 4 KiB buffer until the newline we would send after it.

. "$(dirname "${BASH_SOURCE[0]}")/emu-lib.sh"

command -v stdbuf > /dev/null || hv_skip "stdbuf (coreutils) not installed"
hv_need_guest_env
up=()
tp=${HVNET_TESTPMD:-}
if [ "${HV_GUEST_FLAVOUR:-ours}" = upstream ]; then
	up=(--upstream)
	tp=${HVNET_TESTPMD_UPSTREAM:-}
fi
[ -x "$tp" ] || hv_skip "testpmd not built at '$tp'"

coproc tpmd {
	HVNET_BUILD=$hv_build stdbuf -oL "$hv_top/devtools/hv-testpmd.sh" \
		"${up[@]}" -- --forward-mode=rxonly 2>&1
}
tp_pid=$tpmd_PID
hv_extra_cleanup+=("kill $tp_pid 2>/dev/null")
out=$hv_tmp/testpmd.out
seen=0
end=$((SECONDS + 60))
while [ $SECONDS -lt $end ]; do
	IFS= read -r -t 5 line <&"${tpmd[0]}" || { [ $? -gt 128 ] && continue; break; }
	echo "$line" >> "$out"
	case "$line" in
	*"Press enter to exit"*) seen=1; break ;;
	esac
done
# Let testpmd exit either way, then collect the rest.
echo >&"${tpmd[1]}"
cat <&"${tpmd[0]}" >> "$out"
wait "$tp_pid"
rc=$?
[ "$rc" = 77 ] && hv_skip "hv-testpmd.sh: prerequisite missing"
if [ $seen = 0 ]; then
	tail -20 "$out"
	hv_fail "testpmd's prompt line did not arrive before its input: not line-buffered"
fi
[ "$rc" = 0 ] || { tail -20 "$out"; hv_fail "hv-testpmd.sh exited $rc"; }
grep -q 'Port 0: 00:15:5D:00:00:01' "$out" || hv_fail "testpmd did not show hv-host's port"
hv_ok "stdbuf -oL output is line-buffered through hv-testpmd.sh"
