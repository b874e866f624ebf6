#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
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
# a TAP and obeys removal too.  Runs against every testpmd
# given (ours and the pristine upstream build).
#
#   test-vf-standin.sh PLUGIN.so TESTPMD [TESTPMD...]

set -u
. "$(dirname "$0")/vfsi-test-lib.sh"
plugin_src=$1
plugin=
shift
mac=00:15:5d:12:34:56
other=00:15:5d:99:99:99

need_root_tun
if ! python3 -c 'import socket; socket.AF_PACKET' 2> /dev/null; then
	echo "SKIP: python3 with AF_PACKET needed to inject frames"
	exit 77
fi

work=$(mktemp -d /tmp/vfsi-test.XXXXXX)
tp_pid=
taps=()
cleanup() {
	[ -n "$plugin" ] && rm -rf "$(dirname "$plugin")"
	[ -n "$tp_pid" ] && kill "$tp_pid" 2> /dev/null
	for t in "${taps[@]}"; do
		ip link del "$t" 2> /dev/null
	done
	exec 3>&- 2> /dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
plugin=$(private_plugin "$plugin_src") || { echo "cannot copy the plugin $plugin_src"; exit 1; }

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
end = time.time() + 3
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

# RX-packets of "show port stats 0", the n-th time it was printed.
rx_packets() {
	grep 'RX-packets:' "$log" | sed -n "${1}p" | awk '{print $2}'
}

# Start testpmd ($1) with the stand-in on a fresh TAP; sets ifname, ctl,
# devargs and log.  Further arguments go to testpmd itself.
start_testpmd() {
	local testpmd=$1 tag=$2

	shift 2
	ifname=vfsi$$$tag
	ifname=${ifname:0:15}
	ctl=$work/ctl-$tag
	devargs="net_vfstandin0,mac=$mac,iface=$ifname,ctl=$ctl"
	log=$work/testpmd-$tag.log
	rm -f "$work/in"
	mkfifo "$work/in"
	make_tap "$ifname" || return 1
	taps+=("$ifname")
	stdbuf -o0 "$testpmd" -l 0-1 --no-huge -m 256 --no-pci \
		--file-prefix "vfsi$$$tag" -d "$plugin" --vdev "$devargs" \
		-- -i --total-num-mbufs=4096 "$@" < "$work/in" > "$log" 2>&1 &
	tp_pid=$!
	exec 3> "$work/in"
	if ! wait_for 'testpmd>' 1 20; then
		check "${tag}_testpmd_starts" 0 "$(tail -5 "$log")"
		return 1
	fi
}

stop_testpmd() {
	local tag=$1 n

	send "quit"
	exec 3>&-
	for ((n = 0; n < 50; n++)); do
		kill -0 "$tp_pid" 2> /dev/null || break
		sleep 0.1
	done
	wait "$tp_pid"
	check "${tag}_testpmd_exits_cleanly" "$([ $? == 0 ] && echo 1)" \
		"$(tail -3 "$log")"
	tp_pid=
}

# Frames the kernel received from the port so far.
tap_rx() {
	cat "/sys/class/net/$ifname/statistics/rx_packets"
}

run_one() {
	local testpmd=$1 tag=$2
	local n before after txk

	start_testpmd "$testpmd" "$tag" || return
	send "show port summary all"
	wait_for "net_vfstandin" 1 5
	check "${tag}_port_has_devargs_mac" \
		"$(grep -qi "^0 *$mac *net_vfstandin0" "$log" && echo 1)" \
		"$(grep -i -A2 'MAC Address' "$log" | tail -2)"
	# testpmd enables LSC only for ports that advertise it.
	check "${tag}_lsc_event_on_start" \
		"$(grep -q 'Port 0: link state change event' "$log" && echo 1)" \
		"no LSC event"

	# Frames into the port: ours counted, other unicast filtered.
	send "set promisc 0 off"
	send "set fwd rxonly"
	send "start"
	inject "$ifname" 40 "$mac"
	inject "$ifname" 25 "$other"
	sleep 0.5
	send "show port stats 0"
	wait_for 'RX-packets:' 1 5
	n=$(rx_packets 1)
	check "${tag}_rx_frames_from_tap" "$([ "${n:-0}" == 40 ] && echo 1)" \
		"RX-packets ${n:-none}, want 40"
	send "show port xstats 0"
	wait_for 'rx_filtered_packets' 1 5
	n=$(grep 'rx_filtered_packets' "$log" | tail -1 | awk '{print $2}')
	check "${tag}_mac_filter_drops_other_unicast" \
		"$([ "${n:-0}" == 25 ] && echo 1)" "filtered ${n:-none}, want 25"

	# Frames out of the port reach the kernel side of the TAP.
	send "stop"
	before=$(tap_rx)
	send "set fwd txonly"
	send "start"
	sleep 1
	send "stop"
	after=$(tap_rx)
	txk=$((after - before))
	check "${tag}_tx_frames_reach_tap" "$([ $txk -gt 0 ] && echo 1)" \
		"kernel saw $txk frames"

	# Host withdraws the VF: removal event, then no traffic.
	send "set fwd rxonly"
	send "start"
	vf_state "$ctl" removed
	wait_for 'device removal event' 1 5
	check "${tag}_removal_raises_rmv_event" \
		"$(grep -q 'Port 0: device removal event' "$log" && echo 1)" \
		"$(tail -5 "$log")"
	wait_for 'Device is detached' 1 5
	check "${tag}_removed_port_is_detached" \
		"$(grep -q 'Device is detached' "$log" && echo 1)" \
		"testpmd did not detach it"

	# Attach again before the host offers it, then offer and withdraw.
	send "port attach $devargs"
	wait_for 'is attached' 1 5
	check "${tag}_reattach_while_withdrawn" \
		"$(grep -q 'Port 0 is attached' "$log" && echo 1)" \
		"$(tail -5 "$log")"
	sleep 0.5
	check "${tag}_no_removal_for_state_at_attach" \
		"$([ "$(grep -c 'device removal event' "$log")" == 1 ] &&
			echo 1)" "a removal event came without a change"
	vf_state "$ctl" present
	sleep 0.3
	send "port start 0"
	vf_state "$ctl" removed
	wait_for 'device removal event' 2 5
	check "${tag}_second_removal_after_offer" \
		"$([ "$(grep -c 'device removal event' "$log")" -ge 2 ] &&
			echo 1)" "$(tail -5 "$log")"

	stop_testpmd "$tag"
}

