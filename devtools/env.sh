# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
# Common settings for the devtools scripts; sourced, not run.

# The machine's Python (with Debian's pyelftools) must come before any
# user-installed interpreter, or DPDK's build helpers will not find elftools.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

HVNET_TOP=${HVNET_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# Third-party material (Debian's DPDK source and its builds) lives here,
# ignored by git.
HVNET_DEPS=${HVNET_DEPS:-$HVNET_TOP/deps}
export HVNET_TOP HVNET_DEPS

# hvnet_ninja WHAT DIR [TARGET...]: ninja -C DIR, saying first how much
# there is to do ("WHAT: 1177 steps, about 4 min on 2 cores"), then one
# "[n/N]" line per tenth instead of a line per step.  The full output goes
# to DIR/ninja.log, whose tail is shown when the build fails.
hvnet_ninja() {
	local what=$1 dir=$2 n cores min rc

	shift 2
	# A pending regeneration of build.ninja would hide the real count.
	ninja -C "$dir" build.ninja >/dev/null 2>&1
	n=$(ninja -C "$dir" -n "$@" 2>/dev/null | grep -c '^\[') || n=0
	if [ "$n" -eq 0 ]; then
		echo "$what: up to date"
		return 0
	fi
	if [ "$n" -ge 100 ]; then
		cores=$(nproc)
		# About 0.4 s of one core per step (a cold build of both DPDK
		# trees and ours, 1177 steps, takes 4 minutes on 2 cores).
		min=$(( (n * 4 / cores + 599) / 600 ))
		echo "$what: $n steps, about $min min on $cores cores (log: $dir/ninja.log)"
	else
		echo "$what: $n steps"
	fi
	ninja -C "$dir" "$@" 2>&1 | tee "$dir/ninja.log" | awk -v w="$what" '
		/^\[[0-9]+\/[0-9]+\]/ {
			split(substr($1, 2, length($1) - 2), a, "/")
			t = int(a[1] * 10 / a[2])
			if (t != last) {
				printf "%s: [%s/%s] %d%%\n", w, a[1], a[2], t * 10
				fflush()
				last = t
			}
		}'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "$what: FAILED; the end of $dir/ninja.log:"
		grep -v '^\[' "$dir/ninja.log" | tail -n 30
	fi
	return "$rc"
}
