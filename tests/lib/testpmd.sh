# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Scripted testpmd, on hvnet.sh (source only this file): one interactive
# dpdk-testpmd of the PMD under test ($HVNET_PMD) runs over
# devtools/hv-testpmd.sh, whose hv-host answers on $host_sock; a test
# sends commands, reads their output and testpmd's and hv-host's
# counters.
#
# No prompt is waited on. testpmd writes its prompt a byte at a time, and
# a line from another thread (EAL and PMD logs, on stderr; link and
# removal events, on stdout; both go to $tp_out) can land inside it. So
# each command is followed by "load" of an empty file named for it:
# testpmd handles that after the command and then prints "Read CLI
# commands from <file>" in one line, after all of the command's own
# output. tp_cmd waits for that name, which is new for every command.

. "$(dirname "${BASH_SOURCE[0]}")/hvnet.sh"

tp_out=$hvn_work/testpmd.out
tp_pid=
tp_rc=
tp_sent=0
# tp_sync reads the output as it comes, from its own descriptor ($tp_rd),
# and naps on a fifo nobody writes: no process is started per look.
tp_rd=
tp_partial=
mkfifo "$hvn_work/nap"
exec {tp_nap}<>"$hvn_work/nap"

# tp_stop: testpmd's input closed, on which it quits as on "quit" (ports
# stopped and closed; hv-testpmd.sh then stops hv-host), and waited for.
# No signal while it quits: testpmd's SIGINT and SIGTERM handler calls
# cmdline_quit() on the command line its main has freed once the input
# ended (DPDK's testpmd, 22.11 and 24.11), a use after free that ASan
# reports. Only a testpmd still there after TP_QUIT_TIMEOUT seconds (30)
# is sent SIGINT, then SIGKILL 5 s later, and that fails the test.
tp_stop() {
	local end=$((SECONDS + ${TP_QUIT_TIMEOUT:-30}))

	{ exec 3>&-; } 2>/dev/null
	[ -n "$tp_pid" ] || return 0
	while tp_alive && [ "$SECONDS" -lt "$end" ]; do
		read -r -t 0.05 -u "$tp_nap"
	done
	if tp_alive; then
		fail_soft "testpmd ($tp_cur) did not quit within ${TP_QUIT_TIMEOUT:-30} s of the end of its input: SIGINT, then SIGKILL"
		kill -INT "$tp_pid" 2>/dev/null
		for _ in $(seq 50); do
			tp_alive || break
			read -r -t 0.1 -u "$tp_nap"
		done
		kill -KILL "$tp_pid" 2>/dev/null
	fi
	wait "$tp_pid" 2>/dev/null
	tp_pid=
}
at_exit tp_stop

# tp_alive: the testpmd (or what runs it) of tp_pid has not ended.
tp_alive() {
	[ -n "$tp_pid" ] && kill -0 "$tp_pid" 2>/dev/null
}

# Several testpmd processes at once (a primary and its secondaries):
# "tp_use NAME" makes NAME the one the tp_* functions drive, keeping the
# others' state; the first is "main". A new NAME writes its output to
# $hvn_work/testpmd-NAME.out and is stopped at exit, before main.
tp_cur=main
declare -A tp_state tp_state_partial
tp_use() {
	local fd=

	[ "$1" = "$tp_cur" ] && return 0
	{ true >&3; } 2>/dev/null && exec {fd}>&3 3>&-
	tp_state[$tp_cur]="$tp_out|$tp_pid|$tp_rc|$tp_rd|$fd"
	tp_state_partial[$tp_cur]=$tp_partial
	if [ -n "${tp_state[$1]:-}" ]; then
		IFS='|' read -r tp_out tp_pid tp_rc tp_rd fd <<<"${tp_state[$1]}"
		[ -n "$fd" ] && exec 3>&"$fd" {fd}>&-
		tp_partial=${tp_state_partial[$1]}
	else
		tp_out=$hvn_work/testpmd-$1.out
		tp_pid= tp_rc= tp_rd= tp_partial=
		at_exit "tp_use '$1'; tp_stop; tp_use main"
	fi
	tp_cur=$1
}

