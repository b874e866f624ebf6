#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hv-host presents the uio_hv_generic surface as the kernel prints it, in
# both variants, and removes it when it stops.
. "$(dirname "$0")/emu-lib.sh"

check_file() { # path expected-content
	[ "$(cat "$1" 2>/dev/null)" = "$2" ] || hv_fail "$1 is '$(cat "$1" 2>/dev/null)', want '$2'"
}

hv_start_host --relid 21
dev=$hv_root/sys/bus/vmbus/devices/$hv_uuid
check_file "$dev/class_id" "{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
check_file "$dev/device_id" "{$hv_uuid}"
check_file "$dev/id" 21
[ -n "$(sed -n '/^[0-9][0-9]*$/p' "$dev/monitor_id")" ] || hv_fail "monitor_id not decimal"
check_file "$hv_root/sys/class/uio/uio0/name" uio_hv_generic
check_file "$hv_root/sys/class/uio/uio0/maps/map0/name" txrx_rings
check_file "$hv_root/sys/class/uio/uio0/maps/map0/size" 0x0000000000402000
check_file "$hv_root/sys/class/uio/uio0/maps/map1/name" int_page
check_file "$hv_root/sys/class/uio/uio0/maps/map2/name" monitor_page
grep -qx 'recv:[1-9][0-9]*' "$dev/uio/uio0/maps/map3/name" || hv_fail "map3 name"
grep -qx 'send:[1-9][0-9]*' "$dev/uio/uio0/maps/map4/name" || hv_fail "map4 name"
check_file "$dev/uio/uio0/maps/map3/size" 0x0000000001f00000
check_file "$dev/uio/uio0/maps/map4/size" 0x0000000001000000
for k in 0 1 2 3 4; do
	want=$(($(cat "$dev/uio/uio0/maps/map$k/size")))
	got=$(stat -c %s "$hv_root/dev/uio0.map$k")
	[ "$want" = "$got" ] || hv_fail "uio0.map$k is $got bytes, map says $want"
done
check_file "$dev/channels/21/subchannel_id" 0
ring=$dev/channels/21/ring
[ -f "$ring" ] || hv_fail "primary ring file missing"
[ "$(stat -c %i "$ring")" = "$(stat -c %i "$hv_root/dev/uio0.map0")" ] ||
	hv_fail "primary ring is not the txrx_rings memory"
[ -S "$hv_root/dev/uio0" ] || hv_fail "/dev/uio0 is not a socket"
[ "$(readlink "$dev/driver")" = ../../drivers/uio_hv_generic ] || hv_fail "driver link"
hv_ok "current kernel surface"

kill -TERM "$hv_host_pid"; wait "$hv_host_pid"; hv_host_pid=
[ -e "$hv_root/sys" ] && hv_fail "surface left behind after exit"
hv_ok "surface removed on exit"

hv_start_host --kernel 4.16
dev=$hv_root/sys/bus/vmbus/devices/$hv_uuid
[ -e "$dev/channels/14/ring" ] && hv_fail "4.16 surface has a ring file"
[ -d "$dev/channels/14" ] || hv_fail "4.16 surface lacks the channel folder"
check_file "$dev/uio/uio0/maps/map0/size" 0x400000
hv_ok "4.16 surface"
