/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVH_BENCH_H
#define HVH_BENCH_H

#include <stdint.h>

#include "hvh_nic.h"

/*
 * Guest-less microbenchmark: hv-host's whole data path (ring, NVSP, RNDIS,
 * backend) against an in-process fake guest on this one thread.
 * mode "sink": the guest sends aggregated send-buffer packets to the sink
 * backend; "source": the source backend feeds the guest, which completes
 * each receive message.  Prints frames/s; returns an exit status.
 */
int hvh_bench_run(struct hvh_nic_conf *conf, const char *mode,
		  uint64_t frames, unsigned int size);

#endif /* HVH_BENCH_H */
