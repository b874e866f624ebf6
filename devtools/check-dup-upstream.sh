#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Compare our drivers with upstream DPDK's (Debian's 22.11 source) using the
# `duplicates` tool and list every run of lines the two share.  Facts such
# as wire layouts and constants may match; code around them must be ours.
# Exit 1 when a shared run other than thin boilerplate is found.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
command -v duplicates >/dev/null || { echo "duplicates tool not installed" >&2; exit 77; }
[ -d "$HVNET_DEPS/dpdk/drivers" ] || { echo "run devtools/bootstrap.sh first" >&2; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in bus/vmbus net/netvsc; do
	mkdir -p "$tmp/ours/$d" "$tmp/upstream/$d"
	cp -r "$top/drivers/$d/." "$tmp/ours/$d/"
	cp -r "$HVNET_DEPS/dpdk/drivers/$d/." "$tmp/upstream/$d/"
done
out=$(duplicates --repo "$tmp" --most 200 --seconds "${1:-60}")
rows=$(printf '%s\n' "$out" | grep -E '^D[0-9]+ ' | grep 'ours/' | grep 'upstream/' | grep -v boilerplate || true)
printf '%s\n' "$out" | grep -E '^(incomplete|left out)' || true
if [ -n "$rows" ]; then
	echo "Our drivers share these runs with upstream's:"
	printf '%s\n' "$rows"
	exit 1
fi
echo "no shared runs between our drivers and upstream's"
