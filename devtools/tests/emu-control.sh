#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The control socket answers every documented command and refuses others.
. "$(dirname "$0")/emu-lib.sh"

hv_start_host
hv_ctl stats | grep -q '^protocol_errors 0$' || hv_fail "stats lacks protocol_errors"
hv_ctl stats | grep -q '^completions_outstanding 0$' || hv_fail "stats lacks completions"
hv_ctl link down >/dev/null || hv_fail "link down refused"
hv_ctl stats | grep -q ' link down ' || hv_fail "link state not down"
hv_ctl link up >/dev/null || hv_fail "link up refused"
hv_ctl stats | grep -q ' link up ' || hv_fail "link state not up"
hv_ctl vf offer >/dev/null || hv_fail "vf offer refused"
hv_ctl vf withdraw >/dev/null || hv_fail "vf withdraw refused"
if hv_ctl frobnicate >/dev/null; then hv_fail "unknown command accepted"; fi
hv_host_alive || hv_fail "hv-host died"
hv_ok "control commands"
"$hv_host_bin" --help | grep -q -- '--nvs-version' || hv_fail "--help"
if "$hv_host_bin" --nvs-version 3 >/dev/null 2>&1; then hv_fail "bad --nvs-version accepted"; fi
hv_ok "command line"
