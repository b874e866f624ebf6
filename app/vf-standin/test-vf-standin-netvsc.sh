#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The stand-in in the role it exists for: the pristine upstream netvsc PMD
# on hv-host takes it as its VF and lets it go on removal.  hv-host offers
# the VF association; the stand-in is attached afterwards (a hot-added VF),
# netvsc's retry finds it by MAC, configures and starts it and asks the
# host to switch the data path.  Withdrawing the VF (hv-host's control
# socket plus the stand-in's control file) must bring the RMV event to
# netvsc, which switches the data path back and releases the port.
#
#   test-vf-standin-netvsc.sh PLUGIN.so

set -u
. "$(dirname "$0")/vfsi-test-lib.sh"
plugin_src=$1
plugin=
top=${HVNET_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
mac=00:15:5d:0a:0b:0c

need_root_tun
if [ -z "${HVNET_TESTPMD_UPSTREAM:-}" ] ||
   [ ! -x "${HVNET_TESTPMD_UPSTREAM:-}" ]; then
	echo "SKIP: upstream testpmd not built"
	exit 77
fi

work=$(mktemp -d /tmp/vfsi-nv.XXXXXX)
ifname=vfsiN$$
ifname=${ifname:0:15}
ctl=$work/vf-state
hostctl=$work/host.sock
log=$work/testpmd.log
tp_pid=
cleanup() {
	[ -n "$plugin" ] && rm -rf "$(dirname "$plugin")"
	[ -n "$tp_pid" ] && kill "$tp_pid" 2> /dev/null && wait "$tp_pid"
	exec 3>&- 2> /dev/null
	ip link del "$ifname" 2> /dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
plugin=$(private_plugin "$plugin_src") || { echo "cannot copy the plugin $plugin_src"; exit 1; }

# One command on hv-host's control socket; prints the reply.
host_cmd() {
	python3 - "$hostctl" "$1" << 'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
out = b""
try:
	while True:
		b = s.recv(4096)
		if not b:
			break
		out += b
except socket.timeout:
	pass
print(out.decode(errors="replace"))
PY
}

make_tap "$ifname" || exit 1
mkfifo "$work/in"
stdbuf -o0 "$top/devtools/hv-testpmd.sh" --upstream --mac "$mac" \
	--vf-mac "$mac" --control "$hostctl" -- -d "$plugin" \
	--log-level=pmd.net.netvsc.*:debug -- -i --total-num-mbufs=4096 \
	< "$work/in" > "$log" 2>&1 &
tp_pid=$!
exec 3> "$work/in"

if ! wait_for 'testpmd>' 1 60; then
	tail -20 "$log"
	[ -n "$(grep -i 'not built\|hugepages' "$log")" ] && exit 77
	check netvsc_port_comes_up 0 "no prompt"
	exit 1
fi
# The host offers the VF once RNDIS is up; the VF is not there yet.
wait_for 'device not found, retrying' 1 10
send "port attach net_vfstandin0,mac=$mac,iface=$ifname,ctl=$ctl"
wait_for 'set datapath VF' 1 5
check netvsc_takes_standin_as_vf \
	"$(grep -q 'found matching VF port' "$log" &&
		grep -q 'Starting VF port' "$log" && echo 1)" \
	"$(grep -i 'vf' "$log" | tail -5)"
check standin_holds_tap_queue \
	"$([ "$(cat "/sys/class/net/$ifname/carrier")" == 1 ] && echo 1)" \
	"no carrier on $ifname"
stats=$(host_cmd stats)
check host_switched_datapath_to_vf \
	"$(grep -q 'datapath vf' <<< "$stats" && echo 1)" \
	"$(grep datapath <<< "$stats")"

# Withdraw: the host revokes the association and the VF leaves the bus.
host_cmd "vf withdraw" > /dev/null
vf_state "$ctl" removed
wait_for 'Start to remove port' 1 5
check rmv_event_reaches_netvsc \
	"$(grep -q 'device removal event' "$log" &&
		grep -q 'Removing VF portid' "$log" && echo 1)" \
	"$(tail -5 "$log")"
sleep 0.5
stats=$(host_cmd stats)
check host_datapath_back_to_synthetic \
	"$(grep -q 'datapath synthetic' <<< "$stats" && echo 1)" \
	"$(grep datapath <<< "$stats")"
# netvsc closes the port: its TAP queues go, and with them the carrier.
for ((i = 0; i < 50; i++)); do
	[ "$(cat "/sys/class/net/$ifname/carrier")" == 0 ] && break
	sleep 0.1
done
check standin_released_after_removal \
	"$([ "$(cat "/sys/class/net/$ifname/carrier")" == 0 ] && echo 1)" \
	"TAP $ifname still has a queue attached"

send "quit"
exec 3>&-
wait "$tp_pid"
rc=$?
tp_pid=
check testpmd_and_host_exit_cleanly "$([ $rc == 0 ] && echo 1)" \
	"exit $rc: $(tail -3 "$log")"
exit $fail
