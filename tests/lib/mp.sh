# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# DPDK's multi-process model on hv-host, on guest.sh (source only this
# file): a primary process and secondary processes (symmetric_mp,
# dpdk-proc-info, dpdk-dumpcap) of the DPDK build of the PMD under test
# share one EAL file prefix, $mp_prefix. Secondaries map the primary's
# hugepage files, so these are kept (no --huge-unlink) and removed at
# exit with the prefix's runtime folder.

. "$(dirname "${BASH_SOURCE[0]}")/guest.sh"

need_guest_env
mp_prefix=hvmp$$
at_exit "rm -rf /dev/hugepages/${mp_prefix}map_* /var/run/dpdk/$mp_prefix"
mp_stdbuf=/usr/libexec/coreutils/libstdbuf.so
[ -f "$mp_stdbuf" ] || skip "coreutils libstdbuf.so missing"

# need_mp_app VAR PATH: VAR is PATH (app/dpdk-proc-info,
# examples/dpdk-symmetric_mp...) of the DPDK build of the PMD under test
# (the one whose testpmd is tested: -Ddpdk_source may name another
# release), or the test is skipped.
need_mp_app() {
	local tp

	tp=$(hvn_testpmd) || skip "testpmd ($HVNET_PMD) not built"
	[ -x "$(dirname "$(dirname "$tp")")/$2" ] || skip "$2 not built"
	printf -v "$1" %s "$(dirname "$(dirname "$tp")")/$2"
}

# mp_nics: the NICs' instance ids into mp_ids, and mp_allow to "-a ID"
# for each (hv-host started with host_start --nics N).
mp_nics() {
	local id

	mapfile -t mp_ids < <(host_ctl nics | awk '$1 ~ /^[0-9]+$/ { print $2 }')
	mp_allow=()
	for id in "${mp_ids[@]}"; do
		mp_allow+=(-a "$id")
	done
}

# Set mp_wrap=(ip netns exec NS) to run the processes elsewhere.
mp_wrap=()

# mp_start NAME CMD [EAL args] [-- app args]: CMD as a DPDK process of
# the shared prefix on hv-host's NICs, in the background, its output
# (line-buffered) in $hvn_work/NAME.out, its pid in mp_pid[NAME], killed
# at exit.
declare -A mp_pid
mp_start() {
	local name=$1 bin=$2 va=()

	shift 2
	# A sanitized primary's hugepages where its secondaries' own mappings
	# cannot be (devtools/hv-testpmd.sh says why).
	case " $* " in
	*" --proc-type=primary "*)
		hvn_asan "$bin" &&
			va=(--base-virtaddr=0x200000000000) ;;
	esac
	"${mp_wrap[@]}" env HVH_ROOT="$host_root" \
		LD_PRELOAD="$hvn_preload $mp_stdbuf" \
		_STDBUF_O=L "$bin" "${mp_allow[@]}" --iova-mode=va \
		--file-prefix "$mp_prefix" "${va[@]}" "$@" \
		</dev/null >"$hvn_work/$name.out" 2>&1 &
	mp_pid[$name]=$!
	guest_bg "${mp_pid[$name]}"
	hvn_show=$hvn_work/$name.out
}

# mp_run NAME CMD [EAL args] [-- app args]: the same in the foreground
# (killed after 60 s); its exit status is returned.
mp_run() {
	local name=$1 bin=$2

	shift 2
	hvn_show=$hvn_work/$name.out
	timeout --foreground 60 "${mp_wrap[@]}" env HVH_ROOT="$host_root" \
		LD_PRELOAD="$hvn_preload" \
		"$bin" "${mp_allow[@]}" --iova-mode=va \
		--file-prefix "$mp_prefix" "$@" </dev/null \
		>"$hvn_work/$name.out" 2>&1
}

# mp_wait NAME PATTERN [SECONDS]: wait (default 30 s) until NAME's output
# has a line matching PATTERN; fail when the process ends first.
mp_wait() {
	local out=$hvn_work/$1.out end=$((SECONDS + ${3:-30}))

	while [ "$SECONDS" -le "$end" ]; do
		grep -q -- "$2" "$out" && return 0
		kill -0 "${mp_pid[$1]}" 2>/dev/null ||
			fail "$1 ended before '$2': $(tail -3 "$out")"
		sleep 0.1
	done
	fail "$1: no '$2' in ${3:-30} s"
}

# mp_stop NAME: SIGINT, then the exit status (killed after 10 s).
mp_stop() {
	local pid=${mp_pid[$1]} i

	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
}

# verdict WHAT GOT WANT: a check of the PMD's behaviour, made for ours
# and reported for upstream's where upstream 22.11 is known to differ
# (each script says where).
verdict() {
	if [ "$HVNET_PMD" = ours ]; then
		expect "$@"
	else
		echo "upstream: $1: $2 (want $3, checked for ours only)"
	fi
}

# nic_stat I PREFIX FIELD: NIC I's hv-host counter, now.
nic_stat() {
	host_ctl nic "$1" stats | stats_value "$2" "$3"
}

# nic_idle I: wait until NIC I delivers nothing more (its link was put
# down) and the guest has completed every frame it was given.
nic_idle() {
	local a b

	b=$(nic_stat "$1" total rx_frames)
	for _ in $(seq 100); do
		sleep 0.2
		a=$b
		b=$(nic_stat "$1" total rx_frames)
		[ "$a" = "$b" ] &&
			[ "$(host_ctl nic "$1" stats |
				awk '$1 == "completions_outstanding" { print $2 }')" = 0 ] &&
			return 0
	done
	fail "NIC $1 never went idle"
}

# smp_port NAME PORT FIELD: symmetric_mp's count (RX, TX, Drop) for PORT,
# printed when it was stopped.
smp_port() {
	awk -v p="Port $2:" -v f="$3" 'index($0, p) == 1 {
		for (i = 1; i < NF; i++) if ($i == f) { gsub(",", "", $(i + 2)); print $(i + 2) } }' \
		"$hvn_work/$1.out"
}
