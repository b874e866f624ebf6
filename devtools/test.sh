#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The README's test command: install what is missing, build everything
# (DPDK with our drivers, the pristine reference DPDK, hv-host, tests) and
# run the default test suites.  Ends with "N passed, N failed[, N skipped]".
#
# Usage: devtools/test.sh [--sanitize] [meson test arguments, e.g. --suite unit]
# --sanitize: build DPDK with our drivers, hv-host, hv-preload and the
# tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (-Db_sanitize=address,undefined, without the reference DPDK) in
# build-sanitize, and run the bus, pmd and vf suites there (or the tests
# the arguments name); a sanitizer report fails the test that made it.
# Only what the tests run is built (devtools/test-targets.py).
# Environment: HVNET_BUILD_DIR (default: build, or build-sanitize with
# --sanitize), HVNET_TEST_SETUP_ONLY=1 to
# stop after the build, HVNET_DPDK_RELEASES: a folder of DPDK release
# tarballs (dpdk-23.11.tar.xz, ...) or source folders in which a full run
# also builds the two driver folders in-tree, as it does in Debian's 22.11,
# and runs the pmd suite on 24.11 sanitized, as --sanitize does (in
# build folder <build>-24.11-sanitize),
# HVNET_SANITIZED: meson test arguments of tests a full run also runs
# sanitized on Debian's 22.11, in <build>-sanitize (for instance
# "--suite sanitize --suite pmd").
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
cd "$top"

log() { echo "test.sh: $*"; }

sanitize=0
if [ "${1:-}" = --sanitize ]; then
	sanitize=1
	shift
fi

log "step 1/4: packages and Debian's DPDK source (devtools/bootstrap.sh)"
bash devtools/bootstrap.sh
log "step 2/4: hugepages"
bash devtools/hugepages.sh

# configure DIR [meson setup options]
configure() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$@" "$dir" >/dev/null
	else
		# Folders are picked up when their meson.build exists, which
		# meson cannot watch: configure again (cheap; rebuilds nothing
		# unchanged).
		meson setup --reconfigure "$@" "$dir" >/dev/null
	fi
}

# build_for WHAT DIR [meson test arguments]: build only what those tests
# run: the tree's DPDK applications and the tests' own programs, not the
# DPDK libraries and shared objects nothing of theirs links.
build_for() {
	local what=$1 dir=$2 targets
	shift 2
	targets=$(python3 devtools/test-targets.py "$dir" "$@") || return 1
	# shellcheck disable=SC2086 # one target a line
	hvnet_ninja "$what" "$dir" $targets
}

# Instrumented programs run two to four times slower: a sanitized run
# scales every test's time limit rather than failing on it.
san_setup=(-Db_sanitize=address,undefined -Dupstream_reference=false)
san_args=(--timeout-multiplier 3)

