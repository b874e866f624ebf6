#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Shared helpers of the hv-host scenario tests (emu-*.sh, upstream-*.sh).
# Source it; it sets a cleanup trap. Exit 77 = prerequisite missing.

set -u

hv_top=${HVNET_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
hv_build=${HVNET_BUILD:-$hv_top/build}
hv_host_bin=$hv_build/app/hv-host/hv-host
hv_preload=$hv_build/app/hv-preload/libhv_preload.so

hv_skip() { echo "SKIP: $*"; exit 77; }
hv_fail() { echo "FAIL: $*"; [ -n "${hv_log:-}" ] && [ -f "$hv_log" ] && tail -20 "$hv_log"; exit 1; }
hv_ok() { echo "ok: $*"; }

[ "$(id -u)" = 0 ] || hv_skip "needs root (hugepages, netns)"
[ -x "$hv_host_bin" ] || hv_skip "hv-host not built at $hv_host_bin"

hv_tmp=$(mktemp -d /dev/shm/hvtest.XXXXXX)
hv_log=$hv_tmp/host.log
hv_ctlsock=$hv_tmp/ctl
hv_root=$hv_tmp/r
hv_uuid=$(cat /proc/sys/kernel/random/uuid)
hv_host_pid=
hv_guest_pids=()
hv_extra_cleanup=()

hv_cleanup() {
	local p
	for p in "${hv_guest_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	if [ -n "$hv_host_pid" ]; then
		kill -TERM "$hv_host_pid" 2>/dev/null
		wait "$hv_host_pid" 2>/dev/null
	fi
	for p in "${hv_extra_cleanup[@]}"; do
		eval "$p"
	done
	rm -rf "$hv_tmp"
}
trap hv_cleanup EXIT

# Start hv-host on a private root; extra arguments go to hv-host.  Set
# hv_host_wrap=(ip netns exec NS) to run it elsewhere.
hv_host_wrap=()
hv_start_host() {
	"${hv_host_wrap[@]}" "$hv_host_bin" --root "$hv_root" --device-id "$hv_uuid" \
		--control "$hv_ctlsock" "$@" </dev/null >"$hv_log" 2>&1 &
	hv_host_pid=$!
	for _ in $(seq 100); do
		[ -S "$hv_root/dev/uio0" ] && [ -S "$hv_ctlsock" ] && return 0
		kill -0 "$hv_host_pid" 2>/dev/null || break
		sleep 0.1
	done
	hv_fail "hv-host did not start"
}

hv_host_alive() { kill -0 "$hv_host_pid" 2>/dev/null; }

hv_ctl() { "$hv_host_bin" --ctl "$hv_ctlsock" "$@"; }

# hv_stat LINE-PREFIX FIELD: a counter from "stats", e.g. hv_stat total rx_frames
hv_stat() {
	hv_ctl stats | awk -v p="$1" -v f="$2" '
		index($0, p " ") == 1 { for (i = 1; i < NF; i++) if ($i == f) { print $(i + 1); exit } }'
}

# Path of hv-guest for "upstream" or "ours"; use as
#   guest=$(hv_guest_bin upstream) || exit 77
hv_guest_bin() {
	local b=$hv_build/app/hv-guest/hv-guest
	[ "$1" = upstream ] && b=$b-upstream
	[ -n "${HVTP_APP:-}" ] && b=$HVTP_APP
	if ! [ -x "$b" ]; then
		echo "SKIP: $(basename "$b") not built (upstream needs -Dupstream_reference=true)" >&2
		return 1
	fi
	echo "$b"
}

hv_need_guest_env() {
	[ -f "$hv_preload" ] || hv_skip "hv-preload not built"
	"$hv_top"/devtools/hugepages.sh >/dev/null 2>&1 || hv_skip "no hugepages"
}

# hv_guest BIN [guest args]: run a DPDK program against the host, EAL
# first, killed after $HV_GUEST_TIMEOUT seconds (default 120).
hv_guest() {
	local bin=$1
	shift
	timeout "${HV_GUEST_TIMEOUT:-120}" env HVH_ROOT="$hv_root" \
		LD_PRELOAD="$hv_preload" "$bin" -a "$hv_uuid" \
		--iova-mode=va --file-prefix "hvt$$_$RANDOM" --huge-unlink \
		-l 0-1 "$@"
}
