#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Our vmbus bus honours the EAL block list (-b UUID) and allow list
# (-a naming another device): hv-host's NIC is scanned but not probed.
. "$(dirname "$0")/emu-lib.sh"

bin=$hv_build/app/test-vmbus/test-vmbus-bus
[ -x "$bin" ] || hv_skip "test-vmbus-bus not built"
hv_need_guest_env
hv_start_host
other=00000000-0000-4000-8000-000000000001
for how in "-b $hv_uuid" "-a $other"; do
	out=$hv_tmp/devargs.out
	prefix=hvbus$$_$RANDOM
	hv_extra_cleanup+=("rm -rf /var/run/dpdk/$prefix")
	# shellcheck disable=SC2086 # $how is two words on purpose
	timeout 60 env HVH_ROOT="$hv_root" LD_PRELOAD="$hv_preload" "$bin" \
		$how --iova-mode=va --file-prefix "$prefix" \
		--huge-unlink -l 0 -- unprobed "$hv_uuid" >"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc -eq 0 ] || hv_fail "with $how: test-vmbus-bus exited $rc"
	hv_ok "with $how the NIC is not probed"
done
hv_host_alive || hv_fail "hv-host died"
