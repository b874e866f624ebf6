#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Choosing NICs (hv-host --nics 3): hv-host lists each NIC's index,
# instance id and MAC; testpmd with all three has three ports, with -a of
# NIC 1 one port (NIC 1's MAC), with -b of NIC 1 two ports (NICs 0 and
# 2). (Upstream's 22.11 VMBus bus ignores -a and -b: "TODO add
# block/allow logic" in its probe, so it takes every NIC.)
. "$(dirname "$0")/../lib/testpmd.sh"

# probe NAME EAL-ARGS...: the MACs of the ports testpmd probed, sorted,
# into $macs; hv-host's NIC listing into $nics_list.
probe() {
	local name=$1 m

	shift
	tp_start --nics 3 -- "$@" -- -i
	m=$(tp_mark)
	tp_cmd_until "$m" "Number of available ports" show port summary all
	nics_list=$(host_ctl nics)
	macs=$(tp_since "$m" | awk '$1 ~ /^[0-9]+$/ && $2 ~ /:/ { print tolower($2) }' |
		sort | tr '\n' ' ')
	tp_quit
	expect "$name: testpmd exit status" "$tp_rc" 0
}

probe "all NICs"
expect "hv-host nics listing" \
	"$(awk 'NF == 3 { print $1, $3 }' <<<"$nics_list" | tr '\n' ' ')" \
	"0 00:15:5d:00:00:01 1 00:15:5d:00:00:02 2 00:15:5d:00:00:03 "
expect "instance ids listed" \
	"$(awk '$2 ~ /^[0-9a-f-]+$/ && length($2) == 36' <<<"$nics_list" | wc -l)" 3
expect "all NICs: ports" "$macs" \
	"00:15:5d:00:00:01 00:15:5d:00:00:02 00:15:5d:00:00:03 "
probe "-a NIC 1" -a nic1
expect "-a NIC 1: ports" "$macs" "00:15:5d:00:00:02 "
probe "-b NIC 1" -b nic1
expect "-b NIC 1: ports" "$macs" "00:15:5d:00:00:01 00:15:5d:00:00:03 "
finish
