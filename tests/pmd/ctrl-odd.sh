#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# An RNDIS control message at an odd offset of its receive section
# (hv-host's fault ctrl-odd; nothing in the protocol aligns a range), here
# the link-down indication: the PMD must read it as well as an aligned
# one (link down), with no misaligned load, which a sanitized build's
# UBSan reports (hv-host --hostile found one in hn_rndis_receive_ctrl).
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --channels 1 -- -- -i
expect "link before" "$(tp_link)" up
# The PMD reads the ring (and the indication) when polled.
tp_cmd set fwd rxonly
tp_cmd start
host_ctl fault ctrl-odd >/dev/null || fail "hv-host refused fault ctrl-odd"
host_ctl link down >/dev/null || fail "hv-host refused link down"
tp_wait_log 'link state change event' 1 ||
	fail_soft "no link event for the misaligned indication"
expect "link after the misaligned indication" "$(tp_link)" down
expect "faults hv-host injected" "$(host_stat misc faults)" 1
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
