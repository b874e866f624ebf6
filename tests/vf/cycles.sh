#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# VF offered after start, withdrawn, offered again, $1 times (default 3;
# the slow suite runs 20), under continuous traffic that testpmd's io
# forwarding carries: a ping every 50 ms and a UDP stream of $2 frames/s
# (default 2000), both from br0 to the reflector namespace through the
# guest (vf_reflect in tests/lib/vf.sh), so an answer or a counted frame means
# the netvsc port received and sent it. Each offer is hv-host's VF offer
# plus testpmd's "port attach" of the stand-in (a hot-added VF), in
# alternating order; each withdrawal is hv-host's, which removes the
# stand-in (RTE_ETH_EVENT_INTR_RMV). Checks: every offer moves the data
# path to the VF and every withdrawal back, the VF carries the traffic
# while it is in, neither the pings nor the stream stop for a second or
# more (silences of the path: time between arrivals less time between
# sendings, so the sender waiting for a CPU is none, and less the time
# hv-host or the forwarding lcore waited for a CPU; up to the end of the
# run), every stream frame lost was sent within 0.2 s before to 1.5 s
# after a transition (by its sequence number and the sender's pacing) or
# was still on its way at one, testpmd survives, and no mbuf is left in
# use once the port is stopped.

. "$(dirname "$0")/../lib/vf.sh"

cycles=${1:-3}
rate=${2:-2000}
at_exit "vf_stream_stop >/dev/null"

# doc/guides/nics/netvsc.rst compares upstream's 22.11 PMD with vf-fwd.
tp_need_forwarding
vf_prereq
vf_start -- $(vf_eal) -- -i --total-num-mbufs=8192
vf_reflect
tp_cmd set fwd io
tp_cmd start
read -r sent got <<<"$(vf_ping -c 5 -i 0.2 -W 1)"
[ "${got:-0}" -ge 1 ] || {
	echo "FAIL: no ping answered through io forwarding before the cycles"
	exit 1
}
: >"$hvn_work/marks"
vf_ping_start
vf_stream_start "$rate"
sleep 1

for ((c = 1; c <= cycles; c++)); do
	if [ $c -gt 1 ] && [ $((c % 2)) = 0 ]; then
		vf_mark
		host_ctl vf offer >/dev/null
		sleep 0.3
	fi
	vf_mark
	tp_cmd port attach "$(vf_standin)"
	if [ $c -gt 1 ] && [ $((c % 2)) = 1 ]; then
		sleep 0.3
		vf_mark
		host_ctl vf offer >/dev/null
	fi
	if ! tp_wait_log "$vf_on_pat" $c 10; then
		fail_soft "cycle $c: data path never moved to the VF"
		break
	fi
	vf_expect_carried $c
	vf_mark
	host_ctl vf withdraw >/dev/null
	if ! tp_wait_log "$vf_off_pat" $c 10; then
		fail_soft "cycle $c: data path never came back"
		break
	fi
	vf_mark
	sleep 1
	[ "$(host_datapath)" = synthetic ] || {
		fail_soft "cycle $c: hv-host's data path is not synthetic"
	}
done
echo "ok: $((c - 1)) offer/withdraw cycles done"
sleep 0.5
# Loss only around transitions: by the send time of every lost frame.
vf_traffic_verdict $((cycles * 2 * 20)) transitions
echo "transitions: $(wc -l <"$hvn_work/marks"), silences over 100 ms: $(wc -l <"$hvn_work/gaps")"
expect_ge "stream frames sent" "${vf_sent:-0}" $((rate * cycles))
vf_end
