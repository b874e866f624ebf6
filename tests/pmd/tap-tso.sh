#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# TSO through hv-host's tap backend, the tap in a private network
# namespace: hv-guest's tsosend mode (our PMD) sends one TCP super-frame
# over IPv4 and one over IPv6, each of Hyper-V's largest LSOv2 size (62780
# bytes, a 17-mbuf chain) with a random payload and MSS 1460 / 1440. A raw
# packet socket on the tap must see exactly 43 + 44 segments, each with a
# valid IPv4 header sum and TCP checksum, the IP length of its frame, at
# most MSS payload bytes at an MSS-aligned sequence offset, PSH on the
# last only, and the payloads put together byte-identical to what was
# sent. hv-host cuts the super-frames itself, as the wire behind Hyper-V's
# switch would carry them (the kernel would take a GSO frame whole).
#
# HVNET_PMD=upstream runs the same with the upstream PMD (hv-guest-upstream).

. "$(dirname "$0")/../lib/hvnet.sh"

ns=hvtso$$
tap=hvtso$$
netns_add "$ns"
tap_mac=02:00:00:78:00:01
payload=$hvn_work/payload
start=$hvn_work/start
out=$hvn_work/guest.out
"$hvn_top/devtools/hv-testpmd.sh" "${hvn_upstream_flag[@]}" --guest --backend "tap:$tap" -- \
	--mode tsosend --peer "$tap_mac" --payload-file "$payload" \
	--start-file "$start" --seconds 30 >"$out" 2>&1 </dev/null &
gpid=$!
at_exit "kill -INT $gpid 2>/dev/null"
tap_to_netns "$tap" "$ns" "$out"
ip -n "$ns" link set "$tap" address "$tap_mac"
ip -n "$ns" addr add 10.78.0.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
for _ in $(seq 100); do
	[ -s "$payload" ] && break
	sleep 0.1
done

if ip netns exec "$ns" python3 - "$tap" "$payload" "$start" <<'PY'
import socket
import struct
import sys
import time

ifname, payload_file, start_file = sys.argv[1:4]
ISN, SPORT, DPORT = 0x10000000, 4000, 5001
MSS = {4: 1460, 6: 1440}
with open(payload_file, 'rb') as f:
    blob = f.read()
plen = len(blob) // 2
want = {4: blob[:plen], 6: blob[plen:]}
nseg = {v: (plen + MSS[v] - 1) // MSS[v] for v in (4, 6)}


def csum(data):
    """RFC 1071 sum of big-endian 16-bit words, folded; 0xffff = valid."""
    s = int.from_bytes(data[-1:], 'big') << 8 if len(data) & 1 else 0
    s += sum(int.from_bytes(data[i:i + 2], 'big')
             for i in range(0, len(data) - 1, 2))
    s = (s & 0xffff) + (s >> 16)
    return (s & 0xffff) + (s >> 16)


raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
raw.bind((ifname, 0))
raw.settimeout(0.2)
open(start_file, 'w').close()

seen = {4: {}, 6: {}}
frames = {4: 0, 6: 0}
bad = {4: 0, 6: 0}
deadline = time.time() + 20


def done(v):
    return sum(len(d) for d in seen[v].values()) >= plen


def fail(v, why):
    bad[v] += 1
    if bad[v] <= 5:
        print('IPv%d segment: %s' % (v, why))


while time.time() < deadline and not (done(4) and done(6)):
    try:
        f, addr = raw.recvfrom(70000)
    except socket.timeout:
        continue
    except OSError as e:
        print('recv: %s' % e)
        continue
    if addr[2] == socket.PACKET_OUTGOING or len(f) < 54:
        continue
    if f[12:14] == b'\x08\x00' and f[14 + 9] == 6:
        v, ip = 4, f[14:]
        hl = (ip[0] & 15) * 4
        iplen = struct.unpack('!H', ip[2:4])[0]
        pseudo = ip[12:20] + struct.pack('!HH', 6, iplen - hl)
        l4 = ip[hl:iplen]
    elif f[12:14] == b'\x86\xdd' and f[14 + 6] == 6:
        v, ip = 6, f[14:]
        hl = 40
        iplen = 40 + struct.unpack('!H', ip[4:6])[0]
        pseudo = ip[8:40] + struct.pack('!IxxxB', iplen - hl, 6)
        l4 = ip[hl:iplen]
    else:
        continue
    if len(l4) < 20 or struct.unpack('!HH', l4[:4]) != (SPORT, DPORT):
        continue
    frames[v] += 1
    if iplen != len(f) - 14:
        fail(v, 'IP length %d in a %d-byte frame' % (iplen, len(f)))
        continue
    if v == 4 and csum(ip[:hl]) != 0xffff:
        fail(v, 'bad IPv4 header checksum')
    if csum(pseudo + l4) != 0xffff:
        fail(v, 'bad TCP checksum')
    thl = (l4[12] >> 4) * 4
    data = l4[thl:]
    off = (struct.unpack('!I', l4[4:8])[0] - ISN) & 0xffffffff
    psh = bool(l4[13] & 0x08)
    if len(data) == 0 or len(data) > MSS[v] or off % MSS[v]:
        fail(v, '%d bytes at offset %d' % (len(data), off))
    elif off in seen[v]:
        fail(v, 'offset %d seen twice' % off)
    elif data != want[v][off:off + len(data)]:
        fail(v, 'payload at offset %d differs' % off)
    else:
        seen[v][off] = data
    if psh != (off + len(data) == plen):
        fail(v, 'PSH %d at offset %d' % (psh, off))

ok = True
for v in (4, 6):
    got = b''.join(seen[v][o] for o in sorted(seen[v]))
    same = got == want[v]
    print('IPv%d: %d segments (want %d), %d payload bytes identical of %d, '
          '%d bad' % (v, frames[v], nseg[v], len(got) if same else 0, plen,
                      bad[v]))
    ok = ok and same and frames[v] == nseg[v] and bad[v] == 0
sys.exit(0 if ok else 1)
PY
then
	echo "ok: both super-frames arrive as correct segments"
else
	fail_soft "TSO segments at the tap"
fi
wait "$gpid"
rc=$?
grep '^hv-guest: tsosend' "$out"
expect "hv-guest exit status" "$rc" 0
expect "super-frames sent" \
	"$(awk '/^hv-guest: tsosend/ { print $4 }' "$out")" 2
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$out")" 0
backend() {
	awk -v k="$1" '/^backend / { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$out"
}
expect "frames hv-host's tap took" "$(backend tx_frames)" 2
expect "hv-host tap errors" "$(backend tx_errors)" 0
finish
