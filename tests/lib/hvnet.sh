# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The tests' shell library, sourced by every scenario script (directly or
# through the testpmd, guest and vf layers next to it).
#
# Verdicts: "skip WHY" ends the test as skipped (exit 77, a prerequisite
# is missing), "fail WHY" ends it as failed; "expect", "expect_ge" and
# "fail_soft" record a failed check and go on, and "finish" ends the test
# with the verdict of all checks.
#
# The PMD under test: HVNET_PMD=ours (default) or upstream (the pristine
# DPDK build's netvsc, the referee).
#
# Everything a test makes goes into $hvn_work or is undone by a command
# given to "at_exit"; hv-host started with "host_start" is stopped at exit.

set -u

# Layers may share a test (mp.sh and testpmd.sh): the library loads once.
[ -n "${hvn_loaded:-}" ] && return 0
hvn_loaded=1

hvn_top=${HVNET_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HVNET_PMD=${HVNET_PMD:-ours}
# meson test --setup referee: every test selected runs on upstream's PMD
# and bus, whatever its suite; a scenario of what only ours has (our
# devargs, xstats, telemetry or log lines) skips, saying so.
if [ "${HVNET_REFEREE:-}" = 1 ]; then
	HVNET_PMD=upstream
	echo "referee run: upstream's PMD and bus"
fi
# The DPDK release built: meson's test environment says it; a script run
# by hand with HVNET_BUILD naming a -Ddpdk_source build finds it in the
# name of that build's subproject, dpdk-<version>.
if [ -z "${HVNET_DPDK_VERSION:-}" ] && [ -n "${HVNET_BUILD:-}" ]; then
	for d in "$HVNET_BUILD"/subprojects/dpdk-[0-9]*[0-9]; do
		[ -d "$d" ] && HVNET_DPDK_VERSION=${d##*/dpdk-}
	done
fi
case "$HVNET_PMD" in
ours|upstream) ;;
*) echo "FAIL: HVNET_PMD is '$HVNET_PMD', not ours or upstream"; exit 1 ;;
esac
# hv-testpmd.sh's flag for the PMD under test.
hvn_upstream_flag=()
[ "$HVNET_PMD" = upstream ] && hvn_upstream_flag=(--upstream)

hvn_fails=0
hvn_work=$(mktemp -d /dev/shm/hvnet-test.XXXXXX)
hvn_at_exit=()

# Sanitizer reports (a build with -Db_sanitize, devtools/test.sh
# --sanitize): every program the test starts (hv-host, testpmd, hv-guest,
# ...) writes its ASan, LeakSanitizer or UBSan report to a file of its
# own here instead of its standard error, which scripts read only in
# part; the test fails when one is there at its end, whatever the
# program's exit status and whether the script waited for it.
hvn_san=$hvn_work/sanitizer
mkdir "$hvn_san"
for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
	export "$v=${!v:+${!v}:}log_path=$hvn_san/report"
done
# A file whose tail is worth showing when the test fails.
hvn_show=

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	exit 1
}

ok() {
	echo "ok: $*"
}

fail_soft() {
	echo "FAIL: $*"
	hvn_fails=$((hvn_fails + 1))
}

# expect WHAT GOT WANT
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1 ($2)"
	else
		fail_soft "$1: got $2, want $3"
	fi
}

# expect_ge WHAT GOT WANT
expect_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		ok "$1 ($2 >= $3)"
	else
		fail_soft "$1: got $2, want at least $3"
	fi
}

# check NAME VERDICT DETAIL: VERDICT 1 passes; anything else is a failed
# check, explained by DETAIL.
check() {
	if [ "$2" = 1 ]; then
		ok "$1"
	else
		fail_soft "$1: $3"
	fi
}

finish() {
	if [ "$hvn_fails" -ne 0 ]; then
		echo "$hvn_fails check(s) failed"
		exit 1
	fi
	exit 0
}

# at_exit COMMAND: run COMMAND (a shell string) when the test ends, the
# last registered first.
at_exit() {
	hvn_at_exit+=("$1")
}

