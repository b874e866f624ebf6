#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# /netvsc/info read with Debian's dpdk-telemetry.py from a running testpmd
# (2 queues, io forwarding on hv-host's loopback), next to /ethdev/xstats:
# the versions and channels hv-host granted, buffer sizes, one entry per
# channel, the VF block, bad-host-message counters (after hv-host injects a
# bad range and a bad RNDIS message) equal to the xstats' totals, and the
# error reply for a port that does not exist or is not a number.

. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] || skip "/netvsc/info is our PMD's telemetry"
tel=/usr/bin/dpdk-telemetry.py
[ -x "$tel" ] || skip "$tel missing (Debian's dpdk-dev)"

tp_start --backend loopback --channels 4 -- -- -i --rxq=2 --txq=2 --rss-ip
tp_cmd start tx_first
tp_wait_rx 100000 60 || echo "note: 100,000 frames not reached in 60 s"
for f in xfer-range rndis-len; do
	host_ctl fault "$f" >/dev/null || fail "hv-host refused fault $f"
	sleep 0.5
done
tp_cmd stop
printf '%s\n' /netvsc/info,0 /ethdev/xstats,0 /netvsc/info,31 /netvsc/info,x |
	timeout 30 python3 "$tel" -f "hvtp$tp_pid" >"$hvn_work/tel" 2>&1
tel_rc=$?
cat "$hvn_work/tel"
tp_quit
expect "dpdk-telemetry.py exit status" "$tel_rc" 0
expect "testpmd exit status" "$tp_rc" 0

python3 - "$hvn_work/tel" <<'PY' || fail_soft "/netvsc/info checks"
import json
import sys

lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
fails = 0


def check(cond, what):
    global fails
    print(("ok: " if cond else "FAIL: ") + what)
    fails += not cond


check(len(lines) == 4, "four replies")
lines += [{}] * 4
info = lines[0].get("/netvsc/info") or {}
xs = lines[1].get("/ethdev/xstats") or {}
check(info.get("port") == 0, "port 0")
check(info.get("nvs_version") == "0x60001",
      "NVSP 6.1 (%s)" % info.get("nvs_version"))
check(info.get("ndis_version") == "6.30",
      "NDIS 6.30 (%s)" % info.get("ndis_version"))
check(info.get("channels_requested") == 2 and
      info.get("channels_granted") == 2 and info.get("channels_open") == 2,
      "2 channels requested, granted, open")
check(info.get("channels_max", 0) >= 2, "the host allows at least 2")
check(info.get("rx_buffer_size", 0) > 0 and info.get("rx_buffer_slots", 0) > 0,
      "receive buffer size and slots")
check(info.get("send_section_size", 0) > 0 and info.get("send_sections") ==
      info.get("send_buffer_size", 0) // info["send_section_size"] > 0,
      "send buffer cut in sections")
check(info.get("link") == "up" and info.get("link_speed_mbps", 0) > 0,
      "link up, with a speed")
for k in ("tx_desc_in_use", "tx_send_sections_in_use", "rx_frames_staged",
          "rx_completions_pending", "rx_ring_empty"):
    check(isinstance(info.get(k), list) and len(info[k]) == 2,
          "%s has one entry per channel" % k)
vf = info.get("vf") or {}
check(vf.get("port") == -1 and vf.get("data_path") == "synthetic",
      "no VF: synthetic data path")
bad = info.get("bad_host_messages") or {}
check(len(bad) == 10, "ten bad-host-message counters")
for k, v in bad.items():
    d = "tx" if k == "host_failures" else "rx"
    tot = [val for name, val in xs.items()
           if name.startswith(d + "_q") and name.split("_", 2)[2] == k]
    check(len(tot) == 2 and v == sum(tot),
          "bad_host_messages.%s = sum of %s_qN_%s (%d)" % (k, d, k, v))
check(bad.get("bad_ranges", 0) >= 1 and bad.get("bad_rndis_messages", 0) >= 1,
      "the injected bad range and RNDIS message counted")
check(xs.get("rx_good_packets", 0) > 0, "/ethdev/xstats answered")
check(lines[2].get("/netvsc/info", 0) is None and
      lines[3].get("/netvsc/info", 0) is None,
      "unknown port and non-number refused")
sys.exit(1 if fails else 0)
PY
finish
