#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A DPDK process whose EAL set-up fails after the bus scan ends through
# rte_exit, whose cleanup detaches every device the buses scanned while
# EAL's shared lists do not exist yet. The vmbus bus must say so in one
# line and let the process end with EAL's error, not crash walking the
# missing list of mapped devices. Twice: a secondary process whose
# primary (testpmd on hv-host's NIC) runs without hugepages, so the
# secondary finds no hugepage information to map the primary's memory
# with; a primary given a hugepage folder that does not exist.
. "$(dirname "$0")/../lib/guest.sh"

tp=$(hvn_testpmd) || skip "testpmd ($HVNET_PMD) not built"
need_guest_env
host_start
prefix=hvbus$$_$RANDOM
at_exit "rm -rf /var/run/dpdk/$prefix"

# eal_fails WHAT REASON [EAL args]: testpmd must end with rte_exit's
# status 1 after EAL's REASON, and (our bus) one line about the list.
eal_fails() {
	local what=$1 reason=$2 out=$hvn_work/fail.out rc

	shift 2
	timeout --foreground 60 "${guest_env[@]}" "$tp" -a "$host_uuid" --iova-mode=va \
		--file-prefix "$prefix" "$@" -- -i </dev/null >"$out" 2>&1
	rc=$?
	cat "$out"
	grep -q -- "$reason" "$out" || fail "$what: no '$reason'"
	expect "$what: exit status" "$rc" 1
	[ "$HVNET_PMD" = upstream ] && return
	expect "$what: lines saying EAL's lists are missing" \
		"$(grep -c 'no list of mapped devices' "$out")" 1
}

# The primary, kept waiting at its prompt.
fifo=$hvn_work/primary.in
mkfifo "$fifo"
exec 4<>"$fifo"
"${guest_env[@]}" "$tp" -a "$host_uuid" --iova-mode=va \
	--file-prefix "$prefix" --no-huge -m 512 -l 0-1 -- -i \
	--total-num-mbufs=8192 \
	<&4 >"$hvn_work/primary.out" 2>&1 &
primary=$!
hvn_show=$hvn_work/primary.out
guest_bg "$primary"
for _ in $(seq 300); do
	grep -q 'testpmd> ' "$hvn_work/primary.out" && break
	kill -0 "$primary" 2>/dev/null || fail "the primary ended"
	sleep 0.1
done
grep -q 'testpmd> ' "$hvn_work/primary.out" || fail "the primary is not ready"
eal_fails "secondary of a primary without hugepages" \
	"Cannot get hugepage information" \
	--proc-type=secondary -l 0-1
echo quit >&4
wait "$primary"
expect "primary's exit status" "$?" 0
eal_fails "primary, no hugepage folder" "Cannot get hugepage information" \
	--huge-dir "$hvn_work/none" -l 0-1
host_alive || fail "hv-host died"
finish
