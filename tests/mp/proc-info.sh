#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# dpdk-proc-info, a secondary process, reads a running primary's port
# counters: symmetric_mp alone (one process) forwards NIC 0's stream to
# NIC 1 (hv-host --nics 2) until NIC 0's link goes down and it is idle;
# then `dpdk-proc-info --stats` and `--xstats` must show, for both ports,
# exactly the counters the primary itself reports through telemetry
# (/ethdev/stats, /ethdev/xstats), and these must be hv-host's (upstream
# drops frames when its receive ring is full, and its counts of them do
# not add up: reported).
. "$(dirname "$0")/../lib/mp.sh"

need_mp_app smp examples/dpdk-symmetric_mp
need_mp_app procinfo app/dpdk-proc-info
host_start --nics 2 --channels 2 --backend nic=0:source:64:64:10000 \
	--backend nic=1:sink
mp_nics
mp_start p0 "$smp" -l 0 --proc-type=primary -- -p 3 --num-procs 1 \
	--proc-id 0
mp_wait p0 "using queue 0"
sleep 2
host_ctl nic 0 link down >/dev/null
nic_idle 0
sleep 0.5

for what in stats xstats; do
	# proc-info adds its own -c1 and --proc-type=secondary.
	mp_run "$what" "$procinfo" -- "--$what"
	expect "proc-info --$what exit status" "$?" 0
done
kill -0 "${mp_pid[p0]}" 2>/dev/null || fail "the primary ended"

# proc-info's counters against the primary's telemetry, port by port.
python3 - "$hvn_work" "/var/run/dpdk/$mp_prefix/dpdk_telemetry.v2" <<'PY'
import json, re, socket, sys

work, sock = sys.argv[1:3]

def telemetry(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sock)
    s.recv(4096)
    s.send(cmd.encode())
    return json.loads(s.recv(1 << 20).decode())[cmd.split(',')[0]]

def per_port(path, title, pairs):
    """{port: {name: value}} from proc-info's output: a block per port
    under "NIC <title> for port N", its counters from pairs(line)."""
    ports, port = {}, None
    for line in open(path):
        m = re.search(r'NIC %s for port (\d+)' % title, line)
        if m:
            port = int(m.group(1))
            ports[port] = {}
        elif port is not None:
            ports[port].update((k, int(v)) for k, v in pairs(line))
    return ports

# The port's totals; the "Stats reg" lines are per queue.
stats = per_port(work + '/stats.out', 'statistics',
                 lambda l: re.findall(r'([RT]X-\w+):\s+(\d+)', l)
                 if re.match(r'\s*[RT]X-', l) else [])
xstats = per_port(work + '/xstats.out', 'extended statistics',
                  lambda l: re.findall(r'^(\w+): (\d+)$', l.strip()))

names = {'RX-packets': 'ipackets', 'RX-errors': 'ierrors',
         'RX-bytes': 'ibytes', 'RX-nombuf': 'rx_nombuf',
         'TX-packets': 'opackets', 'TX-errors': 'oerrors',
         'TX-bytes': 'obytes'}
bad = 0
for port in (0, 1):
    prim = telemetry('/ethdev/stats,%d' % port)
    got = stats.get(port, {})
    for k, t in names.items():
        if got.get(k) != prim.get(t):
            print('FAIL: port %d %s: proc-info %s, primary %s'
                  % (port, k, got.get(k), prim.get(t)))
            bad += 1
    prim_x = telemetry('/ethdev/xstats,%d' % port)
    got_x = xstats.get(port, {})
    if not got_x or got_x != prim_x:
        diff = sorted(set(got_x.items()) ^ set(prim_x.items()))[:6]
        print('FAIL: port %d xstats: %d from proc-info, %d from the '
              'primary; differing: %s' % (port, len(got_x), len(prim_x),
                                         diff))
        bad += 1
    else:
        print('ok: port %d: %d xstats as the primary\'s' % (port,
                                                           len(got_x)))
    print('port %d: %s' % (port, ' '.join('%s %s' % (k, got.get(k))
                                        for k in names)))
    with open('%s/port%d' % (work, port), 'w') as f:
        f.write('%s %s\n' % (got.get('RX-packets'), got.get('TX-packets')))
sys.exit(1 if bad else 0)
PY
rc=$?
check "proc-info shows the primary's counters" "$((rc == 0))" "see above"
read -r rx0 _ <"$hvn_work/port0" || rx0=0
read -r _ tx1 <"$hvn_work/port1" || tx1=none
expect_ge "port 0 received" "$rx0" 1000
missed=$(telemetry "$mp_prefix" /ethdev/stats,0 imissed)
echo "port 0 imissed: $missed"
# Upstream drops frames when its receive ring is full, and its counts
# of them do not add up (reported).
verdict "port 0 RX-packets and imissed are what NIC 0 delivered" \
	"$(nic_stat 0 total rx_frames)" "$((rx0 + missed))"
verdict "frames the PMD dropped" "$missed" 0
expect "port 1 TX-packets are what NIC 1 took" \
	"$(nic_stat 1 total tx_frames)" "$tx1"
mp_stop p0
expect "primary exit status" "$?" 0
finish
