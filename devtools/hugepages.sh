#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Reserve 2 MiB hugepages and mount hugetlbfs, idempotently.  The guests
# under hv-host need them: upstream's netvsc keeps page numbers in 32 bits,
# so --no-huge memory high in the address space would be corrupted.
# Usage: devtools/hugepages.sh [number of 2 MiB pages, default 1024]
set -eu
want=${1:-1024}
nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ ! -w "$nr" ]; then
	echo "hugepages: $nr is not writable; run as root" >&2
	exit 1
fi
if [ "$(cat "$nr")" -lt "$want" ]; then
	echo "$want" > "$nr"
fi
if [ "$(cat "$nr")" -lt "$want" ]; then
	echo "hugepages: only $(cat "$nr") of $want pages could be reserved" >&2
fi
if ! grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages
fi
