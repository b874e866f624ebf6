#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Install what the project needs on a fresh Debian 12 machine and unpack
# Debian's DPDK 22.11 source next to our tree.  Idempotent: a second run
# with everything in place only checks and returns.
#
# The deb-src entries are derived from the machine's own apt sources (no
# mirror is named here), so the same script works behind any local mirror.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
. "$top/devtools/dpdk-source.sh"

# dpdk-dev: Debian's dpdk-testpmd, dpdk-proc-info and dpdk-telemetry.py, run
# on our packaged drivers; libfdt-dev: Debian links its DPDK with libfdt,
# so devtools/package.sh needs it for the same dependencies; valgrind and
# gnuplot-nox: devtools/bench.sh counts instructions and draws its plot;
# clang and libclang-rt-dev (libFuzzer's runtime): tests/fuzz's targets.
pkgs="meson ninja-build pkg-config gcc g++ python3 python3-pyelftools
 libnuma-dev libelf-dev zlib1g-dev libpcap-dev libbsd-dev dpkg-dev
 iproute2 iputils-ping abigail-tools libabigail-dev libc6-dev
 abi-compliance-checker librte-bus-vmbus23 kmod procps psmisc librte-net-netvsc23 librte-mempool-ring23
 dpdk-dev libfdt-dev valgrind gnuplot-nox clang libclang-rt-dev"

log() { echo "bootstrap: $*"; }

need_install() {
	local p missing=
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	echo "$missing"
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	log "apt-get update"
	apt-get update -qq
	apt_updated=1
}

# Add deb-src twins of the enabled deb entries when none exist yet.
add_deb_src() {
	local out=/etc/apt/sources.list.d/hvnet-deb-src.sources
	if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; then
		return 0
	fi
	log "adding deb-src entries derived from the existing apt sources"
	: > "$out.tmp"
	# deb822 files: copy each "Types: deb" stanza as a deb-src stanza.
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS=""; ORS="\n\n" }
		     /(^|\n)Types:[^\n]*deb/ && $0 !~ /Enabled: *no/ {
			sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >> "$out.tmp"
	done
	# One-line files: turn "deb ..." lines into "deb-src ..." lines.
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^deb \(.*\)$/deb-src \1/p' "$f" >> "$out.list.tmp"
	done 2>/dev/null || true
	if [ -s "$out.tmp" ]; then mv "$out.tmp" "$out"; else rm -f "$out.tmp"; fi
	if [ -s "$out.list.tmp" ]; then
		mv "$out.list.tmp" "${out%.sources}.list"
	else
		rm -f "$out.list.tmp"
	fi
	apt_updated=
}

missing=$(need_install)
if [ -n "$missing" ]; then
	apt_update
	log "installing $(echo $missing | wc -w) packages with apt-get (a minute or two on a fresh machine):$missing"
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Debian's DPDK source, unpacked once into a git-ignored folder.
src_root=$HVNET_DEPS
if [ ! -f "$src_root/.unpacked" ]; then
	add_deb_src
	apt_update
	mkdir -p "$src_root/dl"
	log "fetching Debian's DPDK 22.11 source (apt-get source dpdk, about 15 MB)"
	( cd "$src_root/dl" && apt-get source -qq --download-only dpdk >/dev/null )
	dsc=$(ls "$src_root"/dl/dpdk_22.11*.dsc 2>/dev/null | head -n 1)
	if [ -z "$dsc" ]; then
		echo "bootstrap: Debian's source for dpdk 22.11 was not found; check that apt has a deb-src entry for bookworm" >&2
		exit 1
	fi
	rm -rf "$src_root/dpdk"
	log "unpacking it into $src_root/dpdk"
	dpkg-source -x --skip-patches "$dsc" "$src_root/dpdk" >/dev/null
	touch "$src_root/.unpacked"
	log "DPDK source unpacked in $src_root/dpdk"
fi

# Meson subprojects: the pristine source for the reference build, and an
# overlay of it in which upstream's vmbus bus and netvsc PMD are replaced by
# links to ours (devtools/dpdk-source.sh).
[ -f "$HVNET_TOP/subprojects/dpdk/.overlay" ] ||
	log "overlay with our drivers in $HVNET_TOP/subprojects/dpdk"
dpdk_subprojects "$src_root/dpdk" dpdk dpdk-upstream
