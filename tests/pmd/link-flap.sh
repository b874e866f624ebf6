#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A flapping link (issue 12, finding 6): hv-host's fault link-flap writes
# as many link indications as its control queue holds in one round, down
# and up again, each one a change. The PMD reads them in one pass of the
# ring and may have one link alarm pending at a time: the alarms it armed
# (/netvsc/info host_event_alarms, over telemetry) must be far fewer than
# the indications, the application must still hear of the changes (link
# state change events), and the link must end up as the host last said
# (up). One alarm per indication (the defect) arms as many alarms as
# there were indications, an EAL allocation each.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] || skip "reads our PMD's telemetry"
need_cmd python3
flaps=10
tp_start -- -- -i
tp_cmd set fwd rxonly
tp_cmd start
tp_port_info
grep -q "Link status: up" <<<"$tp_info" || fail "link not up"
events=$(tp_count 'link state change event')
alarms=$(telemetry "hvtp$tp_pid" /netvsc/info,0 host_event_alarms)
[ "$alarms" != none ] || fail "no host_event_alarms in /netvsc/info"
sent=$(host_stat misc faults)
for ((i = 0; i < flaps; i++)); do
	host_ctl fault link-flap >/dev/null || fail "hv-host refused link-flap"
	sleep 0.2
done
sent=$(($(host_stat misc faults) - sent))
sleep 1
events=$(($(tp_count 'link state change event') - events))
alarms=$(($(telemetry "hvtp$tp_pid" /netvsc/info,0 host_event_alarms) - alarms))
echo "link indications $sent, alarms armed $alarms, link-state-change events $events"
expect_ge "link indications hv-host wrote" "$sent" $((flaps * 16))
check "at most one alarm per 4 indications" \
	"$([ "$alarms" -le $((sent / 4)) ] && echo 1)" \
	"$alarms alarms for $sent indications"
expect_ge "events (the changes are reported)" "$events" 1
tp_port_info
check "link up after the flaps" \
	"$(grep -q 'Link status: up' <<<"$tp_info" && echo 1)" \
	"$(grep 'Link status' <<<"$tp_info")"
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
