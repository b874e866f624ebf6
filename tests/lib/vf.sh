# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Accelerated networking scenarios, on testpmd.sh (source only this file).
# One network namespace holds everything: hv-host's tap backend and the
# VF stand-in's TAP are both ports of a bridge there, as the synthetic
# path and the VF share one segment on Azure; testpmd (with hv-host) runs
# inside the namespace so the stand-in finds its TAP. Pings come from the
# bridge's own address. The bridge learns no address on either port, so
# it floods frames for the NIC's MAC to both: which path receives is then
# decided by the host's steering (hv-host drops unicast while the data
# path is the VF) and by whether the VF is in, as the virtual switch of a
# Hyper-V host decides.
#
# VF_PLUGIN (default: the build's librte_net_vfstandin.so) is loaded into
# testpmd with -d.

. "$(dirname "${BASH_SOURCE[0]}")/testpmd.sh"

vf_mac=00:15:5d:0a:0b:0c
vf_ns=hvvf$$
vf_htap=hvvfh$$
vf_vtap=hvvfv$$
vf_ip=10.81.$(($$ % 200)).2
vf_myip=10.81.$(($$ % 200)).1
vf_ctl=$hvn_work/vf-state
vf_traffic=
vf_ping_pid=
vf_rns=

vf_stop_ping() {
	[ -n "$vf_ping_pid" ] && kill -INT "$vf_ping_pid" 2>/dev/null
	[ -n "${VF_KEEP:-}" ] && cp "$tp_out" "$VF_KEEP"
}
at_exit vf_stop_ping

# A frame generator a test runs in the background (vf_gen_pid=$!):
# stopped by vf_gen_stop, or at exit.
vf_gen_pid=
vf_gen_stop() {
	[ -n "$vf_gen_pid" ] && kill "$vf_gen_pid" 2>/dev/null &&
		wait "$vf_gen_pid"
	vf_gen_pid=
}
at_exit vf_gen_stop

# vf_plugin: root, a TUN device and the stand-in, whose private copy
# VF_PLUGIN then names; or skip.
vf_plugin() {
	local plugin

	need_root
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	plugin=${VF_PLUGIN:-$(hvn_bin app/vf-standin/librte_net_vfstandin.so)} ||
		skip "VF stand-in not built"
	private_plugin VF_PLUGIN "$plugin"
}

# The control file the stand-in watches, replaced atomically.
vf_state() {
	echo "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}

vf_prereq() {
	vf_plugin
	need_host
	need_cmd ping bridge python3
	vf_traffic=$(hvn_bin tests/vf-traffic) || vf_traffic=
	netns_add "$vf_ns"
	ip -n "$vf_ns" link add br0 type bridge
	ip -n "$vf_ns" link set br0 up
	ip -n "$vf_ns" addr add "$vf_myip/24" dev br0
	# The stand-in's TAP, made beforehand (multi-queue) as a harness
	# would.
	tap_make "$vf_vtap" "$vf_ns"
	vf_bridge "$vf_vtap"
	vf_hold_carrier "$vf_vtap"
}

# vf_hold_carrier TAP: keep the carrier of the VF's TAP on while the VF
# is away. The kernel turns a TAP's carrier off when its last queue
# closes (the VF's removal) and on when the VF's driver attaches again,
# and the bridge forwards to the port again only once the kernel's
# link-watch work (a kworker) has run: on a loaded machine that kworker
# waited for a CPU until after the PMD had taken the VF back and the
# host steered the unicast to it, and the bridge flooded nothing to the
# VF meanwhile, losing frames that no data path missed. A disabled
# queue held open keeps the carrier on (the kernel drops frames at the
# TAP, counted, while no queue reads it), so the port forwards from the
# moment the VF's driver attaches, as a VF receives once it is up.
vf_hold_carrier() {
	local i

	ip netns exec "$vf_ns" python3 -c '
import fcntl, os, signal, struct, sys
# TUNSETIFF as the stand-in attaches (tap, no PI, vnet header, multi-queue),
# then TUNSETQUEUE IFF_DETACH_QUEUE: a disabled queue, which reads nothing.
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH22x", sys.argv[1].encode(),
					  0x0002 | 0x1000 | 0x4000 | 0x0100))
fcntl.ioctl(fd, 0x400454d9, struct.pack("16sH22x", b"", 0x0400))
print("held", flush=True)
signal.pause()' "$1" >"$hvn_work/carrier-$1" 2>&1 &
	at_exit "kill $! 2>/dev/null"
	for ((i = 0; i < 50; i++)); do
		grep -q held "$hvn_work/carrier-$1" && return
		sleep 0.1
	done
	fail "cannot hold the carrier of $1: $(cat "$hvn_work/carrier-$1")"
}

