#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Our PMD behind hv-host's tap backend, the tap moved into a private
# network namespace:
# - icmpecho: ping from the namespace is answered, with 56- and 1400-byte
#   payloads whose patterns ping verifies byte by byte (frame integrity
#   both ways, through the send-buffer copy and the page-list paths);
# - icmpecho over a VLAN interface: the tag survives the round trip;
# - csum engine with IPv4 and UDP checksum offload on: UDP frames sent raw
#   to the port come back with valid IP header sums and are delivered by
#   the kernel to a local socket with byte-identical payloads.

. "$(dirname "$0")/../lib/testpmd.sh"

need_cmd ping python3
ns=hvpmd$$
tap=hvpmd$$
netns_add "$ns"
port_mac=00:15:5d:00:00:01
tp_start --backend "tap:$tap" --mac "$port_mac" -- -- -i
tap_to_netns "$tap" "$ns"
ip -n "$ns" addr add 10.78.0.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
vlan=0
if ip -n "$ns" link add link "$tap" name "$tap.7" type vlan id 7 2>/dev/null
then
	vlan=1
	ip -n "$ns" addr add 10.78.7.1/24 dev "$tap.7"
	ip -n "$ns" link set "$tap.7" up
else
	echo "note: no 802.1Q support in this kernel: VLAN check skipped"
fi
tap_mac=$(ip -n "$ns" -br link show "$tap" | awk '{ print $3 }')

tp_cmd set fwd icmpecho
tp_cmd start
sleep 0.5
ping_ok() {
	ip netns exec "$ns" ping -c 5 -i 0.2 -W 2 "$@" >"$hvn_work/ping" 2>&1
	local rc=$?

	if grep -q "wrong data byte\|DUP" "$hvn_work/ping"; then
		cat "$hvn_work/ping"
		return 1
	fi
	return $rc
}
for args in "-s 56 -p 5a" "-s 1400 -p a5c3" "-s 1400 -p 00ff"; do
	if ping_ok $args 10.78.0.2; then
		echo "ok: ping $args answered intact"
	else
		cat "$hvn_work/ping"
		fail_soft "ping $args"
	fi
done
if [ $vlan = 0 ]; then
	:
elif ping_ok -s 200 -p 77 10.78.7.2; then
	echo "ok: ping over VLAN 7 answered"
else
	cat "$hvn_work/ping"
	fail_soft "ping over VLAN 7"
fi
tp_cmd stop

tp_cmd port stop 0
tp_cmd csum set ip hw 0
tp_cmd csum set udp hw 0
tp_cmd set eth-peer 0 "$tap_mac"
tp_cmd port start 0
tp_cmd set fwd csum
tp_cmd start
if ip netns exec "$ns" python3 - "$tap" "$port_mac" "$tap_mac" <<'PY'
import os
import socket
import struct
import sys
import time

ifname = sys.argv[1]
port_mac, tap_mac = (bytes.fromhex(m.replace(':', '')) for m in sys.argv[2:4])
src_ip, dst_ip = socket.inet_aton('10.78.0.9'), socket.inet_aton('10.78.0.1')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def frame(payload, ident):
    udp_len = 8 + len(payload)
    pseudo = src_ip + dst_ip + struct.pack('!BBH', 0, 17, udp_len)
    udp = struct.pack('!HHHH', 5555, 7777, udp_len, 0) + payload
    c = 0xffff - csum(pseudo + udp)
    udp = udp[:6] + struct.pack('!H', c or 0xffff) + udp[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + udp_len, ident, 0, 64,
                     17, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack('!H', 0xffff - csum(ip)) + ip[12:]
    return port_mac + tap_mac + b'\x08\x00' + ip + udp


# Frames go out raw to testpmd's port; the csum engine sends them back to
# the tap's MAC with checksums left to the offload, and the kernel must
# deliver them to this socket (IP destination is the namespace's own).
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(('10.78.0.1', 7777))
rx.settimeout(0.5)
raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
raw.bind((ifname, 0))
raw.settimeout(0.2)
sent = {}
for i in range(40):
    payload = struct.pack('!I', i) + os.urandom(12 + i * 37)
    sent[payload[:4]] = payload
    raw.send(frame(payload, i))
got = bad_ip = 0
deadline = time.time() + 5
while got < len(sent) and time.time() < deadline:
    try:
        f = raw.recv(4096)
        if f[6:12] == port_mac and f[12:14] == b'\x08\x00':
            ihl = (f[14] & 15) * 4
            if csum(f[14:14 + ihl]) != 0xffff:
                bad_ip += 1
    except socket.timeout:
        pass
    try:
        data = rx.recv(4096)
        if sent.get(data[:4]) == data:
            got += 1
        else:
            print('payload differs')
    except socket.timeout:
        pass
print('checksum offload: %d of %d delivered intact, %d bad IP header sums'
      % (got, len(sent), bad_ip))
sys.exit(0 if got == len(sent) and bad_ip == 0 else 1)
PY
then
	echo "ok: UDP datagrams come back with valid offloaded checksums"
else
	fail_soft "checksum offload"
fi
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$tp_out")" 0
finish
