# SPDX-License-Identifier: BSD-3-Clause
# Common settings for the devtools scripts; sourced, not run.

# The machine's Python (with Debian's pyelftools) must come before any
# user-installed interpreter, or DPDK's build helpers will not find elftools.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

HVNET_TOP=${HVNET_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# Third-party material (Debian's DPDK source and its builds) lives here,
# ignored by git.
HVNET_DEPS=${HVNET_DEPS:-$HVNET_TOP/deps}
export HVNET_TOP HVNET_DEPS
