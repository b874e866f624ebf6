#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# devtools/cross-arm64.sh as a test: both DPDK trees and our code
# cross-built for arm64 in $HVNET_BUILD-arm64, the unit programs run under
# qemu-user.  Fails when the build fails, when the script exits non-zero,
# when its closing "N passed, N failed, N skipped" line is missing, or
# names a failure or no pass.  The script installs the cross toolchain as
# the project's bootstrap installs the rest (apt-get, as root); without
# root the toolchain must be there already.  Suite slow: a cold build
# takes some 20 minutes on 2 cores.

. "$(dirname "$0")/../lib/hvnet.sh"

if [ "$(id -u)" != 0 ]; then
	need_cmd aarch64-linux-gnu-gcc qemu-aarch64-static ccache
fi
builddir=${HVNET_BUILD:-$hvn_top/build}-arm64
log=$hvn_work/cross-arm64.log
hvn_show=$log
start=$SECONDS
bash "$hvn_top/devtools/cross-arm64.sh" "$builddir" >"$log" 2>&1
rc=$?
echo "cross-arm64.sh took $((SECONDS - start)) s (build folder $builddir)"
grep -E '^(cross-arm64: (left out|[0-9]+ unit)|[0-9]+ passed)' "$log"
expect "cross-arm64.sh exit status" "$rc" 0
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" |
	tail -n 1)
[ -n "$summary" ] || fail "no 'N passed, N failed, N skipped' line"
read -r passed _ failed _ <<<"${summary//,/}"
expect "arm64 programs failed" "$failed" 0
expect_ge "arm64 programs passed" "$passed" 1
finish