# Output since the given byte offset, and the offset now.
tp_since() {
	tail -c +$(($1 + 1)) "$tp_out"
}

tp_mark() {
	stat -c %s "$tp_out"
}

# Error lines since a mark (not the synchronisation's refusals).
tp_errors() {
	tp_since "$1" | grep -iE 'fail|no completion|error' |
		grep -v 'file based cmdline context'
}

# tp_restart WHAT [COMMAND]...: the ports stopped, each COMMAND (one
# string) sent, the ports started; checks that no error line came.
tp_restart() {
	local m c

	m=$(tp_mark)
	tp_cmd port stop all
	for c in "${@:2}"; do
		tp_cmd "$c"
	done
	tp_cmd port start all
	check "$1" "$(tp_errors "$m" | grep -q . || echo 1)" \
		"$(tp_errors "$m" | head -3)"
}

# tp_sync SECONDS: send the next marker and wait until testpmd has written
# it (return 1 when testpmd ends first or time runs out).
tp_sync() {
	local path=$hvn_work/$tp_sent.sync line= end=$((SECONDS + $1))

	tp_sent=$((tp_sent + 1))
	: >"$path"
	echo "load $path" >&3
	while [ "$SECONDS" -le "$end" ]; do
		if IFS= read -r -u "$tp_rd" line; then
			line=$tp_partial$line
			tp_partial=
			[[ $line == *"commands from $path" ]] && return 0
			continue
		fi
		# At the end of what was written so far: keep a partial line.
		tp_partial+=$line
		kill -0 "$tp_pid" 2>/dev/null || return 1
		read -r -t 0.01 -u "$tp_nap"
	done
	return 1
}

# tp_launch CMD...: run CMD (testpmd -i, or what starts it) with its input
# from us and its output in $tp_out; return once testpmd takes commands.
tp_launch() {
	tp_spawn "$@"
	tp_await
}

tp_spawn() {
	rm -f "$tp_out.in"
	mkfifo "$tp_out.in"
	: >"$tp_out"
	[ -n "$tp_rd" ] && exec {tp_rd}<&-
	exec {tp_rd}<"$tp_out"
	"$@" <"$tp_out.in" >"$tp_out" 2>&1 &
	tp_pid=$!
	exec 3>"$tp_out.in"
	tp_partial=
	hvn_show=$tp_out
}

# tp_need_forwarding [WHERE]: skip where testpmd forwards nothing: on
# upstream's PMD of DPDK 22.11, whose queues never read "started" (fixed
# in 23.11); WHERE names the scenario that covers it there instead.
tp_need_forwarding() {
	[ "$HVNET_PMD" = upstream ] &&
		[ "${HVNET_DPDK_VERSION:-22.11}" = 22.11 ] &&
		skip "testpmd 22.11 does not forward on the upstream PMD${1:+ ($1)}"
	return 0
}

# Wait until testpmd takes commands; skip when a binary or hugepages are
# missing, fail if it never comes up.
tp_await() {
	tp_sync 60 && return 0
	grep -q "not built\|hugepages" "$tp_out" && skip "$(head -3 "$tp_out")"
	fail "testpmd did not come up"
}

# testpmd writes to a file, so its stdout would be fully buffered and a
# command's output could come after the marker: tp_testpmd sets
# tp_wrapper to a script that runs testpmd (ours or upstream's) with a
# line-buffered stdout.
tp_testpmd() {
	local real stdbuf=/usr/libexec/coreutils/libstdbuf.so

	real=$(hvn_testpmd) && [ -x "$real" ] ||
		skip "testpmd ($HVNET_PMD) not built"
	[ -f "$stdbuf" ] || skip "coreutils libstdbuf.so missing"
	tp_wrapper=$hvn_work/testpmd
	cat >"$tp_wrapper" <<-WRAP
	#!/bin/sh
	LD_PRELOAD="\${LD_PRELOAD:-} $stdbuf" _STDBUF_O=L exec "$real" "\$@"
	WRAP
	chmod +x "$tp_wrapper"
}