# MTU and offloads: a frame over the MTU is dropped; after the MTU is
# raised, a frame longer than one mbuf comes in (scatter), testpmd's
# csum engine sends it back with TSO (MSS 1000) and TCP/IP checksum
# requests, and the kernel must get them as a GSO frame with a partial
# checksum at the TCP header.
run_offloads() {
	local testpmd=$1 tag=$2
	local got

	start_testpmd "$testpmd" "$tag" || return
	ip link set "$ifname" mtu 9000
	# At the default MTU of 1500 a 3000-byte frame is an Rx error.
	send "set fwd rxonly"
	send "start"
	inject_big "$ifname" "$mac"
	sleep 0.3
	send "show port stats 0"
	wait_for 'RX-errors:' 1 5
	got=$(grep 'RX-errors:' "$log" | head -1 | awk '{print $2}')
	check "${tag}_frame_over_mtu_dropped" \
		"$([ "$got" == 1 ] && [ "$(rx_packets 1)" == 0 ] && echo 1)" \
		"RX-errors ${got:-none} RX-packets $(rx_packets 1)"
	send "stop"
	send "port stop 0"
	send "port config mtu 0 9000"
	send "csum set ip hw 0"
	send "csum set tcp hw 0"
	send "tso set 1000 0"
	send "port start 0"
	send "set fwd csum"
	send "start"
	got=$(tcp_echo_vnet "$ifname" "$mac")
	check "${tag}_tso_and_csum_reach_kernel" \
		"$([ "$got" == "len 3126 flags 1 gso_type 1 gso_size 1000 csum_start 34 csum_offset 16" ] &&
			echo 1)" "kernel got: $got"
	stop_testpmd "$tag"
}

