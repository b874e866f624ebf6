#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Many MTU changes on a 4-queue port, our PMD in testpmd over hv-host's
# loopback: each change starts a new NVSP session whose 3 new subchannels
# replace those open, so 60 changes open 180 subchannels, more than the
# VMBus bus's 128 ring slots. Every change must succeed, testpmd must end
# up holding exactly the 3 current subchannel rings (none of the closed
# ones), and io forwarding must move traffic on every queue afterwards.
# Usage: pmd-mtu-renew.sh [CHANGES, default 60]

. "$(dirname "$0")/../lib/testpmd.sh"

changes=${1:-60}
tp_start --backend loopback --channels 4 --mtu 9000 --log-level 3 \
	-- -- -i --rxq=4 --txq=4
tp_cmd set fwd io

# testpmd's pid: the process under hv-testpmd.sh whose program it is.
testpmd_pid() {
	local p c

	for p in $(pgrep -P "$tp_pid"); do
		for c in $p $(pgrep -P "$p"); do
			case "$(readlink "/proc/$c/exe")" in
			*/dpdk-testpmd) echo "$c"; return ;;
			esac
		done
	done
}

# Subchannel ring mappings in testpmd: live ones, then those of rescinded
# (deleted) ring files.
rings() {
	awk '/\/ring$/ { l++ } /\/ring \(deleted\)$/ { d++ }
		END { printf "%d %d\n", l, d }' "/proc/$1/maps"
}

tp=$(testpmd_pid)
[ -n "$tp" ] || { echo "FAIL: testpmd process not found"; exit 1; }

renewed=0
for ((i = 0; i < changes; i++)); do
	mtu=$((i % 2 ? 1500 : 9000))
	m=$(tp_mark)
	tp_cmd port stop all
	tp_cmd port config mtu 0 "$mtu"
	tp_cmd port start all
	if tp_since "$m" | grep -qi "fail\|error"; then
		echo "FAIL: MTU change $((i + 1)) to $mtu:"
		tp_since "$m" | grep -i "fail\|error" | head -5
		exit 1
	fi
	renewed=$((renewed + 1))
done
expect "MTU changes that succeeded" "$renewed" "$changes"
expect_ge "subchannel sets hv-host granted" \
	"$(grep -c 'subchannels: 3 requested, 3 granted' "$host_log")" \
	"$changes"
expect "testpmd's subchannel rings (live, closed)" "$(rings "$tp")" "3 0"

m=$(tp_mark)
tp_cmd_until "$m" "^MTU:" show port info 0
expect "MTU after $changes changes" "$(tp_since "$m" |
	awk '/^MTU:/ { print $NF }')" $(((changes - 1) % 2 ? 1500 : 9000))

# Traffic on every queue's channel after the last change.
mapfile -t before < <(host_chan_tx)
tp_cmd start tx_first
sleep 1
mapfile -t after < <(host_chan_tx)
for ((c = 0; c < 4; c++)); do
	expect_ge "channel $c: frames to hv-host" \
		$(( ${after[c]:-0} - ${before[c]:-0} )) 32
done
m=$(tp_mark)
tp_cmd_until "$m" "Accumulated forward statistics" stop
expect_ge "frames forwarded" "$(tp_since "$m" | awk '
	/Forward statistics for port 0/ { on = 1 }
	on { for (i = 1; i < NF; i++) if ($i == "RX-packets:") { print $(i + 1); exit } }')" 1000

tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$tp_out")" 0
finish
