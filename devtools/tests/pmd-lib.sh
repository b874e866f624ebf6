# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers for the PMD scenario tests (devtools/tests/pmd-*.sh), sourced.
# One interactive testpmd runs over devtools/hv-testpmd.sh with its input
# fed through a fifo, so a test can send commands, wait for their output
# and read testpmd's and hv-host's counters afterwards.
#
# PMD_UPSTREAM=1 runs the pristine upstream PMD (the referee) instead of
# ours. Exit 77 (skipped) when a binary or hugepages are missing.

top=${HVNET_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
pmd_work=$(mktemp -d /tmp/pmd-test.XXXXXX)
pmd_out=$pmd_work/out
pmd_pid=
pmd_ns=
pmd_fails=0

pmd_cleanup() {
	local rc=$?
	trap - EXIT
	exec 3>&- 2>/dev/null
	if [ -n "$pmd_pid" ] && kill -0 "$pmd_pid" 2>/dev/null; then
		kill -INT "$pmd_pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$pmd_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pmd_pid" 2>/dev/null
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -f "$pmd_out" ]; then
		echo "---- last output ----"
		tail -40 "$pmd_out"
	fi
	[ -n "$pmd_ns" ] && ip netns del "$pmd_ns" 2>/dev/null
	rm -rf "$pmd_work"
	exit $rc
}
trap pmd_cleanup EXIT

pmd_skip() {
	echo "SKIP: $*"
	exit 77
}

# pmd_find_host: sets pmd_host to hv-host's program (HVNET_HOST, else the
# first build that has one), for talking to its control socket.
pmd_find_host() {
	local b

	pmd_host=${HVNET_HOST:-}
	for b in "${HVNET_BUILD:-}" "$top"/build "$top"/build*; do
		[ -z "$pmd_host" ] && [ -x "$b/app/hv-host/hv-host" ] &&
			pmd_host=$b/app/hv-host/hv-host
	done
	[ -n "$pmd_host" ] || pmd_skip "hv-host not built"
}

# pmd_chan_tx SOCK: frames hv-host has taken from the guest on each
# channel, one a line (pmd_find_host first).
pmd_chan_tx() {
	"$pmd_host" --ctl "$1" stats | awk '$1 == "chan" {
		for (i = 3; i < NF; i++) if ($i == "tx_frames") print $(i + 1) }'
}

# pmd_netns NAME: a private network namespace without IPv6 (whose router
# and listener messages would add frames to exact counts), deleted at
# exit; the test is skipped where none can be made or python3 is missing.
pmd_netns() {
	command -v python3 >/dev/null || pmd_skip "no python3"
	ip netns add "$1" || pmd_skip "cannot create a network namespace"
	pmd_ns=$1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
}

# pmd_tap_to_netns TAP [LOG]: wait for hv-host's tap and move it into the
# namespace (skip if LOG says a binary is not built).
pmd_tap_to_netns() {
	for _ in $(seq 100); do
		ip link show "$1" >/dev/null 2>&1 && break
		[ -n "${2:-}" ] && grep -q "not built" "$2" &&
			pmd_skip "$(head -1 "$2")"
		sleep 0.1
	done
	ip link set "$1" netns "$pmd_ns" || { echo "FAIL: no tap $1"; exit 1; }
}

# testpmd writes to a file, so its stdout would be fully buffered and the
# output of a command could lag its prompt: run it with a line-buffered
# stdout through a small wrapper that hv-testpmd.sh starts instead.
pmd_wrap_testpmd() {
	local var=HVNET_TESTPMD real stdbuf=/usr/libexec/coreutils/libstdbuf.so

	[ "${PMD_UPSTREAM:-0}" = 1 ] && var=HVNET_TESTPMD_UPSTREAM
	real=${!var:-}
	if [ -z "$real" ]; then
		if [ "${PMD_UPSTREAM:-0}" = 1 ]; then
			real=$top/build/subprojects/dpdk-upstream/app/dpdk-testpmd
		else
			real=$top/build/subprojects/dpdk/app/dpdk-testpmd
		fi
	fi
	[ -x "$real" ] || pmd_skip "testpmd not built: $real"
	[ -f "$stdbuf" ] || pmd_skip "coreutils libstdbuf.so missing"
	cat >"$pmd_work/testpmd" <<-WRAP
	#!/bin/sh
	LD_PRELOAD="\${LD_PRELOAD:-} $stdbuf" _STDBUF_O=L exec "$real" "\$@"
	WRAP
	chmod +x "$pmd_work/testpmd"
	export "$var=$pmd_work/testpmd"
}

# pmd_start [hv-host args] -- [EAL args] -- [testpmd args]
pmd_start() {
	local up=()

	[ "${PMD_UPSTREAM:-0}" = 1 ] && up=(--upstream)
	pmd_wrap_testpmd
	mkfifo "$pmd_work/in"
	"$top/devtools/hv-testpmd.sh" "${up[@]}" "$@" \
		<"$pmd_work/in" >"$pmd_out" 2>&1 &
	pmd_pid=$!
	exec 3>"$pmd_work/in"
	pmd_await_testpmd
}

