# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
# Sourced, not run (after env.sh): dpdk_source SRC prints the folder of a
# DPDK source tree given as a release tarball or a folder.  A tarball is
# unpacked once into $HVNET_DEPS/<its top folder>, outside the tracked
# tree; a folder is used as it is.  Both are only ever read: builds work
# on hard-linked copies of them.

dpdk_source() {
	local src=$1 top dir
	if [ -d "$src" ]; then
		[ -f "$src/VERSION" ] || {
			echo "dpdk-source: $src is not a DPDK source tree (no VERSION file)" >&2
			return 1
		}
		(cd "$src" && pwd)
		return 0
	fi
	[ -f "$src" ] || {
		echo "dpdk-source: $src: no such tarball or folder" >&2
		return 1
	}
	top=$(tar -tf "$src" | head -n 1) || return 1
	top=${top%%/*}
	case "$top" in
	""|.|..) echo "dpdk-source: $src has no top folder" >&2; return 1 ;;
	esac
	dir=$HVNET_DEPS/$top
	mkdir -p "$HVNET_DEPS"
	# One unpacker at a time: several scripts may ask for the same tree.
	(
		flock 9
		if [ ! -f "$dir/.unpacked" ]; then
			rm -rf "$dir" "$dir.tmp"
			mkdir -p "$dir.tmp"
			tar -xf "$src" -C "$dir.tmp" &&
				mv "$dir.tmp/$top" "$dir" && rmdir "$dir.tmp" &&
				touch "$dir/.unpacked"
		fi
	) 9>"$HVNET_DEPS/.dpdk-source.lock" || return 1
	[ -f "$dir/VERSION" ] || {
		echo "dpdk-source: $src did not unpack to a DPDK source tree" >&2
		return 1
	}
	echo "$dir"
}

# dpdk_version DIR: "22.11" for a tree whose VERSION is 22.11.x.
dpdk_version() {
	cut -d. -f1,2 "$1/VERSION"
}

# dpdk_subprojects DIR OURS UPSTREAM: the two meson subprojects of a DPDK
# source folder DIR, under $HVNET_TOP/subprojects: UPSTREAM, the pristine
# tree, and OURS, the same tree with drivers/bus/vmbus and
# drivers/net/netvsc replaced by links to this repository's folders (an
# edit here is seen by the next ninja run).  Hard links keep both cheap;
# they are real folders, not links, because DPDK's build globs its own
# tree and gets confused by a subproject folder that is itself a link.
# Made once; a marker file says each is complete.
dpdk_subprojects() {
	local dir=$1 ours=$HVNET_TOP/subprojects/$2 up=$HVNET_TOP/subprojects/$3 d f
	mkdir -p "$HVNET_TOP/subprojects"
	if [ ! -f "$up/.pristine" ]; then
		rm -rf "$up"
		cp -al "$dir" "$up"
		# From 23.11 each DPDK subproject registers its
		# dpdk-cmdline-gen.py with meson, which allows that once per
		# build: the pristine tree leaves it to ours.  Its drivers and
		# libraries stay untouched; the file is replaced, not edited,
		# as it is a hard link to the source.
		f=$up/buildtools/subproject/meson.build
		if grep -q override_find_program "$f" 2>/dev/null; then
			grep -v override_find_program "$f" > "$f.new"
			mv "$f.new" "$f"
		fi
		touch "$up/.pristine"
	fi
	if [ ! -f "$ours/.overlay" ]; then
		rm -rf "$ours"
		cp -al "$dir" "$ours"
		for d in bus/vmbus net/netvsc; do
			rm -rf "$ours/drivers/$d"
			ln -s "../../../../drivers/$d" "$ours/drivers/$d"
		done
		touch "$ours/.overlay"
	fi
}
