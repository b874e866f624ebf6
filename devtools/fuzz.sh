#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Fuzz the drivers' parsers of host input (tests/fuzz): build the libFuzzer
# targets, then run TARGET (or each in turn with "all") for SECONDS at low
# priority.  What a run finds is kept in BUILD/fuzz-corpus/TARGET for the
# next run; a crash input lands in BUILD/fuzz-artifacts/TARGET and belongs,
# once its defect is fixed, in tests/fuzz/corpus/TARGET.
#
# devtools/fuzz.sh --seeds writes the seed corpus again from what hv-host
# sends a guest (tests/fuzz/seeds.c); crash inputs kept there stay.
#
# Usage: devtools/fuzz.sh TARGET|all SECONDS
#        devtools/fuzz.sh --seeds
# Environment: HVNET_BUILD_DIR (default: build).
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
cd "$top"

usage() {
	echo "usage: devtools/fuzz.sh TARGET|all SECONDS; targets: $(ls tests/fuzz/corpus | tr '\n' ' ')" >&2
	exit 2
}
seeds=0
if [ "${1:-}" = --seeds ] && [ $# -eq 1 ]; then
	seeds=1
else
	[ $# -eq 2 ] || usage
	case "$2" in ''|*[!0-9]*) usage ;; esac
	if [ "$1" = all ]; then
		targets=$(ls tests/fuzz/corpus)
	else
		[ -d "tests/fuzz/corpus/$1" ] || usage
		targets=$1
	fi
fi

builddir=${HVNET_BUILD_DIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
	bash devtools/bootstrap.sh
	meson setup "$builddir" >/dev/null
fi
builddir=$(cd "$builddir" && pwd)

if [ $seeds = 1 ]; then
	hvnet_ninja "fuzz.sh: building the seed generator" "$builddir" \
		tests/fuzz/fuzz-seeds
	"$builddir/tests/fuzz/fuzz-seeds" tests/fuzz/corpus
	for d in tests/fuzz/corpus/*; do
		echo "fuzz.sh: $(basename "$d"): $(ls "$d" | wc -l) seeds"
	done
	exit 0
fi

outs=
for t in $targets; do
	outs="$outs tests/fuzz/fuzz-$t"
done
hvnet_ninja "fuzz.sh: building the fuzz targets" "$builddir" $outs

rc=0
for t in $targets; do
	HVNET_BUILD=$builddir HVNET_FUZZ_WORK=$builddir/fuzz-corpus/$t \
		nice -n 10 bash tests/fuzz/run.sh "$t" "$2" || rc=1
done
exit $rc
