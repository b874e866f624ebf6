#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Run by meson when -Ddpdk_source=TARBALL|DIR names a DPDK other than
# Debian's 22.11: unpacks it once (under $HVNET_DEPS), makes its two
# subprojects, subprojects/dpdk-<version> (our drivers linked in) and
# subprojects/dpdk-<version>-upstream (pristine), and prints <version>,
# followed by "new" when it made them now (meson must then start again).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
. "$top/devtools/dpdk-source.sh"

[ $# -eq 1 ] || { echo "usage: $0 TARBALL|DIR" >&2; exit 2; }
dir=$(dpdk_source "$1")
version=$(dpdk_version "$dir")
new=
[ -f "$top/subprojects/dpdk-$version/.overlay" ] &&
	[ -f "$top/subprojects/dpdk-$version-upstream/.pristine" ] || new=new
dpdk_subprojects "$dir" "dpdk-$version" "dpdk-$version-upstream"
echo "$version" $new
