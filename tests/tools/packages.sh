#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Our packages as a user meets them: build/pkg/*.deb (devtools/package.sh)
# installed for real over Debian's librte-bus-vmbus23 and
# librte-net-netvsc23; dpkg -S names our package version as the owner of
# both libraries; Debian's own dpdk-testpmd forwards at least 1,000,000
# frames on hv-host's loopback with 2 queues; Debian's dpdk-proc-info
# reads the port's xstats as a secondary.  Debian's packages (and what apt
# removed to install ours) are reinstalled at exit, also when a check
# fails or the test is stopped.  Root only; skipped without the packages
# or Debian's dpdk-dev.

. "$(dirname "$0")/../lib/testpmd.sh"

[ "$(id -u)" = 0 ] || skip "installing packages needs root"
need_dpdk_2211 "replacing Debian's librte-*23 packages"
need_cmd dpkg-deb apt-get
need_hugepages
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pkgdir=${HVNET_BUILD:-$hvn_top/build}/pkg
libs="librte-bus-vmbus23:librte_bus_vmbus librte-net-netvsc23:librte_net_netvsc"
ours=()
for p in $libs; do
	f=$(ls "$pkgdir/${p%%:*}"_*_"$arch".deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || skip "${p%%:*} not built (devtools/package.sh)"
	ours+=("$f")
done
for t in /usr/bin/dpdk-testpmd /usr/bin/dpdk-proc-info; do
	[ -x "$t" ] || skip "$t missing (Debian's dpdk-dev)"
done
ourver=$(dpkg-deb -f "${ours[0]}" Version)
debver=${ourver%+hvnet*}

# Debian's packages, to restore: apt's cache, else the archive.
debs=()
for p in $libs; do
	pkg=${p%%:*}
	f=/var/cache/apt/archives/${pkg}_${debver/:/%3a}_$arch.deb
	if [ ! -f "$f" ]; then
		(cd "$hvn_work" && apt-get download -qq "$pkg=$debver") >/dev/null 2>&1
		f=$hvn_work/${pkg}_${debver/:/%3a}_$arch.deb
	fi
	[ -f "$f" ] || skip "Debian's $pkg $debver neither in apt's cache nor downloadable"
	debs+=("$f")
done

# Debian's libdpdk-dev (hence dpdk-dev) and librte-meta-* require Debian's
# exact version of every library: apt removes them to install ours.  Their
# programs are Debian's files all the same, kept aside for the run, and
# the packages come back with Debian's libraries.
removed=$(apt-get install -s --no-install-recommends "${ours[@]}" 2>/dev/null |
	awk '$1 == "Remv" { print $2 }')
auto=$(apt-mark showauto $removed 2>/dev/null)
bin=$(mktemp -d /run/hvnet-pkg.XXXXXX) || skip "cannot make a folder under /run"
at_exit "rm -rf '$bin'"
cp /usr/bin/dpdk-testpmd /usr/bin/dpdk-proc-info "$bin/"

apt_install() {
	apt-get install -y -q -o DPkg::Lock::Timeout=120 \
		--no-install-recommends "$@"
}

pkg_installed=0
pkg_restore() {
	[ "$pkg_installed" = 1 ] || return 0
	pkg_installed=0
	echo "restoring Debian's packages $debver${removed:+ and}" $removed
	# shellcheck disable=SC2086 # one word per package
	if ! apt_install --allow-downgrades "${debs[@]}" $removed \
		>"$hvn_work/restore.log" 2>&1; then
		cat "$hvn_work/restore.log"
		fail_soft "could not restore Debian's packages"
		return 1
	fi
	[ -z "$auto" ] || apt-mark auto $auto >/dev/null
}
# On any exit: testpmd stopped first, then Debian's packages back (also
# when the test is ended by a signal: hvnet.sh).
at_exit 'tp_stop; pkg_restore'

pkg_installed=1
apt_install "${ours[@]}" >"$hvn_work/install.log" 2>&1 ||
	{ cat "$hvn_work/install.log"; fail "apt-get install of our packages"; }
for p in $libs; do
	pkg=${p%%:*} lib=${p#*:}
	so=/usr/lib/$multiarch/dpdk/pmds-23.0/$lib.so.23.0
	expect "dpkg -S $so" "$(dpkg -S "$so" 2>&1)" "$pkg:$arch: $so"
	expect "$pkg installed version" \
		"$(dpkg-query -W -f '${Version}' "$pkg:$arch")" "$ourver"
done

# --proc-type=primary keeps the hugepage files for the secondary.
HVNET_TESTPMD=$bin/dpdk-testpmd
tp_start --backend loopback --channels 4 -- --proc-type=primary -- -i \
	--rxq=2 --txq=2 --rss-ip
tp_cmd start tx_first
t0=$(date +%s.%N)
tp_wait_rx 1000000 120 || echo "note: 1,000,000 frames not reached in 120 s"
t1=$(date +%s.%N)
tp_cmd stop

# Debian's dpdk-proc-info as a secondary of the running testpmd, with the
# hv-host root and preload testpmd runs with.
tp=$(pgrep -P "$tp_pid" -x dpdk-testpmd | head -n 1)
[ -n "$tp" ] || fail "testpmd's process not found"
envof() { tr '\0' '\n' <"/proc/$tp/environ" | sed -n "s/^$1=//p"; }
HVH_ROOT=$(envof HVH_ROOT) LD_PRELOAD=$(envof LD_PRELOAD) \
	timeout --foreground 60 "$bin/dpdk-proc-info" --file-prefix "hvtp$tp_pid" \
	--log-level=lib.eal:error -- --xstats >"$hvn_work/proc-info" 2>&1
pi_rc=$?
cat "$hvn_work/proc-info"
m=$(tp_mark)
tp_stats
tp_since "$m" | grep -E 'RX-packets|TX-packets'
rx=$(tp_port_stat "$m" RX-packets)
tp_quit
awk -v n="$rx" -v a="$t0" -v b="$t1" \
	'BEGIN { printf "Debian testpmd on our PMD: %d frames in %.1f s\n", n, b - a }'

pkg_restore
for p in $libs; do
	expect "${p%%:*} restored" \
		"$(dpkg-query -W -f '${Version}' "${p%%:*}:$arch")" "$debver"
done
expect "testpmd exit status" "$tp_rc" 0
expect_ge "frames Debian's testpmd forwarded on our PMD" "$rx" 1000000
expect "dpdk-proc-info exit status" "$pi_rc" 0
expect "dpdk-proc-info's rx_good_packets = testpmd's RX-packets" \
	"$(awk '$1 == "rx_good_packets:" { print $2 }' "$hvn_work/proc-info")" "$rx"
finish