# vf_bridge TAP: make TAP a port of br0 that learns no address. Its
# queue towards its reader (hv-host, the stand-in) holds 10 s of the
# 2000 frames/s stream: on a loaded machine a reader waits up to ~1.5 s
# for a CPU, and the default 1000 frames overflowed then, losing frames
# the path under test never saw, where Azure's switch does not stall.
vf_bridge() {
	ip -n "$vf_ns" link set "$1" txqueuelen 20000
	ip -n "$vf_ns" link set "$1" master br0
	bridge -n "$vf_ns" link set dev "$1" learning off
}

# io forwarding made observable. testpmd's io mode sends every frame back
# out unchanged (to the NIC's own MAC), which nothing on the segment would
# take, and which the bridge would flood back to the other path. So every
# frame the guest sends, through hv-host's tap or the stand-in's, is
# redirected (tc mirred) into a second namespace, the "reflector", whose
# interface carries the NIC's MAC and vf_ip: it answers pings from br0
# (vf_myip) and receives the UDP stream vf_traffic sends from br0. A ping
# is then answered, and a UDP frame counted, only if the guest forwarded
# it; and nothing the guest sends re-enters the bridge, so no loop. The
# reflector's answers come back over the veth pair (rfl1 -> rfl0).
# Call after vf_start (hv-host's tap must exist).
vf_reflect() {
	local t

	need_cmd tc
	[ -n "$vf_traffic" ] || skip "vf-traffic not built"
	vf_rns=${vf_ns}r
	netns_add "$vf_rns"
	ip -n "$vf_ns" link add rfl0 type veth peer name rfl1 netns "$vf_rns"
	ip netns exec "$vf_rns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$vf_ns" sysctl -qw net.ipv6.conf.rfl0.disable_ipv6=1
	ip -n "$vf_rns" link set rfl1 address "$vf_mac"
	ip -n "$vf_rns" addr add "$vf_ip/24" dev rfl1
	ip -n "$vf_rns" link set rfl1 up
	ip -n "$vf_rns" link set lo up
	ip -n "$vf_ns" link set rfl0 up
	# rfl0 holds no address: the answers it receives are for br0's
	# (weak host model, no reverse-path filter).
	ip netns exec "$vf_ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.rfl0.rp_filter=0
	ip -n "$vf_ns" neigh replace "$vf_ip" lladdr "$vf_mac" dev br0 \
		nud permanent
	ip -n "$vf_rns" neigh replace "$vf_myip" lladdr \
		"$(ip netns exec "$vf_ns" cat /sys/class/net/rfl0/address)" \
		dev rfl1 nud permanent
	for t in "$vf_vtap" "$vf_htap"; do
		tc -n "$vf_ns" qdisc add dev "$t" clsact &&
		tc -n "$vf_ns" filter add dev "$t" ingress protocol all \
			u32 match u32 0 0 action mirred egress redirect \
			dev rfl0 || skip "tc cannot redirect (act_mirred, cls_u32)"
	done
}

# vf_stream_start RATE: the UDP stream from br0 to the reflector, at RATE
# frames/s, and its receiver there. vf_stream_stop prints "sent unique
# longest-gap", the longest silence including one that lasted to the end,
# and leaves the silences ("gap START END") in $hvn_work/gaps and the
# frames never received ("lost T0 T1 N NEXT": sent from T0 to T1, the
# next frame arrived at NEXT) in $hvn_work/lost.

# The continuous ping of the traffic tests: every 50 ms from br0 to the
# reflector, timestamped, into $hvn_work/ping.
vf_ping_start() {
	ip netns exec "$vf_ns" ping -D -i 0.05 -W 1 "$vf_ip" \
		>"$hvn_work/ping" 2>&1 &
	vf_ping_pid=$!
}

# Stop it; print "sent answered" (pings answered at least once) and add
# its silences over 200 ms, one lasting to the end included, to
# $hvn_work/gaps (after vf_stream_stop, which starts that file). As for
# the stream, a silence of the path is the time between two answers less
# the time ping paused: the time between their requests (answer less
# round trip, the kernel's timing) beyond 50 ms per request between them.
vf_ping_stop() {
	local end

	end=$(date +%s.%N)
	[ -n "$vf_ping_pid" ] && kill -INT "$vf_ping_pid" 2>/dev/null &&
		wait "$vf_ping_pid" 2>/dev/null
	vf_ping_pid=
	awk -v end="$end" '
		/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
			for (i = 2; i <= NF; i++) {
				if ($i ~ /^time=/) s = t - substr($i, 6) / 1000
				if ($i ~ /^icmp_seq=/) q = substr($i, 10) + 0
			}
			p = s - last_s - (q - last_q) * 0.05
			g = t - last - (p > 0 ? p : 0)
			if (last != "" && g > 0.2)
				printf "gap %.3f %.3f\n", t - g, t
			if (q > last_q) { last_s = s; last_q = q }
			last = t }
		END { if (last != "" && end - last > 0.2)
			printf "gap %.3f %.3f\n", last, end }' \
		"$hvn_work/ping" >>"$hvn_work/gaps"
	awk '/bytes from/ { for (i = 2; i <= NF; i++)
			if ($i ~ /^icmp_seq=/ && !seen[$i]++) n++ }
		/packets transmitted/ { s = $1 }
		END { printf "%d %d\n", s, n }' "$hvn_work/ping"
}

