#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Usage: hostile.sh SECONDS [PERMILLE] [FIRST_SEED]
#
# A hostile host (hv-host --hostile SEED:PERMILLE, default 10 per mille)
# under testpmd io forwarding of what hv-host's source backend offers
# (20,000 frames/s; what the guest sends back is discarded), two queues, for
# SECONDS of wall clock: each cycle of about 5 s draws a new seed
# (FIRST_SEED, default 1, then one more each cycle), forwards, stops the
# port and resets it (the session is renewed). A testpmd session lasts
# ten cycles, or until the port no longer starts (a corrupt primary ring
# cannot be renewed); the next one starts a fresh hv-host and testpmd
# with the next seed, so the probe meets the host's mutations too.
#
# The PMD must survive: testpmd answers every command (no crash, no
# hang), quit returns 0, after the last port stop of a session as many
# mbufs are in use as with the port stopped at its start, no sanitizer
# report (in a sanitized build: hvnet.sh's verdict), and hv-host outlives
# it all. What the
# host mutated (by kind) and what the PMD counted (extended statistics,
# reset events, ports that would not start) are printed at the end.
# HVNET_HOSTILE_LOGS=DIR keeps each session's output there.
. "$(dirname "$0")/../lib/testpmd.sh"

secs=${1:-60}
pm=${2:-10}
seed=${3:-1}
cycle_secs=5
# Frames the host offers per second: lost ones are replaced, and the rate
# leaves the two CPUs to the rest of a test run.
pps=20000
cycles_per_session=10
# Control waits of 2 s: a mutated reply must not make every command wait
# the default 60 s (a reply never comes, in the PMD's eyes).
devargs=ctrl_timeout_ms=2000
[ "$HVNET_PMD" = upstream ] && devargs=

# A testpmd that died must fail the test through tp_cmd, not end the
# script on writing its next command.
trap '' PIPE
save_session() {
	[ -n "${HVNET_HOSTILE_LOGS:-}" ] && [ -s "$tp_out" ] &&
		cp "$tp_out" "$HVNET_HOSTILE_LOGS/session-$sessions.out"
}
at_exit save_session

end=$((SECONDS + secs))
sessions=0
cycles=0
noport=0
start_refused=0
leaks=0
declare -A host_kinds pmd_counts

