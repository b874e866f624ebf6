# SPDX-License-Identifier: BSD-3-Clause
#
# Shell helpers of the VF stand-in tests (sourced).  The caller sets $log
# (the testpmd output file) and opens fd 3 on testpmd's standard input.

fail=0

check() {
	local name=$1 ok=$2 detail=$3
	if [ "$ok" == 1 ]; then
		echo "ok - $name"
	else
		echo "not ok - $name: $detail"
		fail=1
	fi
}

# Wait until the log holds $2 lines matching $1, at most $3 seconds.
wait_for() {
	local pat=$1 count=$2 secs=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(grep -c -- "$pat" "$log")" -ge "$count" ] && return 0
		sleep 0.1
	done
	return 1
}

# One testpmd command, given time to be read before the next.
send() {
	echo "$*" >&3
	sleep 0.3
}

# The control file the stand-in watches, replaced atomically.
vf_state() {
	echo "$2" > "$1.tmp" && mv "$1.tmp" "$1"
}

# A TAP made beforehand, as a harness bridging it would make it; without
# IPv6 the kernel sends nothing of its own into the port.
make_tap() {
	ip tuntap add dev "$1" mode tap multi_queue vnet_hdr || return 1
	sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	ip link set "$1" up
}

need_root_tun() {
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
		echo "SKIP: needs root and /dev/net/tun"
		exit 77
	fi
	if ! command -v ip > /dev/null || ! command -v stdbuf > /dev/null; then
		echo "SKIP: needs ip (iproute2) and stdbuf"
		exit 77
	fi
}

# EAL refuses to load a plugin (-d) when any folder above it is
# world-writable, as /tmp is; a build tree cloned under /tmp would fail for
# that reason alone.  Copy the plugin into a fresh root-only folder under
# /run and print the copy's path; the caller removes "$(dirname copy)".
private_plugin() {
	local src=$1 dir
	dir=$(mktemp -d /run/hvnet-plugin.XXXXXX) || return 1
	chmod 0755 "$dir"
	cp "$src" "$dir/" || return 1
	echo "$dir/$(basename "$src")"
}