# The awk function waited(a, b): the time within [a, b] during which a
# thread carrying the stream was runnable but waiting for a CPU, the
# union of the waits w0[i]..w1[i] (i = 1..nw, sorted by start: read them
# from <(sort -n -k3 "$hvn_work/waits"), vf_waits_start).
vf_awk_waited='
function waited(a, b,  i, e, t, lo, hi) {
	t = 0; e = a
	for (i = 1; i <= nw && w0[i] < b; i++) {
		lo = w0[i] > e ? w0[i] : e
		hi = w1[i] < b ? w1[i] : b
		if (hi > lo) { t += hi - lo; e = hi }
	}
	return t }'

# Check that no silence in $hvn_work/gaps (stream and ping) lasted a
# second: traffic resumed within a second of every transition. A silence
# counts less the time within it during which a thread carrying the
# frames (hv-host, the guest's forwarding lcore) was runnable but waiting
# for a CPU ($hvn_work/waits, vf_waits_start): on a loaded machine such a
# thread waits for seconds, holding the frames in its queue, which no
# data path, ours or the host's, could do anything about.
vf_expect_resumed() {
	local r longest net

	touch "$hvn_work/waits"
	r=$(awk "$vf_awk_waited"'
		$1 == "wait" { nw++; w0[nw] = $3; w1[nw] = $4; next }
		$1 != "gap" { next }
		{ d = $3 - $2; if (d > g) g = d
		  d -= waited($2, $3); if (d > net) { net = d; at = $0 } }
		END { printf "%.3f %.3f %s\n", g, net, at }' \
		<(sort -n -k3 "$hvn_work/waits") "$hvn_work/gaps")
	read -r longest net _ <<<"$r"
	if awk -v g="$net" 'BEGIN { exit !(g < 1.0) }'; then
		echo "ok: traffic resumed within a second (longest silence ${longest}s, ${net}s less CPU waits)"
	else
		fail_soft "traffic stopped for ${net}s beyond the CPU waits of the threads carrying it (${r#* * })"
	fi
}

# vf_cycle_mark C: cycle C of a test starts now; notes the time and the
# PMD's vf_blackout_total_ms on netvsc port $nv_port into
# $hvn_work/cycles (C "end" after the last cycle). vf_cycle_back: the
# data path was seen back on the VF in this cycle.
vf_cycle_mark() {
	local x=0

	# The xstat is our PMD's (vf_blackout_agree runs for ours only).
	[ "$HVNET_PMD" = ours ] && x=$(tp_xstat vf_blackout_total_ms "$nv_port")
	echo "$1 $(date +%s.%N) $x" >>"$hvn_work/cycles"
}

vf_cycle_back() {
	echo "back $(date +%s.%N)" >>"$hvn_work/cycles"
}

# vf_blackout_agree: after vf_stream_stop, for every cycle noted with
# vf_cycle_mark, the blackout the PMD counted in it (the growth of
# vf_blackout_total_ms) against the outage the stream measured: the
# frames lost whose run was sent within the cycle ($hvn_work/lost), as
# send-time spans; a run still in flight when the next cycle started
# (the frame after it arrived later) is that cycle's. A run in flight
# within the transitions (from 0.2 s before the cycle started to 0.2 s
# after the VF was seen back) counts less the time a thread carrying the
# stream waited for a CPU in it: a transition empties the queue such a
# thread left unread (the VF's ring when the VF goes, hv-host's backlog
# once the host steers to the VF), losing frames although the path was
# there, until the thread has caught up, which no blackout counts. Away from the transitions a wait only
# delays frames, and every loss counts. The two agree within 100 ms in
# every cycle.
vf_blackout_agree() {
	local r line bad=0

	touch "$hvn_work/waits"
	r=$(awk "$vf_awk_waited"'
		$1 == "wait" { nw++; w0[nw] = $3; w1[nw] = $4; next }
		$1 == "lost" { nl++; l0[nl] = $2; l1[nl] = $3
			nx[nl] = $5 > 0 ? $5 : 1e18; next }
		$1 == "back" { b[nc] = $2; next }
		{ nc++; c[nc] = $1; t[nc] = $2; x[nc] = $3 }
		END { for (j = 1; j <= nl; j++)
				for (i = 1; i < nc; i++) {
					if (l0[j] < t[i] || l0[j] >= t[i + 1])
						continue
					own[j] = i
					if (nx[j] >= t[i + 1] && i + 1 < nc)
						own[j] = i + 1
				}
			for (i = 1; i < nc; i++) {
				s0 = t[i] - 0.2
				s1 = (i in b ? b[i] : t[i + 1]) + 0.2
				lost = net = 0; runs = ""
				for (j = 1; j <= nl; j++) {
					if (own[j] != i)
						continue
					d = l1[j] - l0[j]
					lost += d
					w = 0
					if (l0[j] <= s1 && nx[j] >= s0)
						w = waited(l0[j], l1[j])
					net += d - w
					if (d > 0.01)
						runs = runs sprintf(" %+.3f..%+.3f (%.3f waited)",
							l0[j] - t[i], l1[j] - t[i], w)
				}
				# What a reader of a failure needs: the runs, from
				# the cycle start, and when the VF was seen back.
				printf "%s %d %d %d back +%.3f, lost runs%s\n", c[i],
					x[i + 1] - x[i], lost * 1000, net * 1000,
					(i in b ? b[i] - t[i] : -1), runs } }' \
		<(sort -n -k3 "$hvn_work/waits") "$hvn_work/lost" \
		"$hvn_work/cycles")
	while read -r line; do
		[ -n "$line" ] || continue
		set -- $line
		echo "cycle $1: blackout xstat $2 ms, stream lost $3 ms," \
			"$4 ms less CPU waits in transitions"
		[ $(($4 - $2)) -le 100 ] && [ $(($2 - $4)) -le 100 ] &&
			continue
		bad=$((bad + 1))
		echo "  cycle $1, from its start: VF back at ${line#* * * * back }" >&2
	done <<<"$r"
	[ -n "$r" ] || fail_soft "no cycle noted for the blackout check"
	expect "cycles whose blackout xstat and measured outage are more than 100 ms apart" \
		"$bad" 0
}

# vf_guest_stop: hv-guest below the wrapper ends its run now, as at its
# --seconds (SIGINT), for a scenario done before that bound.
vf_guest_stop() {
	local p

	for p in $(vf_tree); do
		case "$(cat "/proc/$p/comm" 2>/dev/null)" in
		hv-guest*) kill -INT "$p" ;;
		esac
	done
}

# The threads that carry the stream, hv-host's and the guest's
# forwarding lcores (named rte-worker-N or lcore-worker-N), found below
# the testpmd wrapper.
vf_carriers() {
	local p

	for p in $(vf_tree); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = hv-host ] &&
			ls "/proc/$p/task" 2>/dev/null
	done
	vf_lcore_tids
}

