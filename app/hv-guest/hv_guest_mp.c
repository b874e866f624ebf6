/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * hv-guest's mp mode: one process of several sharing the port (DPDK's
 * multi-process model), driven by commands, as testpmd's multi-process
 * mode would be if testpmd forwarded on upstream's 22.11 netvsc. Each
 * process receives on its own queue (--proc-id); the primary set the port
 * up with --queues. Commands arrive in the file --control names (written
 * whole, then renamed into place); the process reads and removes it and
 * prints one line "hv-guest: COMMAND: RESULT":
 *   pause          stop polling (result: frames received so far)
 *   resume         poll again
 *   mtu N          primary: stop the port, set the MTU, start it
 *   queues N...    primary: for each count, stop the port, configure N
 *                  receive and transmit queues, start it
 * Between "pause" and "resume" a secondary leaves the queues alone, so
 * the primary may change the port, as the multi-process model requires.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "hv_guest.h"

#define HVG_MP_CMD_MAX	128

/* A command, if one is waiting: read whole and removed. */
static int
hvg_mp_command(char *cmd, size_t len)
{
	FILE *f = fopen(hvg.control, "r");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(cmd, 1, len - 1, f);
	fclose(f);
	unlink(hvg.control);
	cmd[n] = '\0';
	cmd[strcspn(cmd, "\n")] = '\0';
	return 1;
}

/* Primary: the port stopped, changed by CHANGE, started again. */
static int
hvg_mp_change(uint16_t port, struct rte_mempool *mp, const char *what,
	      const char *arg)
{
	char *end;
	unsigned long v;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -EPERM;
	do {
		v = strtoul(arg, &end, 10);
		if (end == arg || v == 0 || v > UINT16_MAX)
			return -EINVAL;
		ret = rte_eth_dev_stop(port);
		if (ret == 0 && strcmp(what, "mtu") == 0) {
			ret = rte_eth_dev_set_mtu(port, v);
			if (ret == 0)
				ret = rte_eth_dev_start(port);
		} else if (ret == 0) {
			hvg.queues = v;
			ret = hvg_port_setup(port, mp);
		}
		arg = end;
	} while (ret == 0 && *arg == ' ');
	return ret;
}

void
hvg_mp(uint16_t port, struct rte_mempool *mp)
{
	struct rte_mbuf *pkts[HVG_BURST_MAX];
	char cmd[HVG_MP_CMD_MAX];
	uint64_t next = 0, now, end;
	uint16_t q = hvg.proc_id, n;
	int paused = 0, ret;

	end = rte_get_timer_cycles() +
		(uint64_t)(hvg.seconds * rte_get_timer_hz());
	while (!hvg_stop && (now = rte_get_timer_cycles()) < end) {
		if (now >= next) {
			next = now + rte_get_timer_hz() / 100;
			if (hvg.control != NULL &&
			    hvg_mp_command(cmd, sizeof(cmd))) {
				if (strcmp(cmd, "pause") == 0) {
					paused = 1;
					printf("hv-guest: pause: %" PRIu64 "\n",
					       hvg_rx[q]);
				} else if (strcmp(cmd, "resume") == 0) {
					paused = 0;
					printf("hv-guest: resume: 0\n");
				} else if (strncmp(cmd, "mtu ", 4) == 0) {
					ret = hvg_mp_change(port, mp, "mtu",
							    cmd + 4);
					printf("hv-guest: %s: %d\n", cmd, ret);
				} else if (strncmp(cmd, "queues ", 7) == 0) {
					ret = hvg_mp_change(port, mp, "queues",
							    cmd + 7);
					printf("hv-guest: %s: %d\n", cmd, ret);
				} else {
					printf("hv-guest: %s: unknown\n", cmd);
				}
				fflush(stdout);
			}
		}
		if (paused) {
			rte_delay_us_sleep(1000);
			continue;
		}
		n = rte_eth_rx_burst(port, q, pkts, hvg.burst);
		hvg_rx[q] += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
}
