#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# hv-testpmd.sh keeps the caller's LD_PRELOAD next to hv-preload, so that
# "stdbuf -oL" still makes testpmd's output line-buffered.  testpmd (not
# interactive) prints "Press enter to exit" and then waits for its input:
# the line reaches our pipe only if stdout is line-buffered, otherwise it
# sits in testpmd's 4 KiB buffer until the newline we would send after it.

. "$(dirname "$0")/../lib/guest.sh"

need_cmd stdbuf
need_guest_env
tp=$(hvn_testpmd) && [ -x "$tp" ] || skip "testpmd ($HVNET_PMD) not built"

coproc tpmd {
	HVNET_TESTPMD=$tp HVNET_TESTPMD_UPSTREAM=$tp stdbuf -oL \
		"$hvn_top/devtools/hv-testpmd.sh" "${hvn_upstream_flag[@]}" \
		-- --forward-mode=rxonly 2>&1
}
tp_pid=$tpmd_PID
at_exit "kill $tp_pid 2>/dev/null"
out=$hvn_work/testpmd.out
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
[ "$rc" = 77 ] && skip "hv-testpmd.sh: prerequisite missing"
if [ $seen = 0 ]; then
	tail -20 "$out"
	fail "testpmd's prompt line did not arrive before its input: not line-buffered"
fi
[ "$rc" = 0 ] || { tail -20 "$out"; fail "hv-testpmd.sh exited $rc"; }
grep -q 'Port 0: 00:15:5D:00:00:01' "$out" || fail "testpmd did not show hv-host's port"
ok "stdbuf -oL output is line-buffered through hv-testpmd.sh"