# tp_hv_testpmd [hv-host args] -- [EAL args] -- [testpmd args]: sets
# tp_cmdline to hv-testpmd.sh's command line for the PMD under test.
tp_hv_testpmd() {
	tp_testpmd
	tp_cmdline=(env HVNET_TESTPMD="$tp_wrapper"
		HVNET_TESTPMD_UPSTREAM="$tp_wrapper" HVTP_LOG="$host_log"
		"$hvn_top/devtools/hv-testpmd.sh" "${hvn_upstream_flag[@]}"
		--control "$host_sock" "$@")
}

# tp_start [hv-host args] -- [EAL args] -- [testpmd args]
tp_start() {
	need_host
	tp_hv_testpmd "$@"
	tp_launch "${tp_cmdline[@]}"
}

# tp_device_name: port 0's device name (what "device detach" takes).
tp_device_name() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "Device name" show port info 0
	tp_since "$m" | awk '/Device name:/ { print $3; exit }'
}

# tp_reattach DEVARGS: port 0 closed, its device detached and attached
# again with DEVARGS (e.g. ctrl_timeout_ms=1000).
tp_reattach() {
	local m dev

	dev=$(tp_device_name)
	tp_cmd port stop all
	tp_cmd port close 0
	tp_cmd device detach "$dev"
	m=$(tp_mark)
	tp_cmd_until "$m" "is attached" port attach "$dev,$1"
}

# Send one command and wait until testpmd has handled it.
tp_cmd() {
	echo "$*" >&3
	tp_sync "${TP_CMD_TIMEOUT:-60}" || fail "testpmd did not finish '$*'"
}

# tp_cmd_until MARK PATTERN CMD...: send one command and wait until the
# output since MARK contains PATTERN.
tp_cmd_until() {
	local m=$1 pat=$2 i

	shift 2
	tp_cmd "$@"
	for ((i = 0; i < 3000; i++)); do
		tp_since "$m" | grep -q -- "$pat" && return 0
		sleep 0.02
	done
	fail "no '$pat' after '$*'"
}

# Sum of a counter over all ports' "show port stats" blocks after a mark.
tp_port_stat() {
	tp_since "$1" | awk -v k="$2:" '
		{ for (i = 1; i < NF; i++) if ($i == k) s += $(i + 1) }
		END { printf "%.0f\n", s }'
}

# Show port 0's statistics (read them with tp_port_stat after a mark).
tp_stats() {
	tp_cmd_until "$(tp_mark)" Tx-bps show port stats 0
}

