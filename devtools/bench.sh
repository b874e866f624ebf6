#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Benchmark of our netvsc PMD against the pristine upstream one over
# hv-host. A benchmark, not a test: it never fails for being slow.
#
# Placement: hv-host runs on CPU 0, the guest's forwarding lcore on CPU 1
# (-l 0-1: the main lcore, on CPU 0, sleeps while a worker forwards), so
# the two busy threads never share a core. Runs alternate ours and
# upstream's within a round; every run is printed, then per case the
# medians and the spread (min..max) of the per-round ratios.
#
# Sections (--section, default all):
#   fwd      txonly (into the sink backend) and io (over loopback), 64 and
#            1518-byte frames, 1, 2 and 4 queues, with hv-guest
#            (app/hv-guest), the same program built against both DPDKs
#            (testpmd 22.11 cannot forward on upstream's netvsc). Per run:
#            pps, frames per CPU-second of the forwarding thread and busy
#            cycles per frame (cycles of polls that returned frames).
#   testpmd  busy cycles per frame of testpmd --record-core-cycles, io on
#            our PMD, on upstream's where testpmd forwards on it (DPDK
#            23.11 on: --build of a -Ddpdk_source build), and the floor:
#            io on net_null (--vdev net_null0), same testpmd, no hv-host.
#   rx       rxonly at equal load: hv-host's source paced at 0.5, 1 and
#            2 Mpps; busy cycles per frame of each PMD.
#   lossfree the highest source rate each PMD receives without loss:
#            hv-host never finds the ring full or no free section
#            (read from its control socket inside the run) and the guest
#            takes at least 97% of the offered rate.
#   instr    callgrind (valgrind): instructions per rte_vmbus_chan_send
#            call and per frame of the PMD bursts (hn_xmit_pkts +
#            hn_recv_pkts) and of the whole loop, txonly and io, 1 queue,
#            64 bytes: exact, whatever the load of the machine.
#   mem      hugepage memory, heap bytes and memzones one port takes
#            with 1 and 8 queues.
# Output: the tables on stdout; build/bench/bench.csv (every run),
# build/bench/summary.csv (per case and side) and build/bench/bench.png
# (gnuplot: pps and busy cycles per frame per case, error bars from the
# rounds) in --out.
#
# Usage: devtools/bench.sh [--build DIR] [--quick] [--rounds N] [--seconds S]
#                          [--section NAME]... [--case NAME]... [--out DIR]
#   --build DIR  the build whose two PMDs are compared (default: build);
#                one made with -Ddpdk_source=...dpdk-24.11... compares ours
#                with 24.11's upstream PMD
#   --rounds N   rounds (default 3)
#   --seconds S  measuring time of one run (default 4)
#   --quick      1 round of 2 s, 64-byte cases only: about 5 minutes
#                (the full run: about 16 minutes on a quiet machine)
#   --case NAME  only this case of fwd (txonly-1q-64, io-2q-1518, ...)
#   --out DIR    where the CSV files and the plot go (default build/bench)
# Environment: as devtools/hv-testpmd.sh (HVNET_TESTPMD, HVNET_HOST,
# HVNET_PRELOAD, HVNET_BUILD), plus HVNET_GUEST and HVNET_GUEST_UPSTREAM:
# the hv-guest binaries of each side.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

rounds=3
seconds=4
quick=0
only=()
sections=()
out=
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--quick) quick=1 ;;
	--case) only+=("$2"); shift ;;
	--section) sections+=("$2"); shift ;;
	--out) out=$2; shift ;;
	--build) HVNET_BUILD=$(cd "$2" && pwd) || exit 2; export HVNET_BUILD; shift ;;
	-h|--help) sed -n '4,54p' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
if [ $quick = 1 ]; then
	rounds=1
	seconds=2
