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