# Wait for testpmd's first prompt; skip when a binary or hugepages are
# missing, fail when it never comes up.
pmd_await_testpmd() {
	if ! pmd_wait_prompt 1 60; then
		if grep -q "not built\|hugepages" "$pmd_out"; then
			pmd_skip "$(head -3 "$pmd_out")"
		fi
		echo "FAIL: testpmd did not come up"
		exit 1
	fi
	pmd_cmds=0
}

pmd_prompts() {
	grep -o 'testpmd> ' "$pmd_out" 2>/dev/null | wc -l
}

# Wait until at least N prompts were printed (or the process ended).
pmd_wait_prompt() {
	local n=$1 t=${2:-60} i

	for ((i = 0; i < t * 50; i++)); do
		[ "$(pmd_prompts)" -ge "$n" ] && return 0
		kill -0 "$pmd_pid" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

# Send one command and wait for the prompt that follows it.
pmd_cmd() {
	pmd_cmds=$((pmd_cmds + 1))
	echo "$*" >&3
	pmd_wait_prompt $((pmd_cmds + 1)) "${PMD_CMD_TIMEOUT:-60}" || {
		echo "FAIL: no prompt after '$*'"
		exit 1
	}
}

# Send one command and wait until its output, after the given mark,
# contains the pattern (prompts alone can run ahead of the output).
pmd_cmd_until() {
	local m=$1 pat=$2 i

	shift 2
	pmd_cmd "$@"
	for ((i = 0; i < 3000; i++)); do
		pmd_since "$m" | grep -q -- "$pat" && return 0
		sleep 0.02
	done
	echo "FAIL: no '$pat' after '$*'"
	exit 1
}

# Output since the given byte offset.
pmd_since() {
	tail -c +$(($1 + 1)) "$pmd_out"
}

pmd_mark() {
	stat -c %s "$pmd_out"
}

# Sum of a counter over all ports' "show port stats" blocks after a mark.
pmd_port_stat() {
	local mark=$1 name=$2

	pmd_since "$mark" | awk -v k="$name:" '
		{ for (i = 1; i < NF; i++) if ($i == k) s += $(i + 1) }
		END { printf "%.0f\n", s }'
}

# Mbufs of mb_pool_0 in use, from a dump_mempool issued now.
pmd_mbufs_in_use() {
	local m

	m=$(pmd_mark)
	pmd_cmd_until "$m" common_pool_count dump_mempool
	pmd_since "$m" | awk -F= '
		/^mempool <mb_pool_0>/ { on = 1; next }
		/^mempool </ { on = 0 }
		on && $1 ~ /^  size$/ { size = $2 }
		on && $1 ~ /total_cache_count$/ { cache = $2 }
		on && $1 ~ /common_pool_count$/ { common = $2 }
		END { print size - cache - common }'
}

# Show port 0's statistics (read them with pmd_port_stat after a mark).
pmd_stats() {
	pmd_cmd_until "$(pmd_mark)" Tx-bps show port stats 0
}

# Wait (up to t seconds) until the port's RX-packets reaches n.
pmd_wait_rx() {
	local n=$1 t=${2:-60} i m got

	for ((i = 0; i < t; i++)); do
		m=$(pmd_mark)
		pmd_stats
		got=$(pmd_port_stat "$m" RX-packets)
		[ "$got" -ge "$n" ] && return 0
		sleep 1
	done
	return 1
}

# Quit testpmd and wait for hv-testpmd.sh to print hv-host's counters.
pmd_quit() {
	echo quit >&3
	exec 3>&-
	wait "$pmd_pid"
	pmd_rc=$?
	pmd_pid=
}

# hv-host's total counter: tx_* are what the guest sent, rx_* what it got.
pmd_host_stat() {
	awk -v k="$1" '/^total / {
		for (i = 2; i < NF; i++) if ($i == k) v = $(i + 1) }
		END { printf "%.0f\n", v }' "$pmd_out"
}

pmd_expect() {
	local what=$1 got=$2 want=$3

	if [ "$got" = "$want" ]; then
		echo "ok: $what ($got)"
	else
		echo "FAIL: $what: got $got, want $want"
		pmd_fails=$((pmd_fails + 1))
	fi
}

pmd_expect_ge() {
	local what=$1 got=$2 want=$3

	if [ "$got" -ge "$want" ]; then
		echo "ok: $what ($got >= $want)"
	else
		echo "FAIL: $what: got $got, want at least $want"
		pmd_fails=$((pmd_fails + 1))
	fi
}

pmd_done() {
	if [ "$pmd_fails" -ne 0 ]; then
		echo "$pmd_fails check(s) failed"
		exit 1
	fi
	exit 0
}
