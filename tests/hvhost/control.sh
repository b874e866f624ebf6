#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The control socket answers every documented command and refuses others.
. "$(dirname "$0")/../lib/guest.sh"

host_start
host_ctl stats | grep -q '^protocol_errors 0$' || fail "stats lacks protocol_errors"
host_ctl stats | grep -q '^completions_outstanding 0$' || fail "stats lacks completions"
host_ctl link down >/dev/null || fail "link down refused"
host_ctl stats | grep -q ' link down ' || fail "link state not down"
host_ctl link up >/dev/null || fail "link up refused"
host_ctl stats | grep -q ' link up ' || fail "link state not up"
host_ctl vf offer >/dev/null || fail "vf offer refused"
host_ctl vf withdraw >/dev/null || fail "vf withdraw refused"
if host_ctl frobnicate >/dev/null; then fail "unknown command accepted"; fi
host_alive || fail "hv-host died"
ok "control commands"
"$host_bin" --help | grep -q -- '--nvs-version' || fail "--help"
if "$host_bin" --nvs-version 3 >/dev/null 2>&1; then fail "bad --nvs-version accepted"; fi
ok "command line"