fi
[ "$rounds" -ge 1 ] || { echo "bench.sh: --rounds at least 1" >&2; exit 2; }
[ ${#sections[@]} -gt 0 ] || sections=(fwd testpmd rx lossfree instr mem)

build=${HVNET_BUILD:-$top/build}
out=${out:-$build/bench}
mkdir -p "$out" || exit 1
host=${HVNET_HOST:-$build/app/hv-host/hv-host}
[ -x "$host" ] || { echo "bench.sh: no $host (ninja -C build)" >&2; exit 77; }
"$top"/devtools/hugepages.sh >/dev/null || exit 77
# The build's DPDK: Debian's 22.11 (subprojects dpdk, dpdk-upstream) or
# another release's (dpdk-<version>, dpdk-<version>-upstream).
dpdk=22.11
tp_ours=$build/subprojects/dpdk/app/dpdk-testpmd
tp_up=$build/subprojects/dpdk-upstream/app/dpdk-testpmd
for d in "$build"/subprojects/dpdk-[0-9]*[0-9]; do
	[ -d "$d" ] || continue
	dpdk=${d##*/dpdk-}
	tp_ours=$d/app/dpdk-testpmd
	tp_up=$d-upstream/app/dpdk-testpmd
done

work=$(mktemp -d /tmp/hvnet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
csv=$out/bench.csv
echo "section,case,side,round,pps,cpu_pps,busy_cyc,extra" >"$csv"

# hv-host pinned to CPU 0; the guest's -l 0-1 puts its forwarding lcore
# on CPU 1 and its sleeping main lcore on CPU 0.
cat >"$work/hv-host" <<EOF
#!/bin/sh
exec taskset -c 0 "$host" "\$@"
EOF
chmod +x "$work/hv-host"
export HVNET_HOST=$work/hv-host

# The sides compared, and the hv-guest binary and wrapper flag of each.
sides=(ours upstream)
guest_app() {
	case "$1" in
	ours) echo "${HVNET_GUEST:-}" ;;
	upstream) echo "${HVNET_GUEST_UPSTREAM:-}" ;;
	esac
}
side_flag() {
	[ "$1" = ours ] || echo --upstream
}

selected() {
	local s
	for s in "${sections[@]}"; do
		[ "$s" = "$1" ] && return 0
	done
	return 1
}

# Value of "hv-guest: KEY N" in a run's output.
field() {
	awk -v k="hv-guest: $2" 'index($0, k " ") == 1 {
		v = substr($0, length(k) + 2); split(v, a, " "); print a[1] }' "$1" |
		tail -1
}

# run_guest SIDE MODE BACKEND QUEUES SIZE EXTRA [HOST OPTIONS...]: one
# hv-guest run (EXTRA: hv-guest options joined by commas, or -); prints
# "pps cpu_pps busy_cyc".
run_guest() {
	local side=$1 mode=$2 backend=$3 q=$4 size=$5 o=$work/out
	local flag extra=()

	[ "$6" = - ] || IFS=, read -r -a extra <<<"$6"
	shift 6
	flag=$(side_flag "$side")
	HVTP_APP=$(guest_app "$side") "$top/devtools/hv-testpmd.sh" $flag \
		--guest --backend "$backend" --channels 4 "$@" -- \
		--mode "$mode" --queues "$q" --size "$size" \
		--seconds "$seconds" --worker "${extra[@]}" >"$o" 2>&1 </dev/null
	cp "$o" "$work/last-$side"
	echo "$(field "$o" pps) $(field "$o" pkts-per-cpu-second)" \
		"$(field "$o" busy-cycles/pkt)" | awk '{
		printf "%.0f %.0f %.1f\n", $1, $2, $3 }'
}

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# "min max" of a column of numbers.
spread() {
	sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END {
		if (NR == 0) print "0 0"; else print lo, hi }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

# CSV rows of section $1: column $2 (5 pps, 6 cpu_pps, 7 busy) of case
# $3 and side $4, one per line.
col() {
	awk -F, -v s="$1" -v c="$3" -v d="$4" -v k="$2" \
		'$1 == s && $2 == c && $3 == d { print $k }' "$csv"
}

# ---- fwd: tx and io, ours against upstream ----
# name mode backend queues size hv-guest-options. io is a closed loop
# of one burst (32 frames) per queue; io-1q-64-f64 keeps 64 frames in
# flight on one queue, as many as io-2q-64 has on two.
fwd_cases=(
	"txonly-1q-64 txonly sink 1 64 -"
	"txonly-2q-64 txonly sink 2 64 -"
	"txonly-4q-64 txonly sink 4 64 -"
	"io-1q-64 io loopback 1 64 -"
	"io-1q-64-f64 io loopback 1 64 --inflight,64"
	"io-2q-64 io loopback 2 64 -"
	"io-4q-64 io loopback 4 64 -"
	"txonly-1q-1518 txonly sink 1 1514 -"
	"txonly-2q-1518 txonly sink 2 1514 -"
	"io-1q-1518 io loopback 1 1514 -"
	"io-2q-1518 io loopback 2 1514 -"
)

fwd_wanted() {
	if [ ${#only[@]} -gt 0 ]; then
		printf '%s\n' "${only[@]}" | grep -qx "$1"
		return
	fi
	[ $quick = 0 ] || [ "${1%-1518}" = "$1" ]
}

section_fwd() {
	local c r side name res

	echo "== fwd: hv-guest, $rounds round(s) of ${seconds}s per run"
	printf "%-6s %-15s %-9s %11s %12s %9s\n" round case side pps \
		cpu-pps busy-cyc
	for ((r = 1; r <= rounds; r++)); do
		for c in "${fwd_cases[@]}"; do
			set -- $c
			name=$1
			fwd_wanted "$name" || continue
			for side in "${sides[@]}"; do
				res=$(run_guest "$side" "$2" "$3" "$4" "$5" "$6")
				set -- $res
				printf "%-6s %-15s %-9s %11s %12s %9s\n" "$r" \
					"$name" "$side" "$1" "$2" "$3"
				echo "fwd,$name,$side,$r,$1,$2,$3," >>"$csv"
				set -- $c
			done
		done
	done
	summary fwd "${fwd_cases[@]}"
}

# summary SECTION CASE...: medians per side and the per-round ratios.
summary() {
	local sec=$1 c name op up oc uc ob ub lo hi

	shift
	echo "-- $sec summary (medians; pair: ours/upstream pps per round, min..max)"
	printf "%-15s %10s %10s %6s %11s %11s %6s %8s %8s %6s %11s\n" case \
		ours-pps up-pps ratio ours-cpupps up-cpupps ratio ours-cyc \
		up-cyc ratio pair
	for c in "$@"; do
		set -- $c
		name=$1
		[ -n "$(col "$sec" 5 "$name" ours)" ] || continue
		op=$(col "$sec" 5 "$name" ours | median)
		up=$(col "$sec" 5 "$name" upstream | median)
		oc=$(col "$sec" 6 "$name" ours | median)
		uc=$(col "$sec" 6 "$name" upstream | median)
		ob=$(col "$sec" 7 "$name" ours | median)
		ub=$(col "$sec" 7 "$name" upstream | median)
		read -r lo hi < <(paste -d ' ' <(col "$sec" 5 "$name" ours) \
			<(col "$sec" 5 "$name" upstream) |
			awk '$2 > 0 { printf "%.2f\n", $1 / $2 }' | spread)
		printf "%-15s %10.0f %10.0f %6s %11.0f %11.0f %6s %8.1f %8.1f %6s %11s\n" \
			"$name" "$op" "$up" "$(ratio "$op" "$up")" "$oc" "$uc" \
			"$(ratio "$oc" "$uc")" "$ob" "$ub" "$(ratio "$ob" "$ub")" \
			"$lo..$hi"
	done
}

# ---- testpmd: busy cycles per frame of the PMDs and the net_null floor ----
# tp_sync N: have testpmd load an empty command file after what it was
# sent so far and wait (60 s at most) until it says so: its output is
# then complete up to there. testpmd's prompt, written a byte at a time,
# can be split by log lines; "Read CLI commands from FILE" never is.
tp_sync() {
	local f=$work/sync$1 i

	: >"$f"
	echo "load $f" >&3
	for ((i = 0; i < 600; i++)); do
		grep -q "commands from $f\$" "$work/out" 2>/dev/null && return 0
		kill -0 "$tp_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# run_testpmd MODE QUEUES [ours|upstream|null]: "pps busy_cyc" of a
# steady state: forwarding starts, runs a second, testpmd's forward
# statistics are cleared, and what the next $seconds forward is read
# with "show fwd stats all"; pps over the time actually between the two.
run_testpmd() {
	local fwd=$1 q=$2 o=$work/out start=start t0= t1= from= i
	local stdbuf=/usr/libexec/coreutils/libstdbuf.so

	[ "$fwd" = io ] && start="start tx_first"
	# testpmd's stdout, a file, line-buffered: a command's output is
	# written before the marker that follows it.
	[ -f "$stdbuf" ] || { echo "0 inf"; return; }
	for i in ours:"${HVNET_TESTPMD:-$tp_ours}" \
		upstream:"${HVNET_TESTPMD_UPSTREAM:-$tp_up}"; do
		cat >"$work/testpmd-${i%%:*}" <<-EOF
		#!/bin/sh
		LD_PRELOAD="\${LD_PRELOAD:-} $stdbuf" _STDBUF_O=L exec "${i#*:}" "\$@"
		EOF
		chmod +x "$work/testpmd-${i%%:*}"
	done
	rm -f "$work/tp.in" "$work"/sync*
	mkfifo "$work/tp.in"
	: >"$o"
	if [ "${3:-}" = null ]; then
		taskset -c 0-1 "$work/testpmd-ours" -l 0-1 --no-pci \
			--vdev net_null0 --file-prefix "hvb$$" --huge-unlink -- \
			-i --rxq="$q" --txq="$q" --record-core-cycles \
			<"$work/tp.in" >"$o" 2>&1 &
	else
		HVNET_TESTPMD=$work/testpmd-ours \
			HVNET_TESTPMD_UPSTREAM=$work/testpmd-upstream \
			"$top/devtools/hv-testpmd.sh" $(side_flag "${3:-ours}") \
			--backend loopback --channels 4 \
			-- -- -i --rxq="$q" --txq="$q" --record-core-cycles \
			<"$work/tp.in" >"$o" 2>&1 &
	fi
	tp_pid=$!
	# Read-write: never blocks, even if testpmd died before reading.
	exec 3<>"$work/tp.in"
	if tp_sync 1; then
		echo "set fwd $fwd" >&3
		echo "$start" >&3
		sleep 1
		echo "clear fwd stats all" >&3
		t0=$(date +%s.%N)
		tp_sync 2 || t0=
		sleep "$seconds"
		from=$(stat -c %s "$o")
		echo "show fwd stats all" >&3
		t1=$(date +%s.%N)
		tp_sync 3
		echo "stop" >&3
		echo "quit" >&3
	fi
	exec 3>&-
	for ((i = 0; i < 300; i++)); do
		kill -0 "$tp_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -INT "$tp_pid" 2>/dev/null
	wait "$tp_pid"
	# The figures of "show fwd stats all": the accumulated RX-packets and
	# the cycles per packet after them.
	tail -c +$((${from:-0} + 1)) "$o" | awk -v t0="${t0:-0}" -v t1="${t1:-0}" '
		/Accumulated forward statistics/ { acc = 1 }
		acc && /RX-packets:/ && rx == "" { rx = $2 }
		/CPU cycles\/packet=/ && cyc == "" { sub(/.*CPU cycles\/packet=/, ""); cyc = $1 }
		END { if (rx == "" || cyc == "" || t0 == 0 || t1 <= t0) {
				print "0 inf"; exit }
			printf "%.0f %.1f\n", rx / (t1 - t0), cyc + 0 }'
	cp "$o" "$work/last-testpmd-${3:-ours}"
}

section_testpmd() {
	local r res c cases=("io-1q-64 1 ours" "io-2q-64 2 ours")

	# testpmd 22.11 never forwards on upstream's netvsc (its queues stay
	# "stopped"); later releases do.
	[ "$dpdk" = 22.11 ] ||
		cases+=("io-1q-64 1 upstream" "io-2q-64 2 upstream")
	cases+=("io-1q-64 1 null")
	echo "== testpmd --record-core-cycles (DPDK $dpdk): io, the PMDs and the net_null floor"
	printf "%-6s %-12s %-9s %11s %9s\n" round case side pps busy-cyc
	for ((r = 1; r <= rounds; r++)); do
		for c in "${cases[@]}"; do
			set -- $c
			res=$(run_testpmd io "$2" "$3")
			printf "%-6s %-12s %-9s %11s %9s\n" "$r" "$1" "$3" $res
			set -- $c $res
			echo "testpmd,$1,$3,$r,$4,,$5," >>"$csv"
		done
	done
	echo "-- testpmd summary (medians of pps and busy cycles/frame)"
	for c in "${cases[@]}"; do
		set -- $c
		printf "%-12s %-9s %11.0f %8.1f\n" "$1" "$3" \
			"$(col testpmd 5 "$1" "$3" | median)" \
			"$(col testpmd 7 "$1" "$3" | median)"
	done
}

# ---- rx: equal load, and the loss-free rate ----
# host_blocked: times hv-host found no room (ring full + no section).
host_blocked() {
	"$host" --ctl "$work/ctl" stats 2>/dev/null | awk '/^misc/ {
		for (i = 1; i < NF; i++) {
			if ($i == "rx_no_section" || $i == "rx_ring_full")
				n += $(i + 1)
		}
		print n + 0 }'
}

# run_rx SIDE PPS: a paced rxonly run; prints "pps cpu_pps busy blocked",
# blocked counted from 0.5 s into the loop to 0.5 s before its end.
run_rx() {
	local side=$1 pps=$2 res a b i

	rm -f "$work/ctl" "$work/blocked"
	: >"$work/out"
	(
		for ((i = 0; i < 200; i++)); do
			grep -q "forwarding on lcore" "$work/out" 2>/dev/null &&
				break
			sleep 0.1
		done
		sleep 0.5
		a=$(host_blocked)
		sleep "$(awk -v s="$seconds" 'BEGIN { print (s > 1 ? s - 1 : 0) }')"
		b=$(host_blocked)
		echo $(( ${b:-0} - ${a:-0} )) >"$work/blocked"
	) &
	res=$(run_guest "$side" rxonly "source:64:256:$pps" 1 64 - \
		--control "$work/ctl")
	wait
	echo "$res $(cat "$work/blocked" 2>/dev/null || echo -1)"
}

section_rx() {
	local r pps side res name

	echo "== rx: rxonly, 1 queue, 64 bytes, source paced (equal load)"
	printf "%-6s %-12s %-9s %11s %12s %9s %8s\n" round case side pps \
		cpu-pps busy-cyc blocked
	for ((r = 1; r <= rounds; r++)); do
		for pps in 500000 1000000 2000000; do
			name=rx-$((pps / 1000))k
			for side in "${sides[@]}"; do
				res=$(run_rx "$side" "$pps")
				set -- $res
				printf "%-6s %-12s %-9s %11s %12s %9s %8s\n" "$r" \
					"$name" "$side" "$1" "$2" "$3" "$4"
				echo "rx,$name,$side,$r,$1,$2,$3,$4" >>"$csv"
			done
		done
	done
	summary rx "rx-500k" "rx-1000k" "rx-2000k"
}

# Loss-free: the offered rate arrives (97%) and the host never blocked.
lossfree_ok() {
	awk -v p="$1" -v got="$2" -v blk="$3" 'BEGIN {
		exit !(blk == 0 && got >= 0.97 * p) }'
}

section_lossfree() {
	local side lo hi mid res steps=4

	[ $quick = 1 ] && steps=2
	echo "== lossfree: highest paced source rate received without loss, 1 queue, 64 bytes"
	for side in "${sides[@]}"; do
		lo=0
		hi=250000
		# Double until a rate fails, then halve the interval.
		while [ "$hi" -le 32000000 ]; do
			res=$(run_rx "$side" "$hi")
			set -- $res
			echo "  $side $hi pps: got $1, blocked $4"
			lossfree_ok "$hi" "$1" "$4" || break
			lo=$hi
			hi=$((hi * 2))
		done
		for ((i = 0; i < steps && lo > 0; i++)); do
			mid=$(((lo + hi) / 2))
			res=$(run_rx "$side" "$mid")
			set -- $res
			echo "  $side $mid pps: got $1, blocked $4"
			if lossfree_ok "$mid" "$1" "$4"; then
				lo=$mid
			else
				hi=$mid
			fi
		done
		echo "lossfree,rx-1q-64,$side,1,$lo,,," >>"$csv"
		printf "lossfree %-9s %10s pps\n" "$side" "$lo"
	done
}

# ---- instr: callgrind counts ----
# cg_counts FILE FRAMES: "send-instr/call pmd-instr/frame loop-instr/frame"
cg_counts() {
	awk -v fr="$2" '
	/^summary:/ { total = $2 }
	/^c?fn=\(/ {
		id = $1; sub(/^c?fn=/, "", id)
		name = $0; sub(/^c?fn=\([0-9]+\) ?/, "", name)
		if (name != "") names[id] = name
		if ($0 ~ /^cfn=/) target = names[id]
		next
	}
	/^calls=/ { split($1, c, "="); pend = c[2]; next }
	pend != "" { calls[target] += pend; incl[target] += $2; pend = "" }
	END {
		s = "rte_vmbus_chan_send"
		pmd = incl["hn_xmit_pkts"] + incl["hn_recv_pkts"]
		printf "%.1f %.1f %.1f\n", calls[s] ? incl[s] / calls[s] : 0,
			fr ? pmd / fr : 0, fr ? total / fr : 0 }' "$1"
}

section_instr() {
	local c side bin o fr res frames=20000

	if ! command -v valgrind >/dev/null; then
		echo "== instr: no valgrind, skipped"
		return
	fi
	echo "== instr: callgrind, ${frames} frames, 64 bytes, 1 queue (loop: hv-guest's whole loop, frame building included)"
	printf "%-10s %-9s %14s %14s %15s\n" case side send-instr/call \
		pmd-instr/pkt loop-instr/pkt
	for c in "txonly sink" "io loopback"; do
		set -- $c
		for side in "${sides[@]}"; do
			bin=$(guest_app "$side")
			if [ -z "$bin" ]; then
				bin=$build/app/hv-guest/hv-guest
				[ "$side" = upstream ] && bin=$bin-upstream
			fi
			cat >"$work/vg" <<-EOF
			#!/bin/sh
			exec valgrind --tool=callgrind --collect-atstart=no \
				--toggle-collect=hvg_run \
				--callgrind-out-file="$work/cg" "$bin" "\$@"
			EOF
			chmod +x "$work/vg"
			o=$work/out
			rm -f "$work/cg"
			HVTP_APP=$work/vg "$top/devtools/hv-testpmd.sh" \
				$(side_flag "$side") --guest --backend "$2" -- \
				--mode "$1" --queues 1 --frames "$frames" \
				--seconds 120 >"$o" 2>&1 </dev/null
			fr=$(awk '/^hv-guest: loop seconds/ { print $8 }' "$o")
			res=$(cg_counts "$work/cg" "${fr:-0}")
			printf "%-10s %-9s %14s %14s %15s\n" "$1-1q-64" "$side" $res
			set -- $c $res
			echo "instr,$1-1q-64,$side,1,,,,send=$3;pmd=$4;loop=$5" \
				>>"$csv"
			set -- $c
		done
	done
}

# ---- mem: what a port takes ----
section_mem() {
	local q side o

	echo "== mem: one port (hv-guest info), bytes taken by port set-up and start"
	printf "%-7s %-9s %14s %14s %9s\n" queues side hugepage-bytes \
		heap-bytes memzones
	for q in 1 8; do
		for side in "${sides[@]}"; do
			o=$work/out
			HVTP_APP=$(guest_app "$side") \
				"$top/devtools/hv-testpmd.sh" $(side_flag "$side") \
				--guest --channels 8 -- --mode info --queues "$q" \
				>"$o" 2>&1 </dev/null
			set -- $(awk '/^hv-guest: port memory/ {
				print $5, $7, $9 }' "$o")
			printf "%-7s %-9s %14s %14s %9s\n" "$q" "$side" \
				"${1:-?}" "${2:-?}" "${3:-?}"
			echo "mem,port-${q}q,$side,1,,,,hugepage=${1:-};heap=${2:-};memzones=${3:-}" \
				>>"$csv"
		done
	done
}

# ---- summary CSV and plot ----
write_summary() {
	local s=$out/summary.csv nullplot

	echo "section,case,side,pps_med,pps_min,pps_max,busy_med,busy_min,busy_max" >"$s"
	awk -F, 'NR > 1 && ($1 == "fwd" || $1 == "rx" || $1 == "testpmd") {
		print $1 "," $2 "," $3 }' "$csv" | sort -u | while IFS=, read -r sec c side; do
		echo "$sec,$c,$side,$(col "$sec" 5 "$c" "$side" | median)," \
			"$(col "$sec" 5 "$c" "$side" | spread | tr ' ' ,)," \
			"$(col "$sec" 7 "$c" "$side" | median)," \
			"$(col "$sec" 7 "$c" "$side" | spread | tr ' ' ,)" |
			tr -d ' '
	done >>"$s"
	echo "bench.sh: $csv, $s"
	command -v gnuplot >/dev/null || { echo "bench.sh: no gnuplot, no plot"; return; }
	# One line per case: ours, upstream and net_null (med min max) of
	# pps (fwd) and busy cycles per frame (fwd, rx, testpmd's null).
	awk -F, 'NR > 1 { k = $1 == "fwd" ? $2 : $1 ":" $2
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		v[k, $3, "p"] = $4 " " $5 " " $6; v[k, $3, "b"] = $7 " " $8 " " $9 }
		END { for (i = 1; i <= n; i++) { k = order[i]
			for (m = 0; m < 2; m++) { t = m ? "b" : "p"; line = k
				split("ours upstream null", sd, " ")
				for (j = 1; j <= 3; j++) {
					x = v[k, sd[j], t]; if (x == "") x = "NaN NaN NaN"
					line = line " " x }
				print line > (FILENAME ".plot-" t) } } }' "$s"
	nullplot=
	grep -q ',null,' "$s" && nullplot=", '' using 8:9:10 title \"net_null\""
	gnuplot <<-EOF 2>"$work/gnuplot.err" || cat "$work/gnuplot.err"
	set terminal pngcairo size 1400,900 noenhanced
	set output "$out/bench.png"
	set multiplot layout 2,1 title "hvnet bench: ours / upstream / net_null (error bars: min..max of rounds)"
	set style data histogram
	set style histogram errorbars gap 1 lw 1
	set style fill solid 0.6 border -1
	set xtics rotate by -30 noenhanced
	set key top right
	set ylabel "packets/s"
	plot "$s.plot-p" using 2:3:4:xtic(1) title "ours", \
		'' using 5:6:7 title "upstream"
	set ylabel "busy cycles/packet"
	set logscale y
	plot "$s.plot-b" using 2:3:4:xtic(1) title "ours", \
		'' using 5:6:7 title "upstream"$nullplot
	unset multiplot
	EOF
	rm -f "$s.plot-p" "$s.plot-b"
	[ -s "$out/bench.png" ] && echo "bench.sh: $out/bench.png"
}

# One compound command, read whole before it runs, ending in exit: bash
# reads a script as it goes, so a bench.sh changed on disk during the run
# (a checkout, a rebase) would otherwise go on with whatever bytes now
# stand where it was ("e: command not found").
{
	start=$(date +%s)
	echo "bench.sh: $(nproc) CPUs, $(awk -F: '/^model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	for sec in fwd testpmd rx lossfree instr mem; do
		selected "$sec" && "section_$sec"
	done
	write_summary
	echo "bench.sh: $(( $(date +%s) - start )) s, load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
	exit 0
}