# tp_counts: port 0's statistics now, in tp_rx and tp_tx (packets),
# tp_rx_bytes, tp_tx_bytes, tp_rx_errors and tp_tx_errors.
tp_counts() {
	local m

	m=$(tp_mark)
	tp_stats
	read -r tp_rx tp_tx tp_rx_bytes tp_tx_bytes tp_rx_errors tp_tx_errors \
		< <(tp_since "$m" | awk '
		{ for (i = 1; i < NF; i++) s[$i] += $(i + 1) }
		END { printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", s["RX-packets:"],
			s["TX-packets:"], s["RX-bytes:"], s["TX-bytes:"],
			s["RX-errors:"], s["TX-errors:"] }')
}

# tp_baseline: the mbufs in use with the ports stopped (a started port may
# hold staged frames), in tp_in_use_before; the ports started again.
tp_baseline() {
	tp_cmd port stop all
	tp_in_use_before=$(tp_mbufs_in_use)
	tp_cmd port start all
}

# tp_stop_counts: forwarding and the ports stopped, then tp_counts.
tp_stop_counts() {
	tp_cmd stop
	tp_cmd port stop all
	tp_counts
}

# Stall hv-host's reading of sends and fill the guest's send ring with
# 31-segment txonly frames (page-list sends: the port's tx_copybreak must
# be below their 544 bytes). Sets tp_before (mbufs in use with the port
# stopped) and tp_full (the ring-full count when it first filled).
tp_fill_send_ring() {
	tp_cmd set fwd txonly
	tp_cmd port stop all
	tp_before=$(tp_mbufs_in_use)
	tp_cmd port start all
	host_ctl fault tx-stall >/dev/null ||
		fail "hv-host refused fault tx-stall"
	tp_cmd set txpkts "64$(printf ',16%.0s' $(seq 30))"
	tp_cmd start
	tp_full=$(tp_wait_stat tx_q0_ring_full 1 30)
	[ "$tp_full" -ge 1 ] || fail "the guest's send ring never filled"
	tp_cmd stop
}

# tp_stop_released BEFORE: forwarding and the port stopped while the host
# still stalls (the drain gives up waiting after 1 s): every descriptor
# taken is released, and the mbufs in use are back to BEFORE.
tp_stop_released() {
	tp_cmd stop
	TP_CMD_TIMEOUT=30 tp_cmd port stop all
	expect "descriptors outstanding with the port stopped" \
		"$(tp_xstat tx_q0_descriptors_outstanding)" 0
	expect "mbufs in use with the port stopped" "$(tp_mbufs_in_use)" "$1"
}

# After a host stall ended: the port forwards again, every frame testpmd
# counts reaches hv-host, nothing stays outstanding and the mbufs in use
# are back to $1.
tp_check_recovered() {
	local a

	tp_cmd port start all
	sleep 1
	tp_cmd clear port stats all
	a=$(host_stat total tx_frames)
	tp_cmd start
	sleep 1
	tp_stop_counts
	expect_ge "frames sent after the storm" "$tp_tx" 1000
	expect "frames hv-host took after the storm" \
		"$(($(host_stat total tx_frames) - a))" "$tp_tx"
	expect "descriptors outstanding at the end" \
		"$(tp_xstat tx_q0_descriptors_outstanding)" 0
	expect "mbufs in use at the end" "$(tp_mbufs_in_use)" "$1"
}

# Mbufs of mb_pool_0 in use, from a dump_mempool issued now.
tp_mbufs_in_use() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" common_pool_count dump_mempool
	tp_since "$m" | awk -F= '
		/^mempool <mb_pool_0>/ { on = 1; next }
		/^mempool </ { on = 0 }
		on && $1 ~ /^  size$/ { size = $2 }
		on && $1 ~ /total_cache_count$/ { cache = $2 }
		on && $1 ~ /common_pool_count$/ { common = $2 }
		END { print size - cache - common }'
}

# tp_xstat NAME [PORT]: one extended statistic, now.
tp_xstat() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "$1" show port xstats "${2:-0}"
	tp_since "$m" | awk -v k="$1:" '$1 == k { v = $2 } END { print v + 0 }'
}

# tp_wait_stat NAME WANT [SECONDS]: port 0's counter NAME of "show port
# stats" (RX-packets, RX-errors...), or its extended statistic NAME, asked
# again until it reaches WANT (for up to 10 s); prints the last value.
tp_wait_stat() {
	local i m v end=$((SECONDS + ${3:-10}))

	while :; do
		m=$(tp_mark)
		if [[ $1 == [RT]X-* ]]; then
			tp_stats
			v=$(tp_port_stat "$m" "$1")
		else
			v=$(tp_xstat "$1")
		fi
		[ "$v" -ge "$2" ] || [ "$SECONDS" -ge "$end" ] && break
		read -r -t 0.1 -u "$tp_nap"
	done
	echo "$v"
}

