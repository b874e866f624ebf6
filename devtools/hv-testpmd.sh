#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Run dpdk-testpmd against a private hv-host.
#
# Usage: devtools/hv-testpmd.sh [--upstream] [--guest] [hv-host options] -- [testpmd args]
#
# With hv-host's --nics N the program is allowed all N NICs (-a of each
# instance id, NIC 0 first; the port order is the bus's scan order). Extra
# EAL options with -a or -b choose instead: "-a nicI" or "-b nicI" names
# NIC I (its instance id is put in), "-a nicI,KEY=VALUE,..." with devargs.
# A hostile host: --hostile SEED[:PERMILLE] goes to hv-host like its other
# options (doc/guides/tools/hv-host.rst, "Hostile host").
# --guest runs hv-guest (app/hv-guest/hv_guest.c, same DPDK build) instead of
# testpmd: testpmd 22.11 never forwards on upstream's netvsc, whose queues
# stay "stopped" (see hv_guest.c).
# Starts hv-host (with a fresh --root, --device-id and --control unless
# given), runs testpmd under hv-preload with the wrapper's EAL options first
# (-a <device> --iova-mode=va --file-prefix <unique> -l 0-1 --huge-unlink),
# passes standard input through (for -i scripting), prints hv-host's
# counters when testpmd exits and tears everything down, also on Ctrl-C.
# After "--": if a second "--" follows, what is between is extra EAL
# options and the rest testpmd's own; otherwise all of it is testpmd's own.
# Exit status: testpmd's, or 1 if hv-host failed.
#
# Environment: HVNET_BUILD (build dir), HVNET_TESTPMD, HVNET_TESTPMD_UPSTREAM,
# HVNET_PRELOAD, HVNET_HOST (hv-host binary), HVTP_LOG (keep hv-host's log
# at this path), HVTP_CORES (default 0-1), HVTP_APP (hv-guest binary to use
# with --guest).

set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

upstream=0
guest=0
nics=1
host_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--upstream) upstream=1 ;;
	--guest) guest=1 ;;
	--nics=*) nics=${1#--nics=}; host_args+=("$1") ;;
	--nics) nics=${2:-}; host_args+=("$1" "${2:-}"); shift ;;
	--) shift; break ;;
	*) host_args+=("$1") ;;
	esac
	shift
