#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's test command: install what is missing, build everything
# (DPDK with our drivers, the pristine reference DPDK, hv-host, tests) and
# run the default test suites.  Ends with "N passed, N failed[, N skipped]".
#
# Usage: devtools/test.sh [meson test arguments, e.g. --suite unit]
# Environment: HVNET_BUILD_DIR (default: build), HVNET_TEST_SETUP_ONLY=1 to
# stop after the build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
cd "$top"

bash devtools/bootstrap.sh
bash devtools/hugepages.sh

builddir=${HVNET_BUILD_DIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
	meson setup "$builddir" >/dev/null
else
	# Folders are picked up when their meson.build exists, which meson
	# cannot watch: configure again (cheap; rebuilds nothing unchanged).
	meson setup --reconfigure "$builddir" >/dev/null
fi
ninja -C "$builddir"
[ "${HVNET_TEST_SETUP_ONLY:-0}" = 1 ] && exit 0

# Long soaks are in the "slow" suite and run only on request.
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--no-suite slow)

rc=0
meson test -C "$builddir" --print-errorlogs "${args[@]}" || rc=$?

python3 devtools/test-summary.py "$builddir/meson-logs/testlog.json" || rc=1
exit $rc
