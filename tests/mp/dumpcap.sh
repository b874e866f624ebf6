#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# dpdk-dumpcap, a secondary process, captures a netvsc port's traffic to
# pcapng: hv-guest (the primary, rxonly, pdump enabled) owns the port of a
# NIC whose tap backend is in a private namespace; dumpcap captures port 0
# while a raw socket in the namespace sends a known stream (sequence
# numbers, every size from 60 to 1514 bytes in steps of 29, seeded
# payloads). The capture must hold exactly that stream, frame by frame
# and byte for byte, in order, and the primary must have received it all.
. "$(dirname "$0")/../lib/mp.sh"

need_guest
need_mp_app dumpcap app/dpdk-dumpcap
ns=hvcap$$
tap=hvcap$$
netns_add "$ns"
port_mac=00:15:5d:00:00:01
host_start --backend "tap:$tap" --mac "$port_mac"
tap_to_netns "$tap" "$ns" "$host_log"
ip -n "$ns" link set "$tap" up
mp_nics

cat >"$hvn_work/stream.py" <<'PY'
# The known stream: frame i of sizes[i] bytes, to the port's MAC.
import random
import struct

ETYPE = b'\x88\xb5'		# IEEE local experimental: nobody else's


def stream(port_mac, src_mac, seed=14):
    rnd = random.Random(seed)
    dst = bytes.fromhex(port_mac.replace(':', ''))
    for i, size in enumerate(range(60, 1515, 29)):
        head = dst + src_mac + ETYPE + struct.pack('!I', i)
        yield head + bytes(rnd.getrandbits(8) for _ in range(size - len(head)))
PY
cat >"$hvn_work/send.py" <<'PY'
import socket
import sys
sys.path.insert(0, sys.argv[3])
from stream import stream

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
n = 0
for f in stream(sys.argv[2], s.getsockname()[4]):
    s.send(f)
    n += 1
print(n)
PY
cat >"$hvn_work/compare.py" <<'PY'
# A pcapng reader (section header, interface description and enhanced
# packet blocks) and the comparison with the known stream.
import struct
import sys
sys.path.insert(0, sys.argv[4])
from stream import stream


def pcapng_packets(path):
    data = open(path, 'rb').read()
    off, endian = 0, '<'
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(endian + 'II', data, off)
        if btype == 0x0A0D0D0A:
            magic = data[off + 8:off + 12]
            endian = '<' if magic == b'\x4d\x3c\x2b\x1a' else '>'
            btype, blen = struct.unpack_from(endian + 'II', data, off)
        if blen < 12 or off + blen > len(data):
            raise ValueError('block at %d: bad length %d' % (off, blen))
        if btype == 6:		# enhanced packet block
            _, _, _, caplen, origlen = struct.unpack_from(endian + 'IIIII',
                                                          data, off + 8)
            pkt = data[off + 28:off + 28 + caplen]
            yield pkt, origlen
        off += blen


path, port_mac, src_mac = sys.argv[1:4]
want = list(stream(port_mac, bytes.fromhex(src_mac.replace(':', ''))))
got = list(pcapng_packets(path))
bad = 0
for i, (w, (g, origlen)) in enumerate(zip(want, got)):
    if g != w or origlen != len(w):
        bad += 1
        if bad <= 3:
            print('frame %d: captured %d of %d bytes, %s' %
                  (i, len(g), origlen,
                   'identical' if g == w else 'differing'))
print('stream %d frames, capture %d frames, %d differing'
      % (len(want), len(got), bad))
sys.exit(0 if bad == 0 and len(got) == len(want) else 1)
PY
nframes=$(python3 -c "print(len(range(60, 1515, 29)))")
src_mac=$(ip -n "$ns" link show "$tap" | awk '/link\/ether/ { print $2 }')

mp_start g "$guest" -l 0 --proc-type=primary -- --mode rxonly --seconds 120
mp_wait g "^hv-guest: port"
cap=$hvn_work/cap.pcapng
timeout --foreground 60 env HVH_ROOT="$host_root" LD_PRELOAD="$hvn_preload" "$dumpcap" \
	--file-prefix="$mp_prefix" -i 0 -w "$cap" -c "$nframes" \
	>"$hvn_work/dumpcap.out" 2>&1 &
cap_pid=$!
guest_bg "$cap_pid"
# It counts on stderr once capture is enabled in the primary.
for _ in $(seq 300); do
	grep -q "^Packets captured" "$hvn_work/dumpcap.out" && break
	kill -0 "$cap_pid" 2>/dev/null ||
		fail "dumpcap ended: $(cat "$hvn_work/dumpcap.out")"
	sleep 0.1
done
grep -q "^Packets captured" "$hvn_work/dumpcap.out" ||
	fail "dumpcap did not start capturing in 30 s"
sent=$(ip netns exec "$ns" python3 "$hvn_work/send.py" "$tap" "$port_mac" \
	"$hvn_work")
expect "frames sent" "$sent" "$nframes"
wait "$cap_pid"
expect "dumpcap exit status" "$?" 0
cat "$hvn_work/dumpcap.out"
python3 "$hvn_work/compare.py" "$cap" "$port_mac" "$src_mac" "$hvn_work"
check "the capture is the stream sent" "$(($? == 0))" "see above"
mp_stop g
expect "primary exit status" "$?" 0
expect "primary received the stream" \
	"$(awk '$2 == "total" { print $4 }' "$hvn_work/g.out")" "$nframes"
finish
