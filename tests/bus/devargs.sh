#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The vmbus bus (ours, or upstream's with HVNET_PMD=upstream) honours
# the EAL block list (-b UUID) and allow list
# (-a naming another device): hv-host's NIC is scanned but not probed.
. "$(dirname "$0")/../lib/guest.sh"

if [ "$HVNET_PMD" = upstream ]; then
	need_bin bin tests/test-vmbus-bus-upstream
else
	need_bin bin tests/test-vmbus-bus
fi
need_guest_env
host_start
other=00000000-0000-4000-8000-000000000001
for how in "-b $host_uuid" "-a $other"; do
	out=$hvn_work/devargs.out
	prefix=hvbus$$_$RANDOM
	at_exit "rm -rf /var/run/dpdk/$prefix"
	# shellcheck disable=SC2086 # $how is two words on purpose
	timeout --foreground 60 "${guest_env[@]}" "$bin" \
		$how --iova-mode=va --file-prefix "$prefix" \
		--huge-unlink -l 0 -- unprobed "$host_uuid" >"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc -eq 0 ] || fail "with $how: test-vmbus-bus exited $rc"
	ok "with $how the NIC is not probed"
done
host_alive || fail "hv-host died"
