# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# DPDK programs as guests of a private hv-host, on hvnet.sh (source only
# this file): host_start starts hv-host, need_guest finds hv-guest of
# the PMD under test, guest_run runs a DPDK program against the host.

. "$(dirname "${BASH_SOURCE[0]}")/hvnet.sh"

need_root
need_host

# need_guest_env: what any guest needs (hv-preload, hugepages), or skip.
need_guest_env() {
	[ -n "$hvn_preload" ] || skip "hv-preload not built"
	need_hugepages
}

# need_guest: sets guest to hv-guest of the PMD under test, or skips.
need_guest() {
	guest=$(hvn_guest_app) ||
		skip "hv-guest of the $HVNET_PMD PMD not built (upstream needs -Dupstream_reference=true)"
	need_guest_env
}

# The environment of a DPDK process under hv-preload, pointed at
# hv-host's root: "${guest_env[@]}" CMD...
guest_env=(env HVH_ROOT="$host_root" LD_PRELOAD="$hvn_preload")

# guest_run BIN [EAL args] [-- program args]: BIN on hv-host's device, EAL
# options first, killed after $HV_GUEST_TIMEOUT seconds (default 120).
# Its EAL file prefix is $GUEST_PREFIX (default: a new one), the device's
# devargs $GUEST_DEVARGS (",key=value,...", default none).
guest_run() {
	local bin=$1

	shift
	timeout --foreground "${HV_GUEST_TIMEOUT:-120}" env HVH_ROOT="$host_root" \
		LD_PRELOAD="$hvn_preload" "$bin" -a "$host_uuid${GUEST_DEVARGS:-}" \
		--iova-mode=va --file-prefix "${GUEST_PREFIX:-hvt$$_$RANDOM}" \
		--huge-unlink -l 0-1 "$@"
}

# guest_bg PID: a guest started in the background, killed at exit.
guest_bg() {
	at_exit "kill -KILL $1 2>/dev/null"
}

# The pid of the DPDK process hv-host serves (not a wrapper's).
guest_pid() {
	host_ctl stats | awk '/^guest present/ { print $4 }'
}

# guest_kill PID: SIGKILL to the DPDK process hv-host serves, PID (the
# background guest_run) reaped, then up to 5 s for hv-host to report the
# guest absent.  False when hv-host knows no guest.
guest_kill() {
	local victim

	victim=$(guest_pid)
	[ -n "$victim" ] && [ "$victim" -gt 1 ] || return 1
	kill -KILL "$victim"
	wait "$1" 2>/dev/null
	for _ in $(seq 100); do
		host_ctl stats | grep -q '^guest absent' && break
		sleep 0.05
	done
}

# guest_check [EAL args] [-- hv-guest args]: hv-guest ($guest) run to its
# end with its output in $guest_log; a failure ends the test, showing the
# output's last lines.
guest_log=$hvn_work/guest.out
guest_check() {
	guest_run "$guest" "$@" >"$guest_log" 2>&1 ||
		fail "hv-guest failed: $(tail -5 "$guest_log")"
}