# The hostile line of hv-host's counters printed at quit: "kind N" pairs.
add_host_kinds() {
	local line k v

	line=$(grep '^hostile seed' "$tp_out" | tail -1)
	# shellcheck disable=SC2086
	set -- $line
	shift 9
	while [ $# -ge 2 ]; do
		k=$1 v=$2
		host_kinds[$k]=$(( ${host_kinds[$k]:-0} + v ))
		shift 2
	done
	host_kinds[packets]=$(( ${host_kinds[packets]:-0} + \
		$(awk '/^hostile seed/ { v = $7 } END { print v + 0 }' "$tp_out") ))
	host_kinds[orphaned]=$(( ${host_kinds[orphaned]:-0} + \
		$(awk '/^hostile seed/ { v = $9 } END { print v + 0 }' "$tp_out") ))
}

# The PMD's error counters of port 0, added up over queues, now (a port
# reset starts them again).
add_pmd_counts() {
	local m k v

	m=$(tp_mark)
	tp_cmd_until "$m" "NIC extended statistics" show port xstats 0
	while read -r k v; do
		pmd_counts[$k]=$(( ${pmd_counts[$k]:-0} + v ))
	done < <(tp_since "$m" | awk '
		$1 ~ /^[rt]x_q[0-9]+_(bad_|ring_read|channel_dead|host_fail|transfer_ids_busy|completion_retries|staging_full)/ {
			k = $1; sub(/^[rt]x_q[0-9]+_/, "", k); sub(/:$/, "", k)
			s[k] += $2 }
		END { for (k in s) print k, s[k] }')
}

# Has port 0 been probed (testpmd knows it)?
have_port() {
	local m

	m=$(tp_mark)
	tp_cmd show port info 0
	! tp_since "$m" | grep -q 'Invalid port\|invalid port'
}

session() {
	local m c before after rc

	sessions=$((sessions + 1))
	need_host
	tp_hv_testpmd --backend "source:64:64:$pps" --channels 2 \
		--hostile "$seed:$pm" -- -a "nic0${devargs:+,$devargs}" -- \
		-i --rxq=2 --txq=2
	tp_spawn "${tp_cmdline[@]}"
	if ! tp_sync 60; then
		# The probe refused the host, or made a one-queue port of it
		# (no RSS capabilities): testpmd ends, its --rxq=2 invalid.
		# That is the PMD's right; a crash is not.
		kill -0 "$tp_pid" 2>/dev/null && fail "testpmd did not come up"
		wait "$tp_pid"
		rc=$?
		tp_pid=
		grep -q 'rxq (2) .*max_rx_queues' "$tp_out" && [ "$rc" = 1 ] ||
			fail "testpmd ended at start (exit $rc)"
		# Not a refusal if the guest never reached the host.
		[ "$(stats_value hostile packets <"$tp_out")" -gt 0 ] ||
			fail "testpmd ended at start without a word to hv-host"
		noport=$((noport + 1))
		echo "seed $seed: no two-queue port ($(grep -m1 -o \
			'probe failed.*\|max_rx_queues ([0-9]*)' "$tp_out"))"
		seed=$((seed + 1))
	elif ! have_port; then
		fail "testpmd runs without port 0"
	else
		tp_cmd port stop 0
		before=$(tp_mbufs_in_use)
		for ((c = 0; c < cycles_per_session && SECONDS < end; c++)); do
			cycles=$((cycles + 1))
			host_ctl hostile "$seed:$pm" >/dev/null ||
				fail "hv-host refused hostile $seed:$pm"
			m=$(tp_mark)
			tp_cmd port start 0
			# A port that will not start (its primary ring is
			# corrupt: only a new probe helps) ends the session.
			if tp_since "$m" | grep -q 'Fail to start'; then
				start_refused=$((start_refused + 1))
				seed=$((seed + 1))
				break
			fi
			tp_cmd start tx_first
			read -r -t "$cycle_secs" -u "$tp_nap"
			tp_cmd stop
			add_pmd_counts
			tp_cmd port stop 0
			tp_cmd port reset 0
			seed=$((seed + 1))
		done
		tp_cmd port stop 0
		after=$(tp_mbufs_in_use)
		if [ "$after" != "$before" ]; then
			leaks=$((leaks + 1))
			fail_soft "session $sessions: $after mbufs in use after port stop, $before before"
		fi
		tp_quit
		expect "session $sessions: testpmd exit status" "$tp_rc" 0
	fi
	if grep -q 'hv-host died\|hv-host failed' "$tp_out"; then
		fail_soft "session $sessions: hv-host died"
		grep 'hv-host' "$tp_out" | tail -5
	fi
	add_host_kinds
	# The next session reuses the file names; hvnet.sh looks for
	# sanitizer reports in what stays under $hvn_work.
	cp "$tp_out" "$hvn_work/session-$sessions.out"
	save_session
}

while [ "$SECONDS" -lt "$end" ]; do
	session
done

echo "---- $sessions sessions, $cycles cycles, seeds up to $((seed - 1)), $pm per mille ----"
echo -n "host mutated:"
for k in packets orphaned ring_index descriptor nvsp_completion \
	nvsp_notification transfer_page rndis_control rndis_data \
	indirection_table vf_association link_indication; do
	echo -n " $k ${host_kinds[$k]:-0}"
done
echo
echo -n "pmd counted:"
for k in $(printf '%s\n' "${!pmd_counts[@]}" | sort); do
	echo -n " $k ${pmd_counts[$k]}"
done
echo
# count PATTERN: lines of every session's output that match.
count() {
	cat "$hvn_work"/session-*.out | grep -c -- "$1"
}
echo "reset events $(count 'reset event'), link events" \
	"$(count 'link state change event'), sessions renewed" \
	"$(count 'new host session'), sends released unanswered at stop" \
	"$(count 'sends never completed'), primary ring corrupt" \
	"$(count "primary channel's ring is corrupt")"
echo "ports not probed or one-queue $noport, sessions ended by a port" \
	"that would not start $start_refused"
expect_ge "host mutations" "$(( ${host_kinds[ring_index]:-0} + \
	${host_kinds[descriptor]:-0} + ${host_kinds[transfer_page]:-0} + \
	${host_kinds[rndis_data]:-0} ))" 1
expect "sessions with mbufs missing" "$leaks" 0
finish
