#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Frame integrity both ways through hv-host's tap backend, the tap in a
# private network namespace, testpmd forwarding with the io engine (port 0
# back to port 0): a raw socket in the namespace sends one frame of every
# size from 60 to 1514 bytes with a random payload, then, after
# `port config mtu 0 9000` (and scattered receive), frames of 1515 to 9014
# bytes. Every frame must come back exactly once and byte-identical;
# testpmd's and hv-host's counters must match what was sent.
#
# (With HVNET_PMD=upstream nothing is forwarded: testpmd 22.11 never starts
# the streams of upstream netvsc's queues, see app/hv-guest/hv_guest.c.)

. "$(dirname "$0")/../lib/testpmd.sh"

ns=hvint$$
tap=hvint$$
netns_add "$ns"
port_mac=00:15:5d:00:00:01
tp_start --backend "tap:$tap" --mac "$port_mac" --mtu 9000 -- -- -i
tap_to_netns "$tap" "$ns"
ip -n "$ns" link set "$tap" up

cat >"$hvn_work/frames.py" <<'PY'
import os
import socket
import struct
import sys
import time

ifname, port_mac, first, last, step = sys.argv[1:6]
port_mac = bytes.fromhex(port_mac.replace(':', ''))
sizes = list(range(int(first), int(last) + 1, int(step)))
if sizes[-1] != int(last):
    sizes.append(int(last))
ETYPE = b'\x88\xb5'		# IEEE local experimental: nobody else's
WINDOW = 32

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((ifname, 0))
s.settimeout(0.05)
src = s.getsockname()[4]

out = {}			# seq -> frame in flight
sent = back = same = differ = dup = stray = 0
seen = set()
deadline = time.time() + 60
last_rx = time.time()
i = 0
while (i < len(sizes) or out) and time.time() < deadline:
    while i < len(sizes) and len(out) < WINDOW:
        size = sizes[i]
        f = port_mac + src + ETYPE + struct.pack('!I', i)
        f += os.urandom(size - len(f))
        s.send(f)
        out[i] = f
        sent += 1
        i += 1
    try:
        f, addr = s.recvfrom(16384)
    except socket.timeout:
        if time.time() - last_rx > 5:
            break		# whatever is still out is lost
        continue
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    last_rx = time.time()
    if len(f) < 18 or f[12:14] != ETYPE:
        stray += 1
        continue
    seq = struct.unpack('!I', f[14:18])[0]
    if seq in seen:
        dup += 1
        continue
    if seq not in out:
        stray += 1
        continue
    seen.add(seq)
    back += 1
    if f == out.pop(seq):
        same += 1
    else:
        differ += 1
        if differ <= 3:
            print('frame %d (%d bytes) came back as %d differing bytes'
                  % (seq, sizes[seq], len(f)))
print('frames %d-%d: sent %d back %d identical %d differing %d '
      'duplicated %d stray %d missing %d'
      % (sizes[0], sizes[-1], sent, back, same, differ, dup, stray,
         len(out)))
sys.exit(0 if same == sent == len(sizes) and not (differ or dup or stray)
         else 1)
PY

tp_cmd set fwd io
tp_cmd start
sleep 0.3
total=0
run_frames() {
	local n

	n=$(python3 -c "print(len(range($1, $2 + 1, $3)) + (($2 - $1) % $3 != 0))")
	total=$((total + n))
	tp_cmd clear port stats all
	if ip netns exec "$ns" python3 "$hvn_work/frames.py" "$tap" \
		"$port_mac" "$@"; then
		echo "ok: $n frames of $1..$2 bytes came back byte-identical"
	else
		fail_soft "frames of $1..$2 bytes"
	fi
	m=$(tp_mark)
	tp_stats
	expect "$1..$2: testpmd RX-packets" \
		"$(tp_port_stat "$m" RX-packets)" "$n"
	expect "$1..$2: testpmd TX-packets" \
		"$(tp_port_stat "$m" TX-packets)" "$n"
}
run_frames 60 1514 1
tp_cmd stop
tp_cmd port stop all
tp_cmd port config mtu 0 9000
tp_cmd port config 0 rx_offload scatter on
tp_cmd port start all
tp_cmd start
sleep 0.3
run_frames 1515 9014 61
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
# The host's totals also hold what the kernel sent on the tap while it
# was still in the root namespace, before any count above began.
expect_ge "hv-host: frames to the guest" "$(tp_host_stat total rx_frames)" \
	"$total"
expect_ge "hv-host: frames from the guest" \
	"$(tp_host_stat total tx_frames)" "$total"
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$tp_out")" 0
finish
