#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A host that completes the aggregate the guest is still filling (issue
# 12, finding 3). An aggregate of copies stays open across bursts only
# when the guest's send ring is full, so the ring is filled first: hv-host
# stops reading the guest's sends (fault tx-stall) and testpmd (txonly)
# sends frames of 31 small segments, each a page-list send naming 32
# pages (~570 ring bytes a descriptor): some 3700 of the queue's 4096
# descriptors fill the 2 MiB ring. Then 64-byte frames, copied into
# aggregates: what is left of the ring takes a few (or none), the next
# stays open, taken but never sent. hv-host then completes every transaction id below 4096 that
# is not among the sends waiting in its ring (fault comp-unsent): ids
# never used, and the guest's next ones, the open aggregate's included.
#
# The PMD must refuse a completion for a descriptor it has not sent
# (bad_transaction_ids) and, at port stop, release each taken descriptor
# once when the host never completes them (the drain gives up after 1 s).
# Taking the open aggregate's completion (the defect) put its descriptor
# and send-buffer section back while the burst kept filling them, and the
# drain put them back again: the free stack then holds more than the
# queue has (written past its end, which a sanitized build reports) and
# descriptors_outstanding reads -1. mbufs must all be back in their pool,
# and the port must forward again.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] || skip "upstream takes a completion id as a pointer"
# 31 segments: 64 bytes of headers, then 30 of 16 bytes (544 bytes, over
# tx_copybreak=256, asked for below: sent as a page list). Small mbufs: the
# ring's fill holds ~115,000 of them.
tp_start --backend sink -- -- -i --txd=4096 --mbuf-size=256 \
	--total-num-mbufs=150000
# Control requests at stop get no reply while the host stalls.
tp_reattach ctrl_timeout_ms=1000,tx_copybreak=256
tp_fill_send_ring
before=$tp_before
full=$tp_full
gpa=$(tp_xstat tx_q0_page_list_sends)
expect_ge "page-list sends filling the ring" "$gpa" 3000
tp_cmd set txpkts 64
tp_cmd start
# Aggregates fill what is left of the ring, if anything; then every
# burst finds the open one full and the ring too.
want=$((full + 100))
expect_ge "sends refused by the full ring with an aggregate open" \
	"$(tp_wait_stat tx_q0_ring_full "$want" 30)" "$want"
aggs=$(tp_xstat tx_q0_aggregated_sends)
host_ctl fault comp-unsent >/dev/null ||
	fail "hv-host refused fault comp-unsent"
host_wait_log 'comp-unsent: every id'
# The drain reads the completions, then releases every descriptor taken,
# once.
tp_stop_released "$before"
sent=$((gpa + aggs))
# Every id below 4096 not in flight: the open aggregate's among them.
expect "completions refused" "$(tp_xstat rx_q0_bad_transaction_ids)" \
	$((4096 - sent))
host_ctl fault calm >/dev/null

# The port forwards again, every frame testpmd counts reaching hv-host
# (once it has read and completed the stalled sends).
tp_check_recovered "$before"
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