# With RMV not enabled by the application (--no-rmv-interrupt), removal
# raises no event, but the device still stops moving frames both ways.
run_no_rmv() {
	local testpmd=$1 tag=$2
	local n before after

	start_testpmd "$testpmd" "$tag" --no-rmv-interrupt --rxq=4 --txq=4 ||
		return
	send "set promisc 0 off"
	send "set fwd rxonly"
	send "start"
	# Four queues are four TAP queues: the kernel spreads the flows.
	inject_flows "$ifname" 64 "$mac"
	sleep 0.5
	send "show port xstats 0"
	wait_for 'rx_q3_packets' 1 5
	n=$(grep -c 'rx_q[0-3]_packets: [1-9]' "$log")
	check "${tag}_four_queues_share_flows" "$([ "$n" -ge 2 ] && echo 1)" \
		"$(grep 'rx_q[0-3]_packets' "$log" | tr '\n' ' ')"
	send "clear port stats 0"
	vf_state "$ctl" removed
	sleep 0.5
	inject "$ifname" 30 "$mac"
	sleep 0.3
	send "show port stats 0"
	wait_for 'RX-packets:' 1 5
	n=$(rx_packets 1)
	check "${tag}_removed_port_receives_nothing" \
		"$([ "${n:-x}" == 0 ] && echo 1)" "RX-packets ${n:-none}"
	send "stop"
	before=$(tap_rx)
	send "set fwd txonly"
	send "start"
	sleep 0.5
	send "stop"
	after=$(tap_rx)
	check "${tag}_removed_port_sends_nothing" \
		"$([ "$before" == "$after" ] && echo 1)" \
		"kernel saw $((after - before)) frames"
	check "${tag}_no_rmv_event_unless_enabled" \
		"$(! grep -q 'device removal event' "$log" && echo 1)" \
		"RMV raised with intr_conf.rmv off"
	stop_testpmd "$tag"
}

# Loop mode: frames both ways with no TAP at all, io forwarding counts
# them; removal still stops them; an unknown mode is refused at probe.
run_loop() {
	local testpmd=$1 tag=$2 rx tx n

	ctl=$work/ctl-$tag
	log=$work/testpmd-$tag.log
	rm -f "$work/in"
	mkfifo "$work/in"
	stdbuf -o0 "$testpmd" -l 0-1 --no-huge -m 256 --no-pci \
		--file-prefix "vfsi$$$tag" -d "$plugin" \
		--vdev "net_vfstandin0,mac=$mac,mode=loop,ctl=$ctl" \
		-- -i --total-num-mbufs=4096 < "$work/in" > "$log" 2>&1 &
	tp_pid=$!
	exec 3> "$work/in"
	if ! wait_for 'testpmd>' 1 20; then
		check "${tag}_testpmd_starts" 0 "$(tail -5 "$log")"
		return
	fi
	send "set fwd io"
	send "start"
	sleep 0.5
	send "stop"
	wait_for 'Accumulated forward statistics' 1 5
	rx=$(grep -A1 'Accumulated forward' "$log" | awk '/RX-packets:/ { print $2 }')
	tx=$(grep -A2 'Accumulated forward' "$log" | awk '/TX-packets:/ { print $2 }')
	check "${tag}_loop_mode_forwards" \
		"$([ "${rx:-0}" -ge 100000 ] && [ "$rx" == "$tx" ] && echo 1)" \
		"RX ${rx:-none} TX ${tx:-none}"
	vf_state "$ctl" removed
	wait_for 'device removal event' 1 5
	send "clear port stats 0"
	send "start"
	sleep 0.3
	send "stop"
	send "show port stats 0"
	wait_for 'RX-packets:' 3 5
	n=$(rx_packets 3)
	check "${tag}_loop_mode_removed_moves_nothing" \
		"$([ "${n:-x}" == 0 ] && echo 1)" "RX-packets ${n:-none}"
	stop_testpmd "$tag"

	log=$work/testpmd-${tag}b.log
	"$testpmd" -l 0-1 --no-huge -m 256 --no-pci --file-prefix "vfsi$$${tag}b" \
		-d "$plugin" --vdev "net_vfstandin0,mac=$mac,mode=bogus" \
		-- --total-num-mbufs=4096 --tx-first --stats-period 1 \
		< /dev/null > "$log" 2>&1 &
	n=$!
	sleep 3
	kill "$n" 2> /dev/null
	wait "$n" 2> /dev/null
	check "${tag}_unknown_mode_refused" \
		"$(grep -q 'bad value in' "$log" && echo 1)" "$(tail -3 "$log")"
}

i=0
for testpmd in "$@"; do
	[ -x "$testpmd" ] || continue
	run_one "$testpmd" "$i"
	run_no_rmv "$testpmd" "n$i"
	run_offloads "$testpmd" "o$i"
	run_loop "$testpmd" "l$i"
	i=$((i + 1))
done
if [ $i == 0 ]; then
	echo "SKIP: no testpmd built"
	exit 77
fi
exit $fail