done
case "$nics" in
[1-8]) ;;
*) echo "hv-testpmd: --nics $nics: 1..8" >&2; exit 2 ;;
esac
eal_extra=()
tp_args=("$@")
for ((i = 0; i < ${#tp_args[@]}; i++)); do
	if [ "${tp_args[$i]}" = "--" ]; then
		eal_extra=("${tp_args[@]:0:$i}")
		tp_args=("${tp_args[@]:$((i + 1))}")
		break
	fi
done

# First existing file among the candidates.
pick() {
	local f
	for f in "$@"; do
		if [ -n "$f" ] && [ -e "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

builds=()
[ -n "${HVNET_BUILD:-}" ] && builds+=("$HVNET_BUILD")
for b in "$top"/build "$top"/build*; do
	[ -d "$b" ] && builds+=("$b")
done
# cands PATTERN...: each pattern in each build folder, in that order (a
# build of another DPDK, meson's -Ddpdk_source, names its subprojects
# dpdk-<version> and dpdk-<version>-upstream).
cands() {
	local b p f
	for b in "${builds[@]}"; do
		for p in "$@"; do
			for f in "$b"/$p; do echo "$f"; done
		done
	done
}

host=$(pick "${HVNET_HOST:-}" $(cands app/hv-host/hv-host)) || {
	echo "hv-testpmd: hv-host not built (ninja -C build)" >&2; exit 77; }
preload=$(pick "${HVNET_PRELOAD:-}" $(cands app/hv-preload/libhv_preload.so)) || {
	echo "hv-testpmd: libhv_preload.so not built" >&2; exit 77; }
# A sanitized build's hv-preload (-Db_sanitize) must come after the
# sanitizer runtime it links, which ASan wants first of all libraries.
preload="$(ldd "$preload" 2>/dev/null |
	awk '$1 ~ /^lib(asan|ubsan)\.so/ { printf "%s ", $3 }')$preload"
if [ $guest = 1 ]; then
	name=hv-guest
	[ $upstream = 1 ] && name=hv-guest-upstream
	testpmd=$(pick "${HVTP_APP:-}" $(cands app/hv-guest/$name)) || {
		echo "hv-testpmd: $name not built" >&2; exit 77; }
elif [ $upstream = 1 ]; then
	testpmd=$(pick "${HVNET_TESTPMD_UPSTREAM:-}" \
		$(cands subprojects/dpdk-upstream/app/dpdk-testpmd \
			'subprojects/dpdk-[0-9]*-upstream/app/dpdk-testpmd')) || {
		echo "hv-testpmd: upstream dpdk-testpmd not built" >&2; exit 77; }
else
	testpmd=$(pick "${HVNET_TESTPMD:-}" \
		$(cands subprojects/dpdk/app/dpdk-testpmd \
			'subprojects/dpdk-[0-9]*[0-9]/app/dpdk-testpmd')) || {
		echo "hv-testpmd: our dpdk-testpmd not built" >&2; exit 77; }
fi

"$top"/devtools/hugepages.sh >/dev/null || exit 77

root=$(mktemp -d /dev/shm/hv-testpmd.XXXXXX)
uuid=$(cat /proc/sys/kernel/random/uuid)
prefix=hvtp$$
ctl=$root.ctl
log=${HVTP_LOG:-$root.log}
have_root=0
for a in "${host_args[@]}"; do
	case "$a" in
	--root|--root=*) have_root=1 ;;
	--control|--control=*) ctl= ;;
	--device-id|--device-id=*)
		echo "hv-testpmd: --device-id is chosen by the wrapper" >&2
		exit 2 ;;
	esac
done
[ $have_root = 1 ] && { echo "hv-testpmd: --root is chosen by the wrapper" >&2; exit 2; }
extra_host=(--root "$root/r" --device-id "$uuid")
[ -n "$ctl" ] && extra_host+=(--control "$ctl")

host_pid=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
		kill -TERM "$host_pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$host_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$host_pid" 2>/dev/null
	fi
	rm -rf "$root" "$ctl"
	[ -z "${HVTP_LOG:-}" ] && rm -f "$log"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Own session: a Ctrl-C meant for testpmd must not stop hv-host before its
# counters are read; the wrapper stops it itself.
setsid "$host" --exit-with-parent "${extra_host[@]}" "${host_args[@]}" \
	</dev/null >"$log" 2>&1 &
host_pid=$!
last_uio=$root/r/dev/uio$((nics - 1))
for _ in $(seq 100); do
	[ -S "$last_uio" ] && break
	kill -0 "$host_pid" 2>/dev/null || break
	sleep 0.1
done
if ! [ -S "$last_uio" ]; then
	echo "hv-testpmd: hv-host did not come up:" >&2
	cat "$log" >&2
	exit 1
fi

# NIC i's instance id is hv-host's: the base plus i in the last group.
nic_id() {
	printf '%s%012x' "${uuid:0:24}" $(( (0x${uuid:24} + $1) & 0xffffffffffff ))
}
chosen=0
for ((i = 0; i < ${#eal_extra[@]}; i++)); do
	case "${eal_extra[$i]}" in
	-a|-b|--allow|--block) chosen=1 ;;
	nic[0-7]|nic[0-7],*)
		a=${eal_extra[$i]}
		n=${a:3:1}
		[ "$n" -lt "$nics" ] && eal_extra[$i]=$(nic_id "$n")${a:4} ;;
	esac
done
eal=()
if [ $chosen = 0 ]; then
	for ((i = 0; i < nics; i++)); do
		eal+=(-a "$(nic_id $i)")
	done
fi
eal+=(--iova-mode=va --file-prefix "$prefix")
has_cores=0
unlink=1
secondary=0
for a in "${eal_extra[@]}"; do
	case "$a" in
	--proc-type=secondary|--proc-type=auto) secondary=1; unlink=0 ;;
	-l|-c|--lcores|-l*|--lcores=*) has_cores=1 ;;
	# No hugepage files to unlink, or the caller wants them kept.
	--in-memory|--no-huge|--huge-unlink*|--proc-type*) unlink=0 ;;
	esac
done
[ $has_cores = 0 ] && eal+=(-l "${HVTP_CORES:-0-1}")
# Unlinked hugepage files cannot leak if the guest is killed.
[ $unlink = 1 ] && eal+=(--huge-unlink)
# Under ASan a secondary process (dpdk-proc-info, dpdk-dumpcap) may find
# the primary's hugepage addresses, chosen near the top of the address
# space, taken by its own mappings: "Cannot reserve ... at [0x7f..]".
# The sanitizers leave 0x200000000000 alone (above ASan's shadow, below
# its allocator).
[ $secondary = 0 ] && ldd "$testpmd" 2>/dev/null | grep -q libasan &&
	eal+=(--base-virtaddr=0x200000000000)

# Keep the caller's preloads (stdbuf -oL works by one: without it testpmd's
# output reaches a pipe or log in 4 KiB lumps, late).
HVH_ROOT=$root/r LD_PRELOAD=$preload${LD_PRELOAD:+ $LD_PRELOAD} \
	"$testpmd" "${eal[@]}" "${eal_extra[@]}" -- "${tp_args[@]}"
tp_rc=$?

host_ok=1
if ! kill -0 "$host_pid" 2>/dev/null; then
	echo "hv-testpmd: hv-host died during the run" >&2
	host_ok=0
fi
echo "==== hv-host counters ===="
kill -TERM "$host_pid" 2>/dev/null
wait "$host_pid"
host_rc=$?
host_pid=
sed -n '/^hv-host counters:/,$p' "$log" | tail -n +2
if grep -q ' ERR ' "$log"; then
	echo "==== hv-host errors ===="
	grep ' ERR ' "$log" | head -20
fi
[ $host_rc -ne 0 ] && [ $host_rc -ne 143 ] && host_ok=0
if [ $host_ok = 0 ]; then
	echo "hv-testpmd: hv-host failed (exit $host_rc); its log:" >&2
	tail -30 "$log" >&2
	[ $tp_rc -eq 0 ] && tp_rc=1
fi
exit $tp_rc
