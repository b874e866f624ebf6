#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Builds a uio_hv_generic-like root in a temporary folder and checks
# hv-preload against it: the test program (all libc entry points, /dev/uio0
# served by the program itself), then unmodified coreutils binaries.
#
#   preload.sh LIBHV_PRELOAD.SO TEST_PRELOAD
. "$(dirname "$0")/../lib/hvnet.sh"

# Absolute, since the programs run below may change directory.
lib=$(realpath "$1")
prog=$(realpath "$2")
# The same program built with ASan and UBSan, whose runtime initialises
# (and maps memory through us) before libc has an environment.
prog_asan=${3:+$(realpath "$3")}
# Sanitizer runtimes a program or the library links go first in
# LD_PRELOAD, or ASan refuses to start.
san_rt() {
	ldd "$@" 2>/dev/null | awk '$1 ~ /^lib(asan|ubsan)\.so/ && !s[$1]++ {
		printf "%s ", $3 }'
}
lib="$(san_rt "$lib")$lib"
need_cmd ls cat stat readlink realpath find nm
root=$hvn_work/root
mkdir "$root"

uuid=f8615163-0000-4000-8000-00155d0000aa
dev=sys/bus/vmbus/devices/$uuid
mkdir -p "$root/$dev/uio/uio0/maps" "$root/$dev/channels/14" \
	"$root/sys/bus/vmbus/drivers/uio_hv_generic" "$root/sys/class/uio" \
	"$root/sys/devices/vmbus/other/uio/uio1" "$root/dev" \
	"$root/etc" "$root/proc/self"
echo '{f8615163-df3e-46c5-913f-f2d2f965ed0e}' > "$root/$dev/class_id"
echo "{$uuid}" > "$root/$dev/device_id"
echo 14 > "$root/$dev/id"
echo 3 > "$root/$dev/monitor_id"
echo 0 > "$root/$dev/numa_node"
ln -s ../../drivers/uio_hv_generic "$root/$dev/driver"
echo uio_hv_generic > "$root/$dev/uio/uio0/name"
k=0
for m in txrx_rings:8192 int_page:4096 monitor_page:4096 recv:7:8192 \
		send:8:8192; do
	mkdir -p "$root/$dev/uio/uio0/maps/map$k"
	echo "${m%:*}" > "$root/$dev/uio/uio0/maps/map$k/name"
	printf '0x%x\n' "${m##*:}" > "$root/$dev/uio/uio0/maps/map$k/size"
	k=$((k + 1))
done
head -c 8192 /dev/zero | tr '\0' R > "$root/$dev/channels/14/ring"
echo 0 > "$root/$dev/channels/14/subchannel_id"
echo 3 > "$root/$dev/channels/14/monitor_id"
# The class entry is an absolute link, as hv-host may write it.
ln -s "/$dev/uio/uio0" "$root/sys/class/uio/uio0"
# Links that leave the surface for R's own /sys/devices.
echo other > "$root/sys/devices/vmbus/other/uio/uio1/name"
ln -s ../../devices/vmbus/other/uio/uio1 "$root/sys/class/uio/uio1"
ln -s /sys/devices/vmbus/other/uio/uio1 "$root/sys/class/uio/uio2"
ln -s loop "$root/sys/bus/vmbus/loop"
# Decoys: present below R but outside the surface, never to be read.
echo decoy > "$root/sys/bus/vmbusx"
echo decoy > "$root/etc/hostname"
echo decoy > "$root/proc/self/status"
# Map files of /dev/uio0; map 4 is missing on purpose.
k=0
for m in A:8192 B:4096 C:4096 D:8192; do
	head -c "${m#*:}" /dev/zero | tr '\0' "${m%:*}" > "$root/dev/uio0.map$k"
	k=$((k + 1))
done

