#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A host that never lets the primary ring run empty (hv-host's fault
# flood: a ring's worth of valid messages always ahead of the guest's
# read index) must not keep port stop from returning; the port must start
# again once the host calms down. Control replies cannot reach the guest
# during the flood, so the port is attached with ctrl_timeout_ms=1000.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start -- -- -i
tp_reattach ctrl_timeout_ms=1000
tp_cmd port start all
tp_cmd start
host_ctl fault flood >/dev/null 2>&1 || fail "hv-host refused fault flood"
sleep 0.5
tp_cmd stop
TP_CMD_TIMEOUT=30 tp_cmd port stop 0
ok "port stop returned under the flood"
host_ctl fault calm >/dev/null 2>&1
m=$(tp_mark)
tp_cmd port start 0
expect "port start after the flood" \
	"$(tp_since "$m" | grep -c 'Fail to start port')" 0
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