# Wait (up to t seconds) until the port's RX-packets reaches n.
tp_wait_rx() {
	local n=$1 t=${2:-60} i m

	for ((i = 0; i < t; i++)); do
		m=$(tp_mark)
		tp_stats
		[ "$(tp_port_stat "$m" RX-packets)" -ge "$n" ] && return 0
		sleep 1
	done
	return 1
}

# Quit testpmd; its exit status goes to tp_rc (hv-testpmd.sh prints
# hv-host's counters on the way out: read them with tp_host_stat).
tp_quit() {
	echo quit >&3
	exec 3>&-
	wait "$tp_pid"
	tp_rc=$?
	tp_pid=
}

# tp_host_stat PREFIX FIELD: hv-host's counter as printed at the end.
tp_host_stat() {
	stats_value "$1" "$2" <"$tp_out"
}

# Lines of testpmd's output matching a pattern.
tp_count() {
	grep -c -- "$1" "$tp_out"
}

# tp_wait_log PATTERN N [SECONDS]: wait (10 s) until the output holds at
# least N lines matching PATTERN.
tp_wait_log() {
	local i

	for ((i = 0; i < ${3:-10} * 10; i++)); do
		[ "$(tp_count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# tp_stop_fwd: forwarding stopped; the run's accumulated RX-packets
# in tp_fwd_rx.
tp_stop_fwd() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "Accumulated forward statistics" stop
	tp_fwd_rx=$(tp_since "$m" | awk '/Accumulated forward statistics/ { on = 1 }
		on && /RX-packets:/ { print $2; exit }')
}

# tp_queues_move WHAT N [tx]: forwarding a second at a time (up to 10,
# for a busy machine) until each of queues 0..N-1 has received (with
# "tx": and sent) frames over the runs; then the checks that each did.
tp_queues_move() {
	local m q t all rx tx
	local -a grx gtx

	for ((t = 0; t < 10; t++)); do
		tp_cmd start
		sleep 1
		m=$(tp_mark)
		tp_cmd_until "$m" "Accumulated forward statistics" stop
		all=1
		for ((q = 0; q < $2; q++)); do
			# testpmd leaves out a stream that moved nothing.
			read -r rx tx < <(tp_since "$m" | awk -v q="$q" '
				/Forward Stats for RX Port=/ { on = ($0 ~ "Queue= *" q " ") }
				on && /RX-packets:/ { print $2, $4; exit }')
			grx[q]=$(( ${grx[q]:-0} + ${rx:-0} ))
			gtx[q]=$(( ${gtx[q]:-0} + ${tx:-0} ))
			[ "${grx[q]}" -gt 0 ] || all=0
			[ "${3:-}" != tx ] || [ "${gtx[q]}" -gt 0 ] || all=0
		done
		[ $all = 1 ] && break
	done
	for ((q = 0; q < $2; q++)); do
		expect_ge "$1: queue $q frames received" "${grx[q]}" 1
		[ "${3:-}" != tx ] ||
			expect_ge "$1: queue $q frames sent" "${gtx[q]}" 1
	done
}

# tp_link [PORT]: the port's link status now ("up" or "down").
tp_link() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "Link status" show port info "${1:-0}"
	tp_since "$m" | awk '/^Link status:/ { print $3; exit }'
}

# tp_port_info: port 0's "show port info" into tp_info, asked again for
# up to 10 s until the link reads up.
tp_port_info() {
	local m i

	for ((i = 0; i < 50; i++)); do
		m=$(tp_mark)
		tp_cmd_until "$m" "Link status" show port info 0
		tp_info=$(tp_since "$m")
		grep -q "Link status: up" <<<"$tp_info" && return 0
		sleep 0.2
	done
}

# ---- EAL's interrupt thread held, as a busy machine's scheduler may ----

# tp_intr_find: the guest testpmd's EAL interrupt thread (tp_intr_tid) and
# where it waits when it has nothing to do (tp_intr_idle: its system call
# and first argument, epoll_wait on its own epoll descriptor).
tp_intr_pid=
tp_intr_tid=
tp_intr_idle=
tp_intr_hold_pid=
tp_intr_find() {
	local i w

	need_cmd python3
	tp_intr_pid=$(host_ctl stats | awk '/^guest present/ { print $4 }')
	tp_intr_tid=$(grep -lxE 'eal-intr-thread|dpdk-intr' \
		/proc/"$tp_intr_pid"/task/*/comm | cut -d/ -f5)
	[ -n "$tp_intr_tid" ] ||
		fail "no EAL interrupt thread (eal-intr-thread, dpdk-intr from 23.11) in testpmd ($tp_intr_pid)"
	tp_intr_idle=$(tp_intr_wait)
	for ((i = 0; i < 50; i++)); do
		sleep 0.1
		w=$(tp_intr_wait)
		[ "$w" = "$tp_intr_idle" ] && [ "${w%% *}" -ge 0 ] 2>/dev/null &&
			break
		tp_intr_idle=$w
	done
	[ "$i" -lt 50 ] ||
		fail "the EAL interrupt thread ($tp_intr_tid) never waits in one place (last '$tp_intr_idle')"
	at_exit tp_intr_release
}

tp_intr_wait() {
	cut -d' ' -f1,2 /proc/"$tp_intr_pid"/task/"$tp_intr_tid"/syscall \
		2>/dev/null
}

# tp_intr_hold: stop the interrupt thread alone (ptrace stops one thread,
# a signal the whole process) where it waits for work, not inside an
# alarm, which an alarm cancel would wait for; tp_intr_release lets it go.
# Alarms and device events that come meanwhile run when it is let go, in
# their order of expiry, as after a long wait for a CPU.
tp_intr_hold() {
	for _ in $(seq 20); do
		rm -f "$hvn_work/held"
		python3 - "$tp_intr_tid" "$hvn_work/held" <<-'EOF' &
		import ctypes, os, signal, sys
		tid, held = int(sys.argv[1]), sys.argv[2]
		signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
		libc = ctypes.CDLL(None, use_errno=True)
		libc.ptrace.restype = ctypes.c_long
		libc.ptrace.argtypes = [ctypes.c_long] * 2 + [ctypes.c_void_p] * 2
		def ptrace(req, what):
		    if libc.ptrace(req, tid, None, None) != 0:
		        sys.exit("cannot %s thread %d: %s" %
		                 (what, tid, os.strerror(ctypes.get_errno())))
		ptrace(0x4206, "seize")          # PTRACE_SEIZE
		ptrace(0x4207, "interrupt")      # PTRACE_INTERRUPT
		os.waitpid(tid, 0x40000000)      # __WALL: once it has stopped
		open(held, "w").close()
		signal.sigwait({signal.SIGTERM})
		ptrace(17, "detach")             # PTRACE_DETACH
		EOF
		tp_intr_hold_pid=$!
		for _ in $(seq 100); do
			[ -e "$hvn_work/held" ] && break
			kill -0 "$tp_intr_hold_pid" 2>/dev/null || break
			sleep 0.05
		done
		[ -e "$hvn_work/held" ] ||
			fail "cannot hold the EAL interrupt thread ($tp_intr_tid)"
		[ "$(tp_intr_wait)" = "$tp_intr_idle" ] && return 0
		tp_intr_release
		sleep 0.1
	done
	fail "the EAL interrupt thread ($tp_intr_tid) was never found waiting ($tp_intr_idle)"
}

tp_intr_release() {
	[ -n "$tp_intr_hold_pid" ] || return 0
	kill -TERM "$tp_intr_hold_pid"
	wait "$tp_intr_hold_pid" ||
		fail_soft "the EAL interrupt thread was not let go cleanly"
	tp_intr_hold_pid=
}
