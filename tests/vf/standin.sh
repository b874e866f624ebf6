#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Loads the VF stand-in into an unmodified testpmd (-d) and checks what the
# netvsc PMD relies on: the port has the MAC from its devargs, advertises
# LSC and RMV (testpmd only enables what is advertised), frames move
# both ways through its TAP, the MAC filter holds when promiscuous mode is
# off, and a "removed" written to the control file raises the device
# removal event and stops the traffic.  The device is then attached again
# while the file still says "removed" (the application's attach before the
# host's offer) and removed once more.  Four queues share the flows, and
# TSO and checksum requests reach the kernel.  Loop mode forwards without
# a TAP and obeys removal too.  testpmd is the build of $HVNET_PMD's tree.
. "$(dirname "$0")/../lib/vf.sh"

mac=00:15:5d:12:34:56
other=00:15:5d:99:99:99

vf_plugin
need_cmd ip python3
python3 -c 'import socket; socket.AF_PACKET' 2>/dev/null ||
	skip "python3 with AF_PACKET needed to inject frames"
tp_testpmd

# Send $2 frames to destination MAC $3 out of the kernel side of TAP $1.
inject() {
	python3 - "$1" "$2" "$3" << 'PY'
import socket, sys
ifname, count, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
frame = (bytes.fromhex(dst.replace(':', '')) +
	bytes.fromhex('02000000beef') + b'\x88\xb5' + bytes(60))
for _ in range(count):
	s.send(frame)
PY
}

# Send $2 UDP/IPv4 frames of $2 different flows to MAC $3 out of TAP $1.
inject_flows() {
	python3 - "$1" "$2" "$3" << 'PY'
import socket, struct, sys
ifname, count, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
eth = bytes.fromhex(dst.replace(':', '')) + bytes.fromhex('02000000beef')
for i in range(count):
	udp = struct.pack('!HHHH', 10000 + i, 9, 8 + 18, 0) + bytes(18)
	ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64,
		17, 0, bytes([10, 0, i >> 8 & 255, i & 255]), bytes([10, 1, 0, 1]))
	s.send(eth + b'\x08\x00' + ip + udp)
PY
}

# Send one 3126-byte TCP/IPv4 frame to MAC $2 out of TAP $1 and print the
# virtio-net header of the first frame the kernel then receives from the
# port: "len L flags F gso_type T gso_size S csum_start C csum_offset O".
tcp_echo_vnet() {
	python3 - "$1" "$2" << 'PY'
import socket, struct, sys, time
ifname, dst = sys.argv[1], sys.argv[2]
SOL_PACKET = 263
PACKET_VNET_HDR = 15
r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
r.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
r.bind((ifname, 0))
r.settimeout(0.2)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
payload = bytes(range(256)) * 12
tcp = struct.pack('!HHIIBBHHH', 40000, 5001, 1, 0, 5 << 4, 0x18, 65535, 0, 0)
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload), 1,
	0x4000, 64, 6, 0, bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
eth = (bytes.fromhex(dst.replace(':', '')) + bytes.fromhex('02000000beef') +
	b'\x08\x00')
s.send(eth + ip + tcp + payload)
end = time.time() + 10
while time.time() < end:
	try:
		data, addr = r.recvfrom(70000)
	except socket.timeout:
		continue
	if addr[2] == socket.PACKET_OUTGOING:
		continue
	h = struct.unpack('<BBHHHH', data[:10])
	print('len %d flags %d gso_type %d gso_size %d csum_start %d '
		'csum_offset %d' % (len(data) - 10, h[0], h[1], h[3], h[4], h[5]))
	sys.exit(0)
print('nothing')
PY
}

# One 3014-byte frame to MAC $2 out of TAP $1.
inject_big() {
	python3 - "$1" "$2" << 'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(bytes.fromhex(sys.argv[2].replace(':', '')) +
	bytes.fromhex('02000000beef') + b'\x88\xb5' + bytes(3000))
PY
}

# tp_vdev TAG DEVARGS [testpmd args]: testpmd with the stand-in (no
# hugepages, no hv-host), its output in testpmd-TAG.log.
tp_vdev() {
	local tag=$1 vdev=$2

	shift 2
	tp_out=$hvn_work/testpmd-$tag.log
	tp_launch "$tp_wrapper" -l 0-1 --no-huge -m 256 --no-pci \
		--file-prefix "vfsi$$$tag" -d "$VF_PLUGIN" --vdev "$vdev" \
		-- -i --total-num-mbufs=4096 "$@"
}

# Start testpmd with the stand-in on a fresh TAP; sets ifname, ctl and
# devargs.  Further arguments go to testpmd itself.
start_testpmd() {
	local tag=$1

	shift
	ifname=vfsi$$$tag
	ifname=${ifname:0:15}
	ctl=$hvn_work/ctl-$tag
	devargs="net_vfstandin0,mac=$mac,iface=$ifname,ctl=$ctl"
	tap_make "$ifname"
	tp_vdev "$tag" "$devargs" "$@"
}

