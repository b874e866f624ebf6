#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A host under servicing answers control requests in seconds: hv-host's
# fault slow-ctrl holds each RNDIS reply 6 s. port start (receive filter,
# link query) must still succeed within the default control timeout, and
# a log line must say the host is slow while the wait lasts.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start -- -- -i
tp_cmd port stop 0
host_ctl fault slow-ctrl >/dev/null 2>&1 || fail "hv-host refused fault slow-ctrl"
m=$(tp_mark)
TP_CMD_TIMEOUT=120 tp_cmd port start 0
expect "port start failures with 6 s replies" \
	"$(tp_since "$m" | grep -c 'Fail to start port')" 0
# The log line is our PMD's.
[ "$HVNET_PMD" = ours ] && expect_ge "lines saying the host is slow" \
	"$(tp_since "$m" | grep -c 'still waiting for the host')" 1
host_ctl fault calm >/dev/null 2>&1
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