# The fortified and large-file parts must really call the *_chk and *64
# entry points, or their checks below would prove nothing.
imports=$(nm -D -u "$prog" | awk '{print $2}' | sed 's/@.*//' | sort -u)
for s in __open_2 __openat_2 __read_chk __readlink_chk __realpath_chk \
		__open64_2 __openat64_2 open64 fopen64 mmap64 stat64 lstat64 \
		fstatat64 scandir64 statfs64 __xstat __lxstat __fxstatat \
		__xstat64; do
	expect "test_program_imports_$s" \
		"$(grep -qx -- "$s" <<< "$imports" && echo yes)" yes
done

export HVP_TEST_UUID=$uuid HVP_TEST_ROOT=$root
HVH_ROOT=$root LD_PRELOAD=$lib "$prog" surface || fail_soft "surface"
env -u HVH_ROOT LD_PRELOAD=$lib "$prog" inert || fail_soft "inert"
if [ -n "$prog_asan" ]; then
	HVH_ROOT=$root LD_PRELOAD="$(san_rt "$prog_asan")$lib" "$prog_asan" \
		uio | sed 's/^\(ok\|FAIL\|SKIP\) /&asan_/'
	[ "${PIPESTATUS[0]}" == 0 ] || fail_soft "uio in a sanitized program"
fi

# A root whose socket path does not fit in sun_path (108 bytes).
long=$root/$(printf 'l%.0s' {1..120})
mkdir -p "$long/dev"
cp "$root"/dev/uio0.map* "$long/dev/"
HVP_TEST_ROOT=$long HVH_ROOT=$long LD_PRELOAD=$lib "$prog" uio |
	sed 's/^\(ok\|FAIL\|SKIP\) /&long_root_/'
[ "${PIPESTATUS[0]}" == 0 ] || fail_soft "long root"

# Unmodified binaries.
run() {
	HVH_ROOT=$root LD_PRELOAD=$lib "$@" 2>&1
}
expect coreutils_ls_devices "$(run ls /sys/bus/vmbus/devices)" "$uuid"
expect coreutils_ls_maps_through_class_link \
	"$(run ls /sys/class/uio/uio0/maps | tr '\n' ' ')" \
	"map0 map1 map2 map3 map4 "
expect coreutils_ls_l_class_link \
	"$(run ls -l /sys/class/uio/uio0 | sed 's/.* -> //')" \
	"/$dev/uio/uio0"
expect coreutils_cat_class_id "$(run cat /$dev/class_id)" \
	'{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
expect coreutils_cat_map_name "$(run cat /sys/class/uio/uio0/maps/map3/name)" \
	'recv:7'
expect coreutils_stat_ring_size "$(run stat -c '%s %F' /$dev/channels/14/ring)" \
	'8192 regular file'
expect coreutils_stat_L_class_link "$(run stat -L -c %F /sys/class/uio/uio1)" \
	'directory'
expect coreutils_readlink_f "$(run readlink -f /sys/class/uio/uio0/name)" \
	"/$dev/uio/uio0/name"
expect coreutils_realpath_leaving_surface \
	"$(run realpath /sys/class/uio/uio1)" \
	"$root/sys/devices/vmbus/other/uio/uio1"
# findutils walks with openat() and fdopendir() below the first fd.
expect findutils_find_walks_surface \
	"$(run find /sys/class/uio/uio0/maps -name name | sort | tr '\n' ' ')" \
	"$(for k in 0 1 2 3 4; do printf '%s ' /sys/class/uio/uio0/maps/map$k/name; done)"
if command -v python3 > /dev/null; then
	expect python_listdir_and_realpath "$(run python3 -c "import os
print(os.listdir('/sys/bus/vmbus/devices'), os.path.realpath('/sys/class/uio/uio0'))")" \
		"['$uuid'] /$dev/uio/uio0"
fi
expect coreutils_cat_untouched "$(run cat /etc/hostname)" "$(cat /etc/hostname)"
expect coreutils_prefix_whole_component \
	"$(run cat /sys/bus/vmbusx > /dev/null 2>&1 && echo readable)" ""
expect coreutils_inert_without_root \
	"$(env -u HVH_ROOT LD_PRELOAD=$lib cat /$dev/class_id 2>/dev/null)" ""

finish
