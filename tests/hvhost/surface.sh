#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# hv-host presents the uio_hv_generic surface as the kernel prints it, in
# both variants, and removes it when it stops.
. "$(dirname "$0")/../lib/guest.sh"

check_file() { # path expected-content
	[ "$(cat "$1" 2>/dev/null)" = "$2" ] || fail "$1 is '$(cat "$1" 2>/dev/null)', want '$2'"
}

host_start --relid 21
dev=$host_root/sys/bus/vmbus/devices/$host_uuid
check_file "$dev/class_id" "{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
check_file "$dev/device_id" "{$host_uuid}"
check_file "$dev/id" 21
[ -n "$(sed -n '/^[0-9][0-9]*$/p' "$dev/monitor_id")" ] || fail "monitor_id not decimal"
check_file "$dev/numa_node" 0
check_file "$host_root/sys/class/uio/uio0/name" uio_hv_generic
check_file "$host_root/sys/class/uio/uio0/maps/map0/name" txrx_rings
check_file "$host_root/sys/class/uio/uio0/maps/map0/size" 0x0000000000402000
check_file "$host_root/sys/class/uio/uio0/maps/map1/name" int_page
check_file "$host_root/sys/class/uio/uio0/maps/map2/name" monitor_page
grep -qx 'recv:[1-9][0-9]*' "$dev/uio/uio0/maps/map3/name" || fail "map3 name"
grep -qx 'send:[1-9][0-9]*' "$dev/uio/uio0/maps/map4/name" || fail "map4 name"
check_file "$dev/uio/uio0/maps/map3/size" 0x0000000001f00000
check_file "$dev/uio/uio0/maps/map4/size" 0x0000000001000000
for k in 0 1 2 3 4; do
	want=$(($(cat "$dev/uio/uio0/maps/map$k/size")))
	got=$(stat -c %s "$host_root/dev/uio0.map$k")
	[ "$want" = "$got" ] || fail "uio0.map$k is $got bytes, map says $want"
done
check_file "$dev/channels/21/subchannel_id" 0
ring=$dev/channels/21/ring
[ -f "$ring" ] || fail "primary ring file missing"
[ "$(stat -c %i "$ring")" = "$(stat -c %i "$host_root/dev/uio0.map0")" ] ||
	fail "primary ring is not the txrx_rings memory"
[ -S "$host_root/dev/uio0" ] || fail "/dev/uio0 is not a socket"
[ "$(readlink "$dev/driver")" = ../../drivers/uio_hv_generic ] || fail "driver link"
ok "current kernel surface"

host_stop
[ -e "$host_root/sys" ] && fail "surface left behind after exit"
ok "surface removed on exit"

host_start --kernel 4.16
dev=$host_root/sys/bus/vmbus/devices/$host_uuid
[ -e "$dev/channels/14/ring" ] && fail "4.16 surface has a ring file"
[ -d "$dev/channels/14" ] || fail "4.16 surface lacks the channel folder"
check_file "$dev/uio/uio0/maps/map0/size" 0x400000
ok "4.16 surface"