stop_testpmd() {
	tp_quit
	expect "${1}_testpmd_exit_status" "$tp_rc" 0
}

# Frames the kernel received from the port so far.
tap_rx() {
	cat "/sys/class/net/$ifname/statistics/rx_packets"
}

run_one() {
	local tag=$1 n before after txk

	start_testpmd "$tag"
	tp_cmd "show port summary all"
	tp_wait_log "net_vfstandin" 1 5
	check "${tag}_port_has_devargs_mac" \
		"$(grep -qi "^0 *$mac *net_vfstandin0" "$tp_out" && echo 1)" \
		"$(grep -i -A2 'MAC Address' "$tp_out" | tail -2)"
	# testpmd enables LSC only for ports that advertise it.
	check "${tag}_lsc_event_on_start" \
		"$(grep -q 'Port 0: link state change event' "$tp_out" && echo 1)" \
		"no LSC event"

	# Frames into the port: ours counted, other unicast filtered.
	tp_cmd "set promisc 0 off"
	tp_cmd "set fwd rxonly"
	tp_cmd "start"
	inject "$ifname" 40 "$mac"
	inject "$ifname" 25 "$other"
	expect "${tag}_mac_filter_drops_other_unicast" \
		"$(tp_wait_stat rx_filtered_packets 25)" 25
	expect "${tag}_rx_frames_from_tap" "$(tp_wait_stat RX-packets 40)" 40

	# Frames out of the port reach the kernel side of the TAP.
	tp_cmd "stop"
	before=$(tap_rx)
	tp_cmd "set fwd txonly"
	tp_cmd "start"
	sleep 1
	tp_cmd "stop"
	after=$(tap_rx)
	txk=$((after - before))
	check "${tag}_tx_frames_reach_tap" "$([ $txk -gt 0 ] && echo 1)" \
		"kernel saw $txk frames"

	# Host withdraws the VF: removal event, then no traffic.
	tp_cmd "set fwd rxonly"
	tp_cmd "start"
	vf_state "$ctl" removed
	tp_wait_log 'device removal event' 1 5
	check "${tag}_removal_raises_rmv_event" \
		"$(grep -q 'Port 0: device removal event' "$tp_out" && echo 1)" \
		"$(tail -5 "$tp_out")"
	tp_wait_log 'Device is detached' 1 5
	check "${tag}_removed_port_is_detached" \
		"$(grep -q 'Device is detached' "$tp_out" && echo 1)" \
		"testpmd did not detach it"

	# Attach again before the host offers it, then offer and withdraw.
	tp_cmd "port attach $devargs"
	tp_wait_log 'is attached' 1 5
	check "${tag}_reattach_while_withdrawn" \
		"$(grep -q 'Port 0 is attached' "$tp_out" && echo 1)" \
		"$(tail -5 "$tp_out")"
	sleep 0.5
	check "${tag}_no_removal_for_state_at_attach" \
		"$([ "$(grep -c 'device removal event' "$tp_out")" == 1 ] &&
			echo 1)" "a removal event came without a change"
	vf_state "$ctl" present
	sleep 0.3
	tp_cmd "port start 0"
	vf_state "$ctl" removed
	tp_wait_log 'device removal event' 2 5
	check "${tag}_second_removal_after_offer" \
		"$([ "$(grep -c 'device removal event' "$tp_out")" -ge 2 ] &&
			echo 1)" "$(tail -5 "$tp_out")"

	stop_testpmd "$tag"
}

# MTU and offloads: a frame over the MTU is dropped; after the MTU is
# raised, a frame longer than one mbuf comes in (scatter), testpmd's
# csum engine sends it back with TSO (MSS 1000) and TCP/IP checksum
# requests, and the kernel must get them as a GSO frame with a partial
# checksum at the TCP header.
run_offloads() {
	local tag=$1 got

	start_testpmd "$tag"
	ip link set "$ifname" mtu 9000
	# At the default MTU of 1500 a 3000-byte frame is an Rx error.
	tp_cmd "set fwd rxonly"
	tp_cmd "start"
	inject_big "$ifname" "$mac"
	expect "${tag}_frame_over_mtu_is_an_error" \
		"$(tp_wait_stat RX-errors 1)" 1
	expect "${tag}_frame_over_mtu_not_received" \
		"$(tp_wait_stat RX-packets 0)" 0
	tp_cmd "stop"
	tp_cmd "port stop 0"
	tp_cmd "port config mtu 0 9000"
	tp_cmd "csum set ip hw 0"
	tp_cmd "csum set tcp hw 0"
	tp_cmd "tso set 1000 0"
	tp_cmd "port start 0"
	tp_cmd "set fwd csum"
	tp_cmd "start"
	got=$(tcp_echo_vnet "$ifname" "$mac")
	check "${tag}_tso_and_csum_reach_kernel" \
		"$([ "$got" == "len 3126 flags 1 gso_type 1 gso_size 1000 csum_start 34 csum_offset 16" ] &&
			echo 1)" "kernel got: $got"
	stop_testpmd "$tag"
}

