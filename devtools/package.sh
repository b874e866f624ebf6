#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Build binary Debian packages of our two drivers that replace Debian 12's:
# librte-bus-vmbus23 and librte-net-netvsc23, same names, same SONAMEs and
# symbol versions, same files and dependencies, with a version that sorts
# just above the Debian version of the DPDK source they are built from.
#
#   devtools/package.sh [-o DIR]     (default DIR: build/pkg)
#   apt-get install ./build/pkg/*.deb
#
# DPDK is configured as Debian's debian/rules does (shared libraries,
# platform "generic", dpkg-buildflags with hardening=+all, prefix /usr and
# the multiarch libdir), in its own build folder; only the two drivers and
# the libraries they link are compiled.  The packages are put together
# with dpkg-deb: no network, no root needed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"

out=$top/build/pkg
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	-h|--help) sed -n '/^# Build/,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
# Absolute: the packaging steps below run from inside their folders.
mkdir -p "$out"
out=$(cd "$out" && pwd)

log() { echo "package: $*"; }
die() { echo "package: $*" >&2; exit 1; }

for t in dpkg-deb dpkg-shlibdeps dpkg-gensymbols dpkg-buildflags meson ninja strip; do
	command -v "$t" >/dev/null || die "$t missing (run devtools/bootstrap.sh)"
done
src=$top/subprojects/dpdk
debsrc=$HVNET_DEPS/dpdk/debian
[ -f "$src/.overlay" ] || die "subprojects/dpdk missing (run devtools/bootstrap.sh)"
[ -f "$debsrc/changelog" ] || die "Debian's DPDK source not found in $HVNET_DEPS/dpdk"

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
debver=$(dpkg-parsechangelog -l "$debsrc/changelog" -S Version)
upver=${debver%%-*}
# "+hvnet1" after the full Debian version: sorts above it, and below the
# next Debian upload (22.11.12-...), which then replaces ours as usual.
version=$debver+hvnet1
abi=$(cut -d. -f1 "$src/ABI_VERSION")
pmds=usr/lib/$multiarch/dpdk/pmds-$abi.0
dpkg --compare-versions "$version" gt "$debver" || die "version $version does not sort above $debver"

# Debian's build: dh's meson invocation plus debian/rules' options.
bdir=$out/dpdk-build
if [ ! -f "$bdir/build.ninja" ]; then
	log "configuring DPDK as Debian does (shared, platform generic) in $bdir"
	mkdir -p "$out"
	# dpkg-buildflags maps the folder it runs in to "." in debug info.
	eval "$(cd "$src" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
	CFLAGS="$CFLAGS -ffile-prefix-map=$top=."
	export CFLAGS CPPFLAGS LDFLAGS
	nice -n 5 meson setup "$bdir" "$src" --wrap-mode=nodownload \
		--buildtype=plain --prefix=/usr --sysconfdir=/etc \
		--localstatedir=/var --libdir="lib/$multiarch" \
		--includedir=include/dpdk --default-library=shared \
		-Dinclude_subdir_arch="../$multiarch/dpdk" \
		-Dplatform=generic -Dtests=false \
		-Denable_drivers=bus/pci,bus/vdev,bus/vmbus,net/netvsc \
		>"$out/configure.log" 2>&1 ||
		{ tail -n 20 "$out/configure.log"; die "meson setup failed (log: $out/configure.log)"; }
fi
# Only the two drivers and what they link (about 200 steps from scratch,
# seconds afterwards), at a lower priority than interactive work.
(renice -n 5 -p "$BASHPID" >/dev/null
 hvnet_ninja "package: building the two drivers" "$bdir" \
	"drivers/librte_bus_vmbus.so.$abi.0" "drivers/librte_net_netvsc.so.$abi.0")

# A throw-away debian/ folder: dpkg-shlibdeps and dpkg-gensymbols want one.
work=$out/work
rm -rf "$work"
mkdir -p "$work/debian"
date=$(git -C "$top" log -1 --format=%aD 2>/dev/null || date -R)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >"$work/debian/changelog" <<EOF
dpdk ($version) unstable; urgency=medium

  * librte-bus-vmbus23 and librte-net-netvsc23 rebuilt from Debian's
    dpdk $debver source with the hvnet VMBus bus and netvsc PMD
    (commit $commit) in place of upstream's drivers/bus/vmbus and
    drivers/net/netvsc.  Same SONAMEs, symbol versions and files.

 -- hvnet team <hvnet@localhost>  $date