builddir=${HVNET_BUILD_DIR:-build}
# Long soaks are in the "slow" suite and run only on request.
args=("$@")
if [ $sanitize = 1 ]; then
	builddir=${HVNET_BUILD_DIR:-build-sanitize}
	# The sanitize suite proves that a report fails a test.
	[ ${#args[@]} -gt 0 ] || args=(--no-suite slow --suite sanitize \
		--suite bus --suite pmd --suite vf)
	log "step 3/4: configuring and building in $builddir"
	# The reference DPDK is upstream's code, not ours to sanitize.
	configure "$builddir" "${san_setup[@]}"
	build_for "test.sh: building DPDK with our drivers, hv-host, tests (sanitized)" \
		"$builddir" "${args[@]}"
	[ "${HVNET_TEST_SETUP_ONLY:-0}" = 1 ] && exit 0
	log "step 4/4: no packages in a sanitized run"
	args=("${san_args[@]}" "${args[@]}")
else
	[ ${#args[@]} -gt 0 ] || args=(--no-suite slow)
	log "step 3/4: configuring and building in $builddir"
	configure "$builddir"
	hvnet_ninja "test.sh: building DPDK (ours and the pristine reference), hv-host, tests" \
		"$builddir"
	[ "${HVNET_TEST_SETUP_ONLY:-0}" = 1 ] && exit 0
	# The package test installs these (tests/tools/packages.sh).
	log "step 4/4: Debian packages of our drivers (devtools/package.sh)"
	bash devtools/package.sh -o "$builddir/pkg" | sed '/^package:   Depends:/d'
fi

n=$(meson test -C "$builddir" --list "${args[@]}" 2>/dev/null | grep -c ' / ') || n=0
log "running $n tests, one line each as it ends"
rc=0
meson test -C "$builddir" --print-errorlogs "${args[@]}" || rc=$?

# A full run also proves the driver folders build unchanged in-tree, in
# Debian's 22.11 and in every DPDK release provided.
if [ $# -eq 0 ] && [ $sanitize = 0 ]; then
	intree() {
		local name=$1 log=$HVNET_DEPS/intree-$1.log
		shift
		if bash devtools/check-in-tree.sh "$@" >"$log" 2>&1; then
			echo "in-tree build in DPDK $name: ok"
		else
			tail -n 20 "$log"
			echo "in-tree build in DPDK $name: FAILED (log: $log)"
			rc=1
		fi
	}
	intree 22.11
	releases=
	if [ -d "${HVNET_DPDK_RELEASES:-}" ]; then
		releases=$(find "$HVNET_DPDK_RELEASES" -mindepth 1 -maxdepth 1 \
			-name 'dpdk-*' | sort)
	fi
	for r in $releases; do
		v=$(basename "$r")
		v=${v#dpdk-}
		intree "${v%.tar*}" --dpdk "$r"
	done
	[ -n "$releases" ] || echo "in-tree builds in newer DPDK releases: skipped;" \
		"provide dpdk-23.11.tar.xz, dpdk-24.11.tar.xz and dpdk-26.07.tar.xz" \
		"in ${HVNET_DPDK_RELEASES:-a folder named by HVNET_DPDK_RELEASES}"
fi

# A full run also runs the pmd suite on DPDK 24.11 (our drivers in its
# tree, -Ddpdk_source) when that release is provided, built and run
# sanitized as --sanitize does: that one run is both the pmd suite on a
# newer release and the pmd suite under ASan and UBSan (the default run
# has it plain on 22.11), as a plain and a sanitized run apart would take
# CI past its time.  Its results count in the closing line.  Only what
# the suite needs is built: no upstream reference tree.
logs=("$builddir/meson-logs/testlog.json")

# sanitized_run BUILDDIR WHAT [meson test args]: build in the configured
# BUILDDIR what the tests need and run them; their log counts in the
# closing line, a run that did not happen as failed (test-summary.py).
sanitized_run() {
	local b=$1 what=$2

	shift 2
	rm -f "$b/meson-logs/testlog.json"
	logs+=("$b/meson-logs/testlog.json")
	if build_for "test.sh: building $what (sanitized)" "$b" "$@"; then
		meson test -C "$b" --print-errorlogs "${san_args[@]}" "$@" ||
			rc=1
	else
		rc=1
	fi
}
if [ $# -eq 0 ] && [ $sanitize = 0 ]; then
	r=$(find "${HVNET_DPDK_RELEASES:-/nonexistent}" -mindepth 1 -maxdepth 1 \
		-name 'dpdk-24.11*' 2>/dev/null | sort | head -n 1)
	if [ -n "$r" ]; then
		b=$builddir-24.11-sanitize
		sargs=(--no-suite slow --suite sanitize --suite pmd)
		# Made before meson starts, which lists subprojects only then.
		bash devtools/dpdk-subprojects.sh "$r" >/dev/null
		configure "$b" -Ddpdk_source="$(realpath "$r")" "${san_setup[@]}"
		log "the pmd suite on DPDK 24.11 ($r), sanitized, built in $b"
		sanitized_run "$b" "DPDK 24.11 with our drivers" "${sargs[@]}"
	else
		echo "pmd suite on DPDK 24.11: skipped; provide dpdk-24.11.tar.xz" \
			"in ${HVNET_DPDK_RELEASES:-a folder named by HVNET_DPDK_RELEASES}"
	fi
fi

# A full run also runs the tests HVNET_SANITIZED names sanitized, as
# --sanitize does, on Debian's 22.11; their results count in the closing
# line.
if [ $# -eq 0 ] && [ $sanitize = 0 ] && [ -n "${HVNET_SANITIZED:-}" ]; then
	b=$builddir-sanitize
	# shellcheck disable=SC2206 # meson test arguments, split on spaces
	sargs=(--no-suite slow $HVNET_SANITIZED)
	log "sanitized ($HVNET_SANITIZED), built in $b"
	configure "$b" "${san_setup[@]}"
	sanitized_run "$b" "DPDK with our drivers, hv-host, tests" "${sargs[@]}"
fi

python3 devtools/test-summary.py "${logs[@]}" || rc=1
exit $rc