# With RMV not enabled by the application (--no-rmv-interrupt), removal
# raises no event, but the device still stops moving frames both ways.
run_no_rmv() {
	local tag=$1 n before after

	start_testpmd "$tag" --no-rmv-interrupt --rxq=4 --txq=4
	tp_cmd "set promisc 0 off"
	tp_cmd "set fwd rxonly"
	tp_cmd "start"
	# Four queues are four TAP queues: the kernel spreads the flows.
	inject_flows "$ifname" 64 "$mac"
	expect "${tag}_flows_received" "$(tp_wait_stat RX-packets 64)" 64
	m=$(tp_mark)
	tp_cmd "show port xstats 0"
	n=$(tp_since "$m" | grep -c 'rx_q[0-3]_packets: [1-9]')
	check "${tag}_four_queues_share_flows" "$([ "$n" -ge 2 ] && echo 1)" \
		"$(tp_since "$m" | grep 'rx_q[0-3]_packets' | tr '\n' ' ')"
	tp_cmd "clear port stats 0"
	vf_state "$ctl" removed
	sleep 0.5
	inject "$ifname" 30 "$mac"
	sleep 0.3
	m=$(tp_mark)
	tp_stats
	expect "${tag}_removed_port_receives_nothing" \
		"$(tp_port_stat "$m" RX-packets)" 0
	tp_cmd "stop"
	before=$(tap_rx)
	tp_cmd "set fwd txonly"
	tp_cmd "start"
	sleep 0.5
	tp_cmd "stop"
	after=$(tap_rx)
	check "${tag}_removed_port_sends_nothing" \
		"$([ "$before" == "$after" ] && echo 1)" \
		"kernel saw $((after - before)) frames"
	check "${tag}_no_rmv_event_unless_enabled" \
		"$(! grep -q 'device removal event' "$tp_out" && echo 1)" \
		"RMV raised with intr_conf.rmv off"
	stop_testpmd "$tag"
}

# Loop mode: frames both ways with no TAP at all, io forwarding counts
# them; removal still stops them; an unknown mode is refused at probe.
run_loop() {
	local tag=$1 rx tx n

	ctl=$hvn_work/ctl-$tag
	tp_vdev "$tag" "net_vfstandin0,mac=$mac,mode=loop,ctl=$ctl"
	tp_cmd "set fwd io"
	tp_cmd "start"
	sleep 0.5
	tp_cmd "stop"
	tp_wait_log 'Accumulated forward statistics' 1 5
	rx=$(grep -A1 'Accumulated forward' "$tp_out" | awk '/RX-packets:/ { print $2 }')
	tx=$(grep -A2 'Accumulated forward' "$tp_out" | awk '/TX-packets:/ { print $2 }')
	check "${tag}_loop_mode_forwards" \
		"$([ "${rx:-0}" -ge 100000 ] && [ "$rx" == "$tx" ] && echo 1)" \
		"RX ${rx:-none} TX ${tx:-none}"
	vf_state "$ctl" removed
	tp_wait_log 'device removal event' 1 5
	tp_cmd "clear port stats 0"
	tp_cmd "start"
	sleep 0.3
	# testpmd detached the removed port: its forward statistics tell.
	m=$(tp_mark)
	tp_cmd_until "$m" "Accumulated forward statistics" stop
	expect "${tag}_loop_mode_removed_moves_nothing" \
		"$(tp_since "$m" | awk '/Accumulated forward/ { on = 1 }
			on && /RX-packets:/ { print $2; exit }')" 0
	stop_testpmd "$tag"

	tp_out=$hvn_work/testpmd-${tag}b.log
	"$tp_wrapper" -l 0-1 --no-huge -m 256 --no-pci \
		--file-prefix "vfsi$$${tag}b" -d "$VF_PLUGIN" \
		--vdev "net_vfstandin0,mac=$mac,mode=bogus" \
		-- --total-num-mbufs=4096 --tx-first --stats-period 1 \
		</dev/null >"$tp_out" 2>&1 &
	n=$!
	sleep 3
	kill "$n" 2> /dev/null
	wait "$n" 2> /dev/null
	check "${tag}_unknown_mode_refused" \
		"$(grep -q 'bad value in' "$tp_out" && echo 1)" "$(tail -3 "$tp_out")"
}

run_one 0
run_no_rmv n0
run_offloads o0
run_loop l0
finish