# The processes below the testpmd wrapper (tp_pid), itself included.
vf_tree() {
	ps -e -o pid=,ppid= | awk -v r="$tp_pid" '
		{ par[$1] = $2 }
		END { k[r] = 1
			do { c = 0
				for (p in par)
					if (!(p in k) && (par[p] in k)) {
						k[p] = 1; c = 1 } } while (c)
			for (p in k) print p }'
}

# The guest's forwarding lcores (threads of dpdk-testpmd named
# rte-worker-N or lcore-worker-N) below the testpmd wrapper.
vf_lcore_tids() {
	local p t

	for p in $(vf_tree); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = dpdk-testpmd ] ||
			continue
		for t in "/proc/$p/task"/*; do
			grep -q worker "$t/comm" 2>/dev/null && basename "$t"
		done
	done
}

# vf_sched FIELD TID...: the time (ms) the threads have run (FIELD 1)
# or waited for a CPU (FIELD 2) so far (schedstat).
vf_sched() {
	local f=$1 t n=0 v

	shift
	for t; do
		v=$(cut -d' ' -f"$f" "/proc/$t/schedstat" 2>/dev/null) ||
			continue
		n=$((n + v / 1000000))
	done
	echo "$n"
}

# hv-host's main thread, which reads the guest's channels.
vf_host_tid() {
	local p

	for p in $(vf_tree); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = hv-host ] &&
			echo "$p"
	done
}

# Note the CPU waits of the carrying threads into $hvn_work/waits until
# vf_waits_stop: every reading in which a thread waited 5 ms or more
# (half the period: a thread given a CPU in short turns is waiting most
# of the time too). The sampler runs real-time (it reads a few files
# every 10 ms): were it to wait for a CPU as well, it would place a wait
# it reads late after the silence it explains. A step forward of the
# wall clock, which the gaps and marks are measured with, is noted as one
# more wait: once in vf_service_100 the wall clock went 41 s further than
# the monotonic clock of hv-host and of the sender, and a 41 s "silence"
# lost no frame.
vf_waits_pid=
vf_waits_start() {
	local rt=()

	chrt -f 1 true 2>/dev/null && rt=(chrt -f 1)
	"${rt[@]}" "$vf_traffic" waits 5 $(vf_carriers) \
		>"$hvn_work/waits" 2>&1 &
	vf_waits_pid=$!
}

vf_waits_stop() {
	[ -n "$vf_waits_pid" ] && kill -TERM "$vf_waits_pid" 2>/dev/null &&
		wait "$vf_waits_pid" 2>/dev/null
	vf_waits_pid=
}

# vf_mark: note the wall clock of a transition the test starts.
vf_mark() {
	date +%s.%N >>"$hvn_work/marks"
}

# vf_loss_away: frames of the stream lost more than 0.2 s before or 1.5 s
# after every transition noted with vf_mark (those lost around one are
# the expected cost of a switch). Frames still on their way at a
# transition are around it too: a run lost whose next frame arrived
# only after a transition was held (a thread carrying it waiting for a
# CPU) in a queue that the transition emptied, as a VF's removal empties
# its receive ring.
vf_loss_away() {
	awk 'NR == FNR { m[NR] = $1; n = NR; next }
		function near(t,  i) {
			for (i = 1; i <= n; i++)
				if (t >= m[i] - 0.2 && t <= m[i] + 1.5) return 1
			return 0 }
		function in_flight(t, next_t,  i) {
			for (i = 1; i <= n; i++)
				if (m[i] >= t - 0.2 && m[i] <= next_t) return 1
			return 0 }
		function next_mark(t,  i, b) {
			for (i = 1; i <= n; i++)
				if (m[i] >= t && (b == "" || m[i] < b)) b = m[i]
			return b == "" ? "none" : sprintf("%.3f s later", b - t) }
		$1 == "lost" && !(near($2) && near($3)) && !in_flight($2, $5) {
			print "lost away from transitions: " $0 \
				" (next transition " next_mark($3) ")" > "/dev/stderr"
			away += $4 }
		END { print away + 0 }' "$hvn_work/marks" "$hvn_work/lost"
}
# vf_drops: the places on the stream's path where the kernel counts a
# dropped frame, as "name count" lines: each TAP's queue towards its
# reader (hv-host, the stand-in) when that reader does not keep up, the
# reflector's interface, and the reflector's UDP sockets.
vf_drops() {
	local t

	for t in "$vf_htap" "$vf_vtap"; do
		echo "$t-queue $(ip netns exec "$vf_ns" \
			cat "/sys/class/net/$t/statistics/tx_dropped" 2>/dev/null ||
			echo 0)"
	done
	echo "reflector-rx $(ip netns exec "$vf_rns" \
		cat /sys/class/net/rfl1/statistics/rx_dropped)"
	ip netns exec "$vf_rns" awk '$1 == "Udp:" && n++ {
		print "reflector-udp-buffer", $6 }' /proc/net/snmp
}

# Wait until the reflector's UDP layer has taken no datagram for a second.
vf_stream_drain() {
	local i n last= quiet=0

	for ((i = 0; i < 100 && quiet < 10; i++)); do
		n=$(ip netns exec "$vf_rns" awk '$1 == "Udp:" && k++ {
			print $2 }' /proc/net/snmp)
		if [ "$n" = "$last" ]; then
			quiet=$((quiet + 1))
		else
			quiet=0
		fi
		last=$n
		sleep 0.1
	done
}

vf_stream_pids=
vf_stream_rate=
vf_stream_start() {
	vf_stream_rate=$1
	vf_waits_start
	vf_drops >"$hvn_work/drops0"
	rm -f "$hvn_work/stream-stopped"
	ip netns exec "$vf_rns" "$vf_traffic" recv 5001 100 \
		>"$hvn_work/recv" 2>&1 &
	vf_stream_pids=$!
	sleep 0.2
	ip netns exec "$vf_ns" "$vf_traffic" send br0 "$vf_mac" "$vf_myip" \
		"$vf_ip" 5001 "$1" >"$hvn_work/send" 2>&1 &
	vf_stream_pids="$! $vf_stream_pids"
}

# vf_stream_output FILE PATTERN: wait (at most 10 s) for the last line of
# a stopped vf-traffic's output.
vf_stream_output() {
	local i

	for ((i = 0; i < 100; i++)); do
		grep -q "$2" "$hvn_work/$1" && return
		sleep 0.1
	done
}

vf_stream_stop() {
	local p t_stop

	# Once: the test's call runs in a subshell, at_exit's again later.
	[ -n "$vf_stream_pids" ] && [ ! -e "$hvn_work/stream-stopped" ] ||
		return 0
	: >"$hvn_work/stream-stopped"
	t_stop=$(date +%s.%N)
	set -- $vf_stream_pids
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	# Called in a subshell, wait returns at once (not its child): the
	# outputs are read once their last line is there.
	vf_stream_output send '^sent'
	# Frames still on the path (a guest or host waiting for a CPU holds
	# them) are not lost: stop the receiver once the reflector has taken
	# nothing for a second (at most 10 s).
	vf_stream_drain
	kill -TERM "$2" 2>/dev/null
	wait "$2" 2>/dev/null
	vf_stream_output recv '^end'
	vf_waits_stop
	vf_stream_pids=
	# A silence that lasted until the end counts too.
	awk -v t="$t_stop" '/^gap / { print }
		/^received/ && $2 > 0 {
			if (t - $10 > 0.1) printf "gap %.3f %.3f\n", $10, t }' \
		"$hvn_work/recv" >"$hvn_work/gaps"
	# Frames never received, as send-time windows: "lost T0 T1 N NEXT",
	# NEXT when the frame after them arrived (0: none did).
	# The receiver knows nothing of frames after the last it got.
	awk -v r="$vf_stream_rate" 'NR == FNR { if ($1 == "sent") { n = $2; t = $4 }
			next }
		function lost(a, b, next_t) { printf "lost %.3f %.3f %d %.3f\n",
			t + a / r, t + (b + 1) / r, b - a + 1, next_t }
		$1 == "received" { next_seq = $2 > 0 ? $6 + 1 : 0 }
		$1 == "lost" { lost($2, $3, $4) }
		END { if (n > next_seq) lost(next_seq, n - 1, 0) }' \
		"$hvn_work/send" "$hvn_work/recv" >"$hvn_work/lost"
	# Where frames went missing, for whoever reads a failure.
	vf_drops | awk 'NR == FNR { a[$1] = $2; next }
		{ printf "%s%s %d", (FNR > 1 ? ", " : "dropped: "), $1,
			$2 - a[$1] }
		END { print "" }' "$hvn_work/drops0" - >&2
	awk '/^received/ { print "dropped: receiver socket full " $12 }' \
		"$hvn_work/recv" >&2
	echo "$(awk '/^sent/ { print $2 }' "$hvn_work/send")" \
		"$(awk '/^received/ { print $4 }' "$hvn_work/recv")" \
		"$(awk '{ d = $3 - $2; if (d > g) g = d } END { printf "%.3f", g }' \
			"$hvn_work/gaps")"
}

# Devargs of the stand-in for --vdev and "port attach", and any more in
# VF_STANDIN_ARGS (e.g. reset_timeout_ms=1000).
vf_standin() {
	echo "net_vfstandin0,mac=$vf_mac,iface=$vf_vtap,ctl=$vf_ctl${VF_STANDIN_ARGS:+,$VF_STANDIN_ARGS}"
}

# vf_spawn [hv-host args] -- [EAL args] -- [program args]: hv-testpmd.sh
# (testpmd, or hv-guest with --guest) started inside the namespace on
# hv-host's tap backend with the NIC's MAC, the VF offered 100 ms after
# it is asked for; hv-host's TAP joins the bridge as soon as it exists.
vf_spawn() {
	local i

	tp_hv_testpmd --backend "tap:$vf_htap" --mac "$vf_mac" \
		--vf-delay-ms 100 "$@"
	tp_spawn ip netns exec "$vf_ns" "${tp_cmdline[@]}"
	for ((i = 0; i < 100; i++)); do
		ip -n "$vf_ns" link show "$vf_htap" >/dev/null 2>&1 && break
		sleep 0.1
	done
	vf_bridge "$vf_htap" 2>/dev/null
	ip netns exec "$vf_ns" sysctl -qw \
		"net.ipv6.conf.$vf_htap.disable_ipv6=1" 2>/dev/null
	ip -n "$vf_ns" link set "$vf_htap" up 2>/dev/null
}

# vf_start [hv-host args] -- [EAL args] -- [testpmd args]
# Like tp_start, inside the namespace, with the VF offer wired up.
vf_start() {
	vf_spawn --vf-mac "$vf_mac" --vf-ctl "$vf_ctl" "$@"
	tp_await
}

# vf_carried_sample TID...: "SENT TOOK GAVE SYN RAN" read at one moment
# (one process: forking one per counter on a loaded machine put seconds
# between them): the frames br0 sent, those the VF's TAP gave its reader
# (the VF received), those the VF wrote into it (the guest sent on the
# VF), those hv-host wrote into its TAP (the guest sent on the synthetic
# path), and the CPU time (ms) the threads ran. Nothing if a file is
# missing (with --vf-rename the VF's TAP has another name for 500 ms
# after each hot-add), rather than values in the wrong places.
vf_carried_sample() {
	local t files=()

	for t; do
		files+=("/proc/$t/schedstat")
	done
	ip netns exec "$vf_ns" cat /sys/class/net/br0/statistics/tx_packets \
		"/sys/class/net/$vf_vtap/statistics/tx_packets" \
		"/sys/class/net/$vf_vtap/statistics/rx_packets" \
		"/sys/class/net/$vf_htap/statistics/rx_packets" "${files[@]}" \
		2>/dev/null | awk -v n=$((4 + $#)) '
			NR <= 4 { v = v sprintf("%d ", $1); next }
			{ run += $1 }
			END { if (NR == n) printf "%s%d\n", v, run / 1000000 }'
}

# vf_expect_carried CYCLE: after a return to the VF, the VF is the data
# path both ways. hv-host's data path is the VF once hv-host had a second
# in which it was not waiting for a CPU (it moves when it reads the
# guest's request). From then on, a second of the stream goes through
# the VF each way: its TAP gives the guest (the VF receives) and takes
# from it (the guest sends on the VF) that many frames. The
# measure is frames, not a time: every frame br0 sends is flooded to the
# VF's TAP and waits there for the guest's receive bursts, and the guest
# forwards what it receives on its data path, so a sender, a guest or a
# host waiting for a CPU only delays them. A path left synthetic fails:
# a VF that is not read takes no frame (hv-host drops the stream once it
# steers to the VF), a guest sending on the synthetic path writes none
# into the VF's TAP. The wait ends there once the forwarding lcore ran a
# second (its bursts take a second of the stream in milliseconds) after
# br0 had sent those frames.
vf_expect_carried() {
	local host t t0 w0 lcores sender want s0 r0 x0 y0 s r x y run run1=

	vf_mark
	host=$(vf_host_tid)
	t0=$(hvn_uptime)
	w0=$(vf_sched 2 $host)
	until [ "$(host_datapath)" = vf ]; do
		t=$(hvn_uptime)
		if [ $((10#${t/./} * 10 - 10#${t0/./} * 10 - \
			($(vf_sched 2 $host) - w0))) -ge 1000 ]; then
			fail_soft "cycle $1: hv-host's data path is not the VF"
			return
		fi
		sleep 0.1
	done
	want=$vf_stream_rate
	lcores=$(vf_lcore_tids)
	sender=${vf_stream_pids%% *}
	until read -r s0 r0 x0 y0 run <<<"$(vf_carried_sample $lcores)" &&
		[ -n "$run" ]; do
		sleep 0.1
	done
	while :; do
		sleep 0.1
		read -r s r x y run <<<"$(vf_carried_sample $lcores)"
		[ -n "$run" ] || continue
		s=$((s - s0)) r=$((r - r0)) x=$((x - x0)) y=$((y - y0))
		[ "$r" -ge "$want" ] && [ "$x" -ge "$want" ] && return
		if [ -z "$run1" ]; then
			[ "$s" -ge "$want" ] && run1=$run
			kill -0 "$sender" 2>/dev/null && continue
			fail_soft "cycle $1: the stream's sender is gone"
			return
		fi
		[ $((run - run1)) -ge 1000 ] && break
	done
	fail_soft "cycle $1: the VF did not carry the traffic: of the $s frames br0 sent, it received $r and sent $x (want $want each; $y sent on the synthetic path) while the forwarding lcore ran $((run - run1)) ms with them waiting"
}

# vf_expect_on_synthetic N SETTLE SECONDS: the Nth switch back to
# synthetic logged (within 5 s); SETTLE seconds later hv-host's data path
# is synthetic and its path takes at least half the stream's rate over
# the next SECONDS.
vf_expect_on_synthetic() {
	local tx0

	tp_wait_log "$vf_off_pat" "$1" 5
	expect "data path back to synthetic" "$(tp_count "$vf_off_pat")" "$1"
	sleep "$2"
	expect "hv-host's data path" "$(host_datapath)" synthetic
	tx0=$(host_stat total tx_frames)
	sleep "$3"
	expect_ge "frames sent on the synthetic path in $3 s" \
		$(($(host_stat total tx_frames) - tx0)) \
		"$(awk -v r="$vf_stream_rate" -v s="$3" \
			'BEGIN { printf "%d", r * s / 2 }')"
}

# vf_expect_on_vf N WHAT: the Nth switch to the VF logged (within 10 s),
# and half a second later the VF's TAP takes at least half the stream's
# rate over a second.
vf_expect_on_vf() {
	local tap0

	tp_wait_log "$vf_on_pat" "$1" 10
	expect "data path on the $2" "$(tp_count "$vf_on_pat")" "$1"
	sleep 0.5
	tap0=$(vf_tap_count tx_packets)
	sleep 1
	expect_ge "frames the $2 received in a second" \
		$(($(vf_tap_count tx_packets) - tap0)) $((vf_stream_rate / 2))
}

# vf_traffic_verdict SPARE WHAT: the stream and the ping stopped, their
# figures shown, and the checks of every traffic scenario: all pings but
# SPARE answered, 90% of the stream received, no frame lost away from
# WHAT (the transitions noted with vf_mark), no silence of a second.
# The stream's frames sent stay in vf_sent.
vf_traffic_verdict() {
	local got gap psent pgot

	read -r vf_sent got gap <<<"$(vf_stream_stop)"
	read -r psent pgot <<<"$(vf_ping_stop)"
	echo "pings: $psent sent, $pgot answered"
	echo "stream: ${vf_sent:-0} sent, ${got:-0} received, longest silence ${gap:-?}s"
	expect_ge "pings answered" "$pgot" $((psent - $1))
	expect_ge "stream frames received" "$got" $((${vf_sent:-0} * 9 / 10))
	expect "stream frames lost away from $2" "$(vf_loss_away)" 0
	vf_expect_resumed
}

# vf_end [PORT]: forwarding and the netvsc port (default 0) stopped, with
# no mbuf in use then; testpmd quits with status 0.  Ends the test with
# the verdict of all checks.
vf_end() {
	tp_cmd stop
	tp_cmd port stop "${1:-0}"
	expect "mbufs in use with the port stopped" "$(tp_mbufs_in_use)" 0
	tp_quit
	expect "testpmd exit status" "$tp_rc" 0
	finish
}

# EAL arguments that load the stand-in (and, with "vdev", create it).
# The lcores may run on either CPU: pinned to one (hv-testpmd.sh's -l 0-1
# puts the forwarding lcore on CPU 1), the lcore of every testpmd running
# on a shared machine competed for that one CPU and waited for it up to
# 17 s at a time while the traffic it carries stood still.
vf_eal() {
	echo "--lcores=(0,1)@(0,1) -d $VF_PLUGIN"
	[ "${1:-}" = vdev ] && echo "--vdev $(vf_standin)"
	# Upstream logs its data path switches at debug level.
	if [ "$HVNET_PMD" = upstream ]; then
		echo "--log-level=pmd.net.netvsc.*:debug"
	else
		echo "--log-level=pmd.net.netvsc.*:info"
	fi
}

# Words the two PMDs log when they move the data path.
if [ "$HVNET_PMD" = upstream ]; then
	vf_on_pat='set datapath VF'
	vf_off_pat='set datapath Synthetic'
else
	vf_on_pat='data path switched to the VF'
	vf_off_pat='data path switched to synthetic'
fi

vf_br_count() {
	ip netns exec "$vf_ns" cat "/sys/class/net/br0/statistics/$1"
}

vf_tap_count() {
	ip netns exec "$vf_ns" cat \
		"/sys/class/net/$vf_vtap/statistics/$1" 2>/dev/null || echo 0
}

# Ping from the namespace: prints "sent received".
vf_ping() {
	ip netns exec "$vf_ns" ping -q "$@" "$vf_ip" 2>/dev/null |
		awk '/packets transmitted/ { print $1, $4 }'
}

# A field of /ethdev/info for a port, read over DPDK telemetry: ethdev's
# own record of the port, whoever owns it.
vf_telemetry() {
	telemetry "hvtp$tp_pid" "/ethdev/info,$1" "$2"
}

# The port our PMD took as its VF most recently.
vf_port() {
	sed -n 's/.*took port \([0-9]*\) .*/\1/p' "$tp_out" | tail -1
}

# The netvsc port's id, asked of testpmd (with the VF present at start,
# the VF is probed first and the netvsc port follows it).
vf_netvsc_port() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "Driver name" show port info all
	tp_since "$m" | awk '
		match($0, /Infos for port [0-9]+/) {
			p = substr($0, RSTART + 15, RLENGTH - 15)
		}
		/^Driver name: *net_netvsc/ { print p; exit }'
}