# Show the sanitizer reports the test's programs made; false if any.
# With GCC, UBSan's runtime is a library apart from ASan's and ignores
# log_path when ASan is there too: its reports are found in the
# programs' output, which scripts keep under $hvn_work (hv-host's root
# aside, whose files are the guest's memory).
hvn_san_verdict() {
	local f found=0

	for f in "$hvn_san"/*; do
		[ -f "$f" ] || continue
		echo "---- sanitizer report $(basename "$f") ----"
		cat "$f"
		found=1
	done
	# One grep for all files: a scripted testpmd leaves thousands of
	# empty marker files, and a grep each took half a minute.
	while IFS= read -r f; do
		echo "---- UBSan report in $(basename "$f") ----"
		grep -a -A 12 ': runtime error: ' "$f" | head -40
		found=1
	done < <(find "$hvn_work" -path "$host_root" -prune -o -type f \
		-size +0 -print0 | xargs -0r grep -la ': runtime error: ')
	[ "$found" = 0 ] && return 0
	echo "FAIL: sanitizer report(s) above"
	return 1
}

# A failed test's files (hv-host's log, testpmd's output, the scripts'
# notes) are gone with $hvn_work; with HVNET_KEEP_FAILED=DIR they are
# copied to DIR/<script>-<pid> first, hv-host's root (the guest's
# memory) left out.
hvn_keep() {
	local to

	[ "$1" -ne 0 ] && [ "$1" -ne 77 ] && [ -n "${HVNET_KEEP_FAILED:-}" ] ||
		return 0
	to=$HVNET_KEEP_FAILED/$(basename "$0" .sh)-$$
	mkdir -p "$to" &&
		find "$hvn_work" -mindepth 1 -maxdepth 1 ! -path "$host_root" \
			-exec cp -a {} "$to/" \; &&
		echo "files of the failed test kept in $to"
}

hvn_exiting=
hvn_exit() {
	local rc=$? i fails=$hvn_fails

	trap - EXIT
	hvn_exiting=1
	for ((i = ${#hvn_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${hvn_at_exit[i]}"
	done
	# A check the clean-up made failed (a testpmd that did not quit).
	[ "$hvn_fails" -gt "$fails" ] && rc=1
	hvn_san_verdict || rc=1
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$hvn_show" ] &&
		[ -f "$hvn_show" ]; then
		echo "---- last output of $(basename "$hvn_show") ----"
		tail -40 "$hvn_show"
	fi
	hvn_keep "$rc"
	rm -rf "$hvn_work"
	exit "$rc"
}
trap hvn_exit EXIT

# A test ended from outside. At a test's time limit, and on Ctrl-C,
# meson test (1.0, mtest's _kill) sends SIGTERM to the test's process
# group (it starts each test in a session of its own), then SIGKILL to
# that group if the script has not exited 0.5 s later. What runs outside
# that group outlives both: hv-host under hv-testpmd.sh (a session of
# its own) and a program under timeout(1) without --foreground (a group
# of its own); and bash dies of SIGTERM without its EXIT trap. So on
# SIGTERM, SIGINT or SIGHUP the script kills every program it started,
# wherever it runs, says which, and leaves the rest of its clean-up
# (at_exit, files) to a process of its own, to be gone within the 0.5 s.
# The killing is a program apart: a trap run inside "read -t" (the
# scripted testpmd waits in one) is cut short when the shell reads in it.
hvn_signalled() {
	trap '' TERM INT HUP
	echo "FAIL: ended by SIG$1: killing every program the test started"
	bash -c "$hvn_kill_tree" hvn_kill_tree "$$"
	# A signal during the clean-up: it goes on, its programs gone.
	[ -n "$hvn_exiting" ] && return
	trap - EXIT
	(hvn_exit) </dev/null >/dev/null 2>&1 &
	exit "$2"
}
trap 'hvn_signalled TERM 143' TERM
trap 'hvn_signalled INT 130' INT
trap 'hvn_signalled HUP 129' HUP

# bash -c "$hvn_kill_tree" NAME PID: SIGKILL to every process below PID
# but shells (PID's subshells, hv-testpmd.sh), which get SIGTERM: once
# their programs are gone they end, hv-testpmd.sh after its clean-up.
# shellcheck disable=SC2016 # expanded by that bash
hvn_kill_tree='
	# A script'"'"'s name is its comm: a shell is told by its first
	# argument. Not this program nor what it runs.
	ps -e -o pid=,ppid=,comm=,args= | awk -v top="$1" -v me=$$ '"'"'
		{ up[$1] = $2; comm[$1] = $3; sh[$1] = $4 ~ /(^|\/)(ba)?sh$/ }
		END { for (p in up) {
			q = p
			while (q in up && q != top && q != me) q = up[q]
			if (q == top && p != top) print p, sh[p], comm[p] } }'"'"' |
	while read -r pid shell comm; do
		if [ "$shell" = 1 ]; then
			kill -TERM "$pid" 2>/dev/null
		elif kill -KILL "$pid" 2>/dev/null; then
			echo "killed $pid ($comm)"
		fi
	done
'

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (hugepages, namespaces, TAP)"
}

# need_cmd CMD...: skip unless every command is installed.
need_cmd() {
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
}

# need_dpdk_2211 WHAT: skip unless the DPDK built is 22.11 (meson's
# -Ddpdk_source names another), for what only Debian's 22.11 has.
need_dpdk_2211() {
	[ "${HVNET_DPDK_VERSION:-22.11}" = 22.11 ] ||
		skip "$1 is for Debian's DPDK 22.11, this build is DPDK $HVNET_DPDK_VERSION"
}

# hvn_uptime: seconds since boot, to the hundredth (/proc/uptime, without
# a fork): a clock for measured spans that the wall clock's steps (a
# machine frozen, then set right) do not move.
hvn_uptime() {
	local u _

	read -r u _ </proc/uptime
	echo "$u"
}

# hvn_bin PATH...: the first PATH (relative to a build folder, may hold
# a glob) in $HVNET_BUILD, else in the first build folder of the tree that
# has one.
hvn_bin() {
	local b p f

	for b in "${HVNET_BUILD:-}" "$hvn_top"/build "$hvn_top"/build*; do
		[ -n "$b" ] || continue
		for p in "$@"; do
			for f in "$b"/$p; do
				[ -e "$f" ] && { echo "$f"; return 0; }
			done
		done
	done
	return 1
}

# need_bin VAR PATH: set VAR to the built PATH, or skip.
need_bin() {
	local p

	p=$(hvn_bin "$2") || skip "$2 not built (ninja -C build)"
	printf -v "$1" %s "$p"
}

# testpmd of the PMD under test.
hvn_testpmd() {
	if [ "$HVNET_PMD" = upstream ]; then
		[ -n "${HVNET_TESTPMD_UPSTREAM:-}" ] &&
			{ echo "$HVNET_TESTPMD_UPSTREAM"; return; }
		hvn_bin subprojects/dpdk-upstream/app/dpdk-testpmd \
			'subprojects/dpdk-[0-9]*-upstream/app/dpdk-testpmd'
	else
		[ -n "${HVNET_TESTPMD:-}" ] && { echo "$HVNET_TESTPMD"; return; }
		hvn_bin subprojects/dpdk/app/dpdk-testpmd \
			'subprojects/dpdk-[0-9]*[0-9]/app/dpdk-testpmd'
	fi
}

# hvn_asan [PROGRAM]: PROGRAM (default: the testpmd under test) is built
# with AddressSanitizer.
hvn_asan() {
	ldd "${1:-$(hvn_testpmd)}" 2>/dev/null | grep -q libasan
}

# hv-guest of the PMD under test (HVTP_APP overrides, as for hv-testpmd.sh).
hvn_guest_app() {
	local name=hv-guest

	[ "$HVNET_PMD" = upstream ] && name=hv-guest-upstream
	[ -n "${HVTP_APP:-}" ] && { echo "$HVTP_APP"; return; }
	hvn_bin "app/hv-guest/$name"
}

# Hugepages for a DPDK process (skip where none can be had).
need_hugepages() {
	"$hvn_top"/devtools/hugepages.sh >/dev/null 2>&1 || skip "no hugepages"
}

# EAL refuses to load a plugin (-d) when a folder above it is
# world-writable, as /tmp is, so a build tree under /tmp would fail for
# that reason alone: private_plugin VAR SRC copies SRC into a fresh
# root-only folder under /run (removed at exit) and sets VAR to the copy.
private_plugin() {
	local dir

	dir=$(mktemp -d /run/hvnet-plugin.XXXXXX) ||
		skip "cannot make a folder under /run"
	at_exit "rm -rf '$dir'"
	chmod 0755 "$dir" && cp "$2" "$dir/" || skip "cannot copy $2"
	printf -v "$1" %s "$dir/$(basename "$2")"
}

# telemetry PREFIX COMMAND KEY...: the value of each KEY (one line) in the
# answer to a DPDK telemetry COMMAND (e.g. /ethdev/xstats,0) of the DPDK
# process whose file prefix is PREFIX; "none" when there is no such
# process or key, or when it does not answer within 10 s (hung).
telemetry() {
	local sock=/var/run/dpdk/$1/dpdk_telemetry.v2 k

	if [ ! -S "$sock" ]; then
		for k in "${@:3}"; do echo none; done
		return
	fi
	python3 - "$sock" "${@:2}" <<'PY' 2>/dev/null || for k in "${@:3}"; do echo none; done
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(10)
s.connect(sys.argv[1])
s.recv(4096)
s.send(sys.argv[2].encode())
r = json.loads(s.recv(1 << 20).decode())
d = r.get(sys.argv[2].split(",")[0], {})
print("\n".join(str(d.get(k, "none")) for k in sys.argv[3:]))
PY
}

# ---- network namespaces and TAP devices ----

# netns_add NAME: a namespace without IPv6 (whose router and listener
# messages would add frames to exact counts), deleted at exit.
netns_add() {
	ip netns add "$1" || skip "cannot create a network namespace"
	at_exit "ip netns del '$1' 2>/dev/null"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
}

# tap_to_netns TAP NS [LOG]: wait for hv-host's TAP and move it into NS
# (skip if LOG says a binary is not built).
tap_to_netns() {
	for _ in $(seq 100); do
		ip link show "$1" >/dev/null 2>&1 && break
		[ -n "${3:-}" ] && grep -q "not built" "$3" &&
			skip "$(head -1 "$3")"
		sleep 0.1
	done
	ip link set "$1" netns "$2" || fail "no tap $1"
}

# tap_make NAME [NS]: a multi-queue TAP made beforehand, as a harness
# bridging it would make it, without IPv6 so that the kernel sends
# nothing of its own into the port, up; deleted at exit.
tap_make() {
	local in=() ex=()

	if [ -n "${2:-}" ]; then
		in=(-n "$2")
		ex=(ip netns exec "$2")
	else
		at_exit "ip link del '$1' 2>/dev/null"
	fi
	ip "${in[@]}" tuntap add dev "$1" mode tap multi_queue vnet_hdr ||
		fail "cannot make TAP $1"
	"${ex[@]}" sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	ip "${in[@]}" link set "$1" up
}

# ---- hv-host ----

host_bin=$(hvn_bin app/hv-host/hv-host) || host_bin=
hvn_preload=$(hvn_bin app/hv-preload/libhv_preload.so) || hvn_preload=
# A sanitized hv-preload must come after the sanitizer runtime it links
# ("ASan runtime does not come first in initial library list"): the
# runtimes go first in the list LD_PRELOAD takes.
[ -n "$hvn_preload" ] && hvn_preload="$(ldd "$hvn_preload" 2>/dev/null |
	awk '$1 ~ /^lib(asan|ubsan)\.so/ { printf "%s ", $3 }')$hvn_preload"
host_root=$hvn_work/r
host_sock=$hvn_work/host.sock
host_log=$hvn_work/host.log
host_uuid=$(cat /proc/sys/kernel/random/uuid)
host_pid=
# Set host_wrap=(ip netns exec NS) to start hv-host elsewhere.
host_wrap=()

need_host() {
	[ -n "$host_bin" ] || skip "hv-host not built (ninja -C build)"
}

# host_start [hv-host args]: hv-host on a private root with a control
# socket, stopped at exit.
host_start() {
	need_host
	"${host_wrap[@]}" "$host_bin" --exit-with-parent --root "$host_root" \
		--device-id "$host_uuid" --control "$host_sock" "$@" \
		</dev/null >"$host_log" 2>&1 &
	host_pid=$!
	hvn_show=$host_log
	for _ in $(seq 100); do
		[ -S "$host_root/dev/uio0" ] && [ -S "$host_sock" ] && return 0
		kill -0 "$host_pid" 2>/dev/null || break
		sleep 0.1
	done
	fail "hv-host did not start: $(tail -5 "$host_log")"
}
at_exit host_stop

host_stop() {
	[ -n "$host_pid" ] || return 0
	kill -TERM "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null
	host_pid=
}

host_alive() {
	kill -0 "$host_pid" 2>/dev/null
}

# host_wait_log PATTERN: wait (10 s) until hv-host's log holds PATTERN,
# or end the test saying hv-host did not log it.
host_wait_log() {
	for _ in $(seq 200); do
		grep -q -- "$1" "$host_log" && return 0
		sleep 0.05
	done
	fail "hv-host did not log '$1'"
}

# One command on hv-host's control socket (host_start, or a test that
# passed --control "$host_sock" to hv-testpmd.sh).
host_ctl() {
	"$host_bin" --ctl "$host_sock" "$@"
}

# stats_value PREFIX FIELD: in hv-host's stats (standard input), the value
# after FIELD on the first line starting with PREFIX, e.g. "total rx_frames",
# "chan 1 tx_frames", "protocol_errors protocol_errors".
stats_value() {
	awk -v p="$1" -v f="$2" 'index($0, p " ") == 1 {
		for (i = 1; i < NF; i++) if ($i == f) { print $(i + 1); exit } }'
}

# host_stat PREFIX FIELD: the same, read from the running hv-host.
host_stat() {
	host_ctl stats | stats_value "$1" "$2"
}

# host_chan_tx: frames hv-host has taken from the guest on each channel,
# one a line.
host_chan_tx() {
	host_ctl stats | awk '$1 == "chan" {
		for (i = 3; i < NF; i++) if ($i == "tx_frames") print $(i + 1) }'
}

host_datapath() {
	host_ctl stats | sed -n 's/.* datapath \([a-z]*\) .*/\1/p'
}