EOF
printf 'Source: dpdk\n\n' >"$work/debian/control"

# package  library  Debian's description word
packages="librte-bus-vmbus23:librte_bus_vmbus librte-net-netvsc23:librte_net_netvsc"
for p in $packages; do
	printf 'Package: %s\nArchitecture: any\n\n' "${p%%:*}" >>"$work/debian/control"
done

rm -f "$out"/librte-bus-vmbus23_*.deb "$out"/librte-net-netvsc23_*.deb
stages=
for p in $packages; do
	pkg=${p%%:*} lib=${p#*:}
	root=$work/$pkg
	stages="$stages -S$root"
	so=$lib.so.$abi.0
	log "$pkg $version: $so"
	mkdir -p "$root/DEBIAN" "$root/$pmds" "$root/usr/share/doc/$pkg" \
		"$root/usr/share/lintian/overrides"
	# As dh_strip does for shared libraries.
	strip --remove-section=.comment --remove-section=.note --strip-unneeded \
		-o "$root/$pmds/$so" "$bdir/drivers/$so"
	chmod 0644 "$root/$pmds/$so"
	ln -s "$so" "$root/$pmds/$lib.so.$abi"
	# Debian puts the PMDs in pmds-XX.Y (EAL loads that folder) and links
	# them from the libdir for the dynamic linker.
	ln -s "dpdk/pmds-$abi.0/$lib.so.$abi" "$root/usr/lib/$multiarch/$lib.so.$abi"
	ln -s "dpdk/pmds-$abi.0/$so" "$root/usr/lib/$multiarch/$so"
	gzip -9n <"$work/debian/changelog" >"$root/usr/share/doc/$pkg/changelog.Debian.gz"
	cat >"$root/usr/share/doc/$pkg/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: dpdk, with the hvnet VMBus bus and netvsc PMD

Files: *
Copyright: DPDK contributors (see Debian's dpdk package)
           hvnet contributors (drivers/bus/vmbus, drivers/net/netvsc)
License: BSD-3-Clause
 On Debian systems the full text of the BSD 3-clause license is in
 /usr/share/common-licenses/BSD.
EOF
	echo "$pkg: ldconfig-escape" >"$root/usr/share/lintian/overrides/$pkg"
	printf '%s %s %s (>= %s)\n' "$lib" "$abi" "$pkg" "$upver" >"$root/DEBIAN/shlibs"
	printf '# Triggers as dh_makeshlibs writes them\nactivate-noawait ldconfig\n' \
		>"$root/DEBIAN/triggers"
	# Debian's symbols file is the template: -c2 fails the build if our
	# library exports a symbol Debian's does not, or lacks one of its.
	(cd "$work" && dpkg-gensymbols -c2 -q -p"$pkg" -P"$root" -v"$version" \
		-I"$debsrc/$pkg.symbols" -O"$root/DEBIAN/symbols" -e"$root/$pmds/$so") ||
		die "$pkg: exported symbols differ from Debian's $pkg.symbols"
done

# Dependencies: dpkg-shlibdeps as dh_shlibdeps runs it, the bus resolved
# from the package built here.
for p in $packages; do
	pkg=${p%%:*} lib=${p#*:}
	root=$work/$pkg
	so=$root/$pmds/$lib.so.$abi.0
	deps=$(cd "$work" && dpkg-shlibdeps -O $stages -e"$so" 2>"$work/shlibdeps.err") ||
		{ cat "$work/shlibdeps.err" >&2; die "$pkg: dpkg-shlibdeps failed"; }
	deps=${deps#shlibs:Depends=}
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	cat >"$root/DEBIAN/control" <<EOF
Package: $pkg
Source: dpdk
Version: $version
Architecture: $arch
Multi-Arch: same
Maintainer: hvnet team <hvnet@localhost>
Installed-Size: $size
Depends: $deps
Section: libs
Priority: optional
Homepage: https://doc.dpdk.org/guides/nics/netvsc.html
Description: Data Plane Development Kit (${lib//_/-} runtime library)
 DPDK is a set of libraries for fast packet processing. Applications run
 in user-space and communicate directly with dedicated network interfaces.
 .
 This package contains the runtime library ${lib//_/-} built with the
 hvnet VMBus bus and netvsc PMD for Hyper-V and Azure, a drop-in for
 Debian's package of the same name.
EOF
	(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
	deb=$out/${pkg}_${version}_$arch.deb
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
	log "wrote $deb"
	log "  Depends: $deps"
done
