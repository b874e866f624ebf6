#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Completions of in-place frames while the host does not read (issue 12,
# finding 9: the ring of attached-frame completions must hold one per
# receive section). With rx_extmbuf_enable=1 a frame handed out in place
# is completed when its last mbuf is freed; when the send ring is full
# that completion waits in the queue's ring of attached-frame
# completions until the queue's reader sends it. hv-host (source backend,
# 1514-byte frames at 4000 a second, so that most transfer-page packets
# carry one frame) grants 18,811 receive sections; it stops reading the
# guest's sends (fault tx-stall) and testpmd fills the send ring with
# page-list sends (txonly, 31-segment frames; --no-flush-rx, so that
# testpmd reads no frame before) while the frames hv-host keeps
# delivering wait unread. Port stop then reads them: 8192 staged in place
# (--rxd=8192), the rest dropped, and the staged ones are freed at once
# when the port stops, with the ring still full: thousands of
# completions wait together. Once calm, hv-host reads everything, the
# port starts and stops again and testpmd quits: every receive section
# must be back with hv-host.
#
# The defect: that ring was sized once, when the first queue was made
# before the host had granted any section (2047 entries), and kept its
# size when a session granted more; completions past it were lost and
# their sections never returned.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] ||
	skip "reads our PMD's xstats and needs its ctrl_timeout_ms devarg"
tp_start --backend source:1514:1:4000 -- -- -i --no-flush-rx \
	--txd=4096 --rxd=8192 \
	--mbuf-size=256 --total-num-mbufs=160000
tp_reattach "rx_extmbuf_enable=1,rx_copybreak=128,ctrl_timeout_ms=1000,tx_copybreak=256"
tp_fill_send_ring
before=$tp_before
# Frames hv-host delivered since the stall wait in the receive ring.
sleep 3
TP_CMD_TIMEOUT=30 tp_cmd port stop all
expect_ge "frames handed out in place" \
	"$(tp_xstat rx_q0_attached_packets)" 4096
expect_ge "receive completions that waited for room" \
	"$(tp_xstat rx_q0_completion_retries)" 4096
# No mbuf count here: the host kept its filter (the request could not be
# sent), and frames a link query reads now wait in staging until the
# next stop.
host_ctl fault calm >/dev/null
tp_cmd port start all
sleep 3
tp_cmd port stop all
expect "mbufs in use at the end" "$(tp_mbufs_in_use)" "$before"
tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "receive completions lost" "$(tp_count 'receive completion .* lost')" 0
expect "receive sections hv-host still lends" \
	"$(awk '/^completions_outstanding/ { print $2 }' "$tp_out")" 0
finish
