#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# hv-host's PCI VF (--vf-pci) alone, as the guest's kernel would show it:
# the sysfs attributes EAL's PCI scan and the PMDs read, the bifurcated
# driver's link, the interface and its MAC; the uevents of a hot-remove
# and a hot-add on the uevent socket, byte for byte in the kernel's
# format (ACTION@DEVPATH, then KEY=VALUE, each NUL-terminated), in the
# kernel's order; --vf-pci-rotate's new address; MANA's id and driver;
# "vf service" removing at once and adding back SECONDS later; bad
# --vf-pci values refused with one error line.  Through hv-preload, as a
# guest sees it: a NETLINK_KOBJECT_UEVENT socket bound to every group
# receives the uevents, SIOCGIFHWADDR on the interface returns the VF's
# MAC, and /sys/bus/pci/devices lists the device.

. "$(dirname "$0")/../lib/hvnet.sh"

need_host
need_cmd python3
mac=00:15:5d:0a:0b:0c
host_start --mac "$mac" --vf-pci 0000:00:02.0 --vf-ifname hvvfnone \
	--vf-pci-rotate
dev=$host_root/sys/bus/pci/devices/0000:00:02.0
expect "vendor" "$(cat "$dev/vendor")" 0x15b3
expect "device" "$(cat "$dev/device")" 0x1016
expect "class" "$(cat "$dev/class")" 0x020000
expect "numa_node" "$(cat "$dev/numa_node")" 0
expect "resource lines" "$(wc -l <"$dev/resource")" 7
expect "driver" "$(basename "$(readlink "$dev/driver")")" mlx5_core
expect "interface MAC" "$(cat "$dev/net/hvvfnone/address")" "$mac"

# Listen on the uevent socket while the device goes and comes back.
python3 - "$host_root/hvh/uevent" >"$hvn_work/uevents" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
print("connected", flush=True)
s.settimeout(2)
try:
    while True:
        m = s.recv(4096)
        if not m:
            break
        f = m.split(b"\0")
        print(repr(m[-1:]), " ".join(x.decode() for x in f if x))
except socket.timeout:
    pass
PY
lpid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$hvn_work/uevents" ] && break
	sleep 0.1
done
host_ctl vf remove >/dev/null
expect "device gone after vf remove" "$(ls "$host_root/sys/bus/pci/devices")" ""
host_ctl vf add >/dev/null
sleep 0.3
wait "$lpid"
sed -i 1d "$hvn_work/uevents"
expect "uevents, in order" "$(cut -d' ' -f2 "$hvn_work/uevents" | tr '\n' ' ')" \
	"remove@/devices/pci0000:00/0000:00:02.0/net/hvvfnone unbind@/devices/pci0000:00/0000:00:02.0 remove@/devices/pci0000:00/0000:00:02.0 add@/devices/pci0000:00/0000:00:03.0 bind@/devices/pci0000:00/0000:00:03.0 add@/devices/pci0000:00/0000:00:03.0/net/hvvfnone "
expect "every message ends with a NUL" \
	"$(grep -vc "^b'\\\\x00'" "$hvn_work/uevents")" 0
line=$(grep '^[^ ]* add@/devices/pci0000:00/0000:00:03.0 ' "$hvn_work/uevents")
for kv in ACTION=add SUBSYSTEM=pci PCI_SLOT_NAME=0000:00:03.0 \
	PCI_ID=15B3:1016 PCI_CLASS=20000 \
	MODALIAS=pci:v000015B3d00001016sv000015B3sd00001016bc02sc00i00; do
	check "add@ carries $kv" "$(grep -c " $kv\( \|$\)" <<<"$line")" "$line"
done
check "add@ has no DRIVER (not bound yet)" "$(grep -vc DRIVER= <<<"$line")" "$line"
check "bind@ names the driver" \
	"$(grep -c '^[^ ]* bind@.* DRIVER=mlx5_core' "$hvn_work/uevents")" \
	"$(grep bind@ "$hvn_work/uevents")"
expect "rotated address" "$(ls "$host_root/sys/bus/pci/devices")" 0000:00:03.0

# Servicing: removed at once, back SECONDS later (no guest to offer to).
host_ctl vf service 1 >/dev/null
sleep 0.4
expect "serviced device removed" "$(ls "$host_root/sys/bus/pci/devices")" ""
sleep 1
expect "serviced device back" "$(ls "$host_root/sys/bus/pci/devices")" 0000:00:04.0
check "a second servicing while one runs is refused" \
	"$(host_ctl vf service 1 >/dev/null; host_ctl vf service 1 | grep -c 'error: a servicing is running')" "no refusal"
# That servicing ends with the device back at the next address.
sleep 1.5

# The guest's view, through hv-preload (python's socket and ioctl are
# libc's).
if [ -n "$hvn_preload" ]; then
	HVH_ROOT=$host_root LD_PRELOAD=$hvn_preload python3 - \
		>"$hvn_work/guest" 2>&1 <<'PY' &
import fcntl, os, socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15)
s.bind((0, 0xffffffff))
print("devices", " ".join(sorted(os.listdir("/sys/bus/pci/devices"))))
r = fcntl.ioctl(socket.socket(), 0x8927,
                struct.pack("16s24x", b"hvvfnone"))
print("mac", ":".join("%02x" % b for b in r[18:24]), flush=True)
s.settimeout(3)
m = s.recv(4096).split(b"\0")
print("uevent", m[0].decode(), flush=True)
PY
	gpid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q '^mac' "$hvn_work/guest" && break
		sleep 0.1
	done
	sleep 0.2
	host_ctl vf remove >/dev/null
	wait "$gpid"
	expect "guest's PCI devices" "$(sed -n 's/^devices //p' "$hvn_work/guest")" \
		0000:00:05.0
	expect "guest's SIOCGIFHWADDR" "$(sed -n 's/^mac //p' "$hvn_work/guest")" \
		"$mac"
	expect "guest's first uevent" "$(sed -n 's/^uevent //p' "$hvn_work/guest")" \
		remove@/devices/pci0000:00/0000:00:05.0/net/hvvfnone
fi
host_stop

host_root=$hvn_work/r2
host_sock=$hvn_work/host2.sock
host_start --vf-pci 0001:00:05.0,1414:00ba --vf-ifname hvvfnone
dev=$host_root/sys/bus/pci/devices/0001:00:05.0
expect "MANA device" "$(cat "$dev/vendor"):$(cat "$dev/device")" 0x1414:0x00ba
expect "MANA driver" "$(basename "$(readlink "$dev/driver")")" mana
host_stop

for bad in 0000:00:02 0000:00:20.0 0000:00:02.0,8086:1572 0000:00:02.0,15b3 \
	0000:00:02.0x 0x00:00:02.0 0000:00:02.0,1414:00ba1; do
	out=$("$host_bin" --root "$hvn_work/r3" --vf-pci "$bad" \
		--vf-ifname x 2>&1)
	expect "--vf-pci $bad refused" "$?:$(wc -l <<<"$out")" 2:1
done
out=$("$host_bin" --root "$hvn_work/r3" --vf-pci 0000:00:02.0 2>&1)
expect "--vf-pci without --vf-ifname refused" "$?:$(wc -l <<<"$out")" 2:1
finish
