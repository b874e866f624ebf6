/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Bus-level test against hv-host: our bus scans the emulated sysfs,
 * probes the NIC with this program's driver, maps every region, opens
 * the primary channel, speaks just enough NVSP to be granted
 * subchannels, opens them all, and exchanges a request and its
 * completion on every channel.  A secondary process maps the device at
 * the same addresses and sends on a subchannel.  Then it unplugs the device, plugs it
 * back, checks the channel works again, and unplugs it once more to
 * show that a plug/unplug cycle leaks no fd, mapping or memory.
 *
 * The renew mode replaces the whole subchannel set ROUNDS times, as the
 * netvsc PMD does on each MTU change: far more subchannel opens than
 * the bus has ring slots, each closed channel must give its ring and
 * slot back, and a secondary process attached throughout must drop the
 * rings of the closed channels and map the new ones.
 *
 * Usage: test-vmbus-bus <EAL args, with -a UUID> -- NSUB [CYCLES]
 *        test-vmbus-bus <EAL args, with -a UUID> -- renew NSUB ROUNDS
 *        test-vmbus-bus <EAL args, UUID blocked or not allowed> -- unprobed UUID
 */

#include <dirent.h>
#include <libgen.h>
#include <poll.h>
#include <sys/wait.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bus_driver.h>
#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include <bus_vmbus_driver.h>

/* NVSP facts (netvsc_protocol.rst, "Message types"), written for this test. */
#define NVSP_INIT		1
#define NVSP_INIT_COMPLETE	2
#define NVSP_NDIS_VERSION	100
#define NVSP_SEND_RXBUF		101
#define NVSP_SEND_RXBUF_COMP	102
#define NVSP_SEND_TXBUF		104
#define NVSP_SEND_TXBUF_COMP	105
#define NVSP_NDIS_CONFIG	125
#define NVSP_SUBCHANNEL		133
#define NVSP_VERSION_61		0x00060001
#define NVSP_STATUS_OK		1
#define NVSP_SUBCH_ALLOCATE	1
#define NVSP_MSG_SIZE		40	/* every request padded, as DPDK */
#define NVSP_RXBUF_ID		0xcafe
#define NVSP_TXBUF_ID		0xface

#define TB_WAIT_US		(5 * 1000 * 1000)
#define TB_MAX_CHAN		65

/* Network adapter class f8615163-df3e-46c5-913f-f2d2f965ed0e, then end. */
static const rte_uuid_t tb_ids[] = {
	{ 0xf8, 0x61, 0x51, 0x63, 0xdf, 0x3e, 0x46, 0xc5,
	  0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e },
	{ 0 },
};

static struct rte_vmbus_device *tb_dev;
static struct vmbus_channel *tb_chan[TB_MAX_CHAN];
static unsigned int tb_nchan;
static int tb_probes, tb_removes;

#define TB_CHECK(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		printf("FAIL %s:%d: %s: " fmt "\n", __func__, __LINE__,	\
		       #cond, ##__VA_ARGS__);				\
		return -1;						\
	}								\
} while (0)

static int
tb_probe(struct rte_vmbus_driver *drv, struct rte_vmbus_device *dev)
{
	RTE_SET_USED(drv);
	tb_dev = dev;
	tb_probes++;
	return 0;
}

static int
tb_remove(struct rte_vmbus_device *dev)
{
	while (tb_nchan > 0)
		rte_vmbus_chan_close(tb_chan[--tb_nchan]);
	RTE_SET_USED(dev);
	tb_dev = NULL;
	tb_removes++;
	return 0;
}

static struct rte_vmbus_driver tb_driver = {
	.driver = { .name = "vmbus_bus_test" },
	.probe = tb_probe,
	.remove = tb_remove,
	.id_table = tb_ids,
};

/* Registered before any PMD (RTE_INIT runs last) so it wins the NIC. */
RTE_INIT_PRIO(tb_register, CLASS)
{
	rte_vmbus_register(&tb_driver);
}

static int
tb_send(struct vmbus_channel *chan, const uint32_t *words, unsigned int n,
	uint64_t xid)
{
	uint32_t msg[NVSP_MSG_SIZE / 4] = { 0 };

	memcpy(msg, words, n * sizeof(words[0]));
	return rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_INBAND, msg,
				   sizeof(msg), xid, VMBUS_CHANPKT_FLAG_RC,
				   NULL);
}

/*
 * Wait for a packet carrying NVSP message type `type` (or, with type 0,
 * a completion with transaction id xid).  Other packets (indirection
 * table) are skipped.  Returns the NVSP payload in msg.
 */
static int
tb_wait(struct vmbus_channel *chan, uint32_t type, uint64_t xid,
	uint32_t *msg, unsigned int words)
{
	uint8_t buf[512];
	const struct vmbus_chanpkt_hdr *h = (const void *)buf;
	uint32_t len, off, nvsp;
	uint64_t waited;
	int ret;

	for (waited = 0; waited < TB_WAIT_US; ) {
		len = sizeof(buf);
		ret = rte_vmbus_chan_recv_raw(chan, buf, &len);
		if (ret == -EAGAIN) {
			rte_delay_us_sleep(100);
			waited += 100;
			continue;
		}
		if (ret < 0)
			return ret;
		rte_vmbus_chan_signal_read(chan, ret);
		off = vmbus_chanpkt_getlen(h->hlen);
		if (len < off + 4)
			continue;
		memcpy(&nvsp, buf + off, 4);
		if ((type != 0 && nvsp == type) ||
		    (type == 0 && h->type == VMBUS_CHANPKT_TYPE_COMP &&
		     h->xactid == xid)) {
			memset(msg, 0, words * 4);
			memcpy(msg, buf + off, RTE_MIN(len - off, words * 4));
			return 0;
		}
	}
	return -ETIMEDOUT;
}

static int
tb_check_device(const char *uuid)
{
	const struct rte_mem_resource *r = tb_dev->resource;
	unsigned int i;

	TB_CHECK(tb_dev != NULL, "device not probed");
	TB_CHECK(strcmp(tb_dev->device.name, uuid) == 0, "name %s",
		 tb_dev->device.name);
	TB_CHECK(rte_uuid_compare(tb_dev->class_id, tb_ids[0]) == 0,
		 "class");
	TB_CHECK(tb_dev->driver == &tb_driver, "driver");
	for (i = 0; i < VMBUS_MAX_RESOURCE; i++)
		TB_CHECK(r[i].addr != NULL && r[i].len >= 4096,
			 "map%u not mapped", i);
	TB_CHECK(r[HV_TXRX_RING_MAP].len % 8192 == 0, "ring size");
	TB_CHECK(r[HV_RECV_BUF_MAP].phys_addr != 0 &&
		 r[HV_SEND_BUF_MAP].phys_addr != 0, "GPADL handles");
	TB_CHECK((uint8_t *)tb_dev->int_page ==
		 (uint8_t *)r[HV_INT_PAGE_MAP].addr + 2048, "int page");
	TB_CHECK((void *)tb_dev->monitor_page == r[HV_MON_PAGE_MAP].addr,
		 "monitor page");
	TB_CHECK(rte_intr_fd_get(tb_dev->intr_handle) >= 0, "uio fd");
	printf("ok: device %s relid %u monitor %u uio%d, 5 maps (ring pair %#" PRIx64 ", rx buf gpadl %" PRIu64 ", tx buf gpadl %" PRIu64 ")\n",
	       uuid, tb_dev->relid, tb_dev->monitor_id, tb_dev->uio_num,
	       r[0].len, r[HV_RECV_BUF_MAP].phys_addr,
	       r[HV_SEND_BUF_MAP].phys_addr);
	return 0;
}

/* Primary channel and NVSP up to the receive and send buffers. */
static int
tb_nvsp_init(void)
{
	uint32_t m[10];
	int ret;

	ret = rte_vmbus_chan_open(tb_dev, &tb_chan[0]);
	TB_CHECK(ret == 0, "chan_open %d", ret);
	tb_nchan = 1;
	rte_vmbus_set_latency(tb_dev, tb_chan[0], 50000);

	ret = tb_send(tb_chan[0], (uint32_t[]){ NVSP_INIT, NVSP_VERSION_61,
					       NVSP_VERSION_61 }, 3, 1);
	TB_CHECK(ret == 0, "send INIT %d", ret);
	ret = tb_wait(tb_chan[0], NVSP_INIT_COMPLETE, 0, m, 10);
	TB_CHECK(ret == 0 && m[3] == NVSP_STATUS_OK, "INIT: %d status %u",
		 ret, m[3]);
	TB_CHECK(tb_send(tb_chan[0], (uint32_t[]){ NVSP_NDIS_CONFIG, 1514, 0,
						   0x8, 0 }, 5, 2) == 0,
		 "NDIS config");
	TB_CHECK(tb_send(tb_chan[0], (uint32_t[]){ NVSP_NDIS_VERSION, 6, 30 },
			 3, 3) == 0, "NDIS version");
	TB_CHECK(tb_send(tb_chan[0], (uint32_t[]){ NVSP_SEND_RXBUF,
		(uint32_t)tb_dev->resource[HV_RECV_BUF_MAP].phys_addr,
		NVSP_RXBUF_ID }, 3, 4) == 0, "rx buffer");
	ret = tb_wait(tb_chan[0], NVSP_SEND_RXBUF_COMP, 0, m, 10);
	TB_CHECK(ret == 0 && m[1] == NVSP_STATUS_OK, "rx buffer: %d status %u",
		 ret, m[1]);
	TB_CHECK(tb_send(tb_chan[0], (uint32_t[]){ NVSP_SEND_TXBUF,
		(uint32_t)tb_dev->resource[HV_SEND_BUF_MAP].phys_addr,
		NVSP_TXBUF_ID }, 3, 5) == 0, "tx buffer");
	ret = tb_wait(tb_chan[0], NVSP_SEND_TXBUF_COMP, 0, m, 10);
	TB_CHECK(ret == 0 && m[1] == NVSP_STATUS_OK, "tx buffer: %d status %u",
		 ret, m[1]);
	printf("ok: NVSP 6.1 initialised on the primary channel\n");
	return 0;
}

/* Wait until the primary RX ring's interrupt mask reads want. */
static bool
tb_imask_becomes(const volatile struct vmbus_bufring *rx, uint32_t want)
{
	int i;

	for (i = 0; i < 1000 && rx->imask != want; i++)
		rte_delay_us_sleep(1000);
	return rx->imask == want;
}

/*
 * uio interrupt control: unmask clears the RX ring's interrupt mask,
 * a host reply then raises one interrupt, which the uio fd delivers
 * as a count; mask sets the mask again.
 */
static int
tb_check_irq(void)
{
	const struct rte_mem_resource *r = &tb_dev->resource[HV_TXRX_RING_MAP];
	const volatile struct vmbus_bufring *rx =
		RTE_PTR_ADD(r->addr, r->len / 2);
	struct pollfd pfd = {
		.fd = rte_intr_fd_get(tb_dev->intr_handle), .events = POLLIN,
	};
	uint32_t m[10];
	int count;

	rte_vmbus_irq_unmask(tb_dev);
	TB_CHECK(tb_imask_becomes(rx, 0), "unmask left imask %u", rx->imask);
	TB_CHECK(tb_send(tb_chan[0], (uint32_t[]){ NVSP_NDIS_VERSION, 6, 30 },
			 3, 0x1e) == 0, "send");
	TB_CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN),
		 "no interrupt on the uio fd");
	count = rte_vmbus_irq_read(tb_dev);
	TB_CHECK(count >= 1, "irq count %d", count);
	TB_CHECK(tb_wait(tb_chan[0], 0, 0x1e, m, 10) == 0, "completion");
	rte_vmbus_irq_mask(tb_dev);
	TB_CHECK(tb_imask_becomes(rx, 1), "mask left imask %u", rx->imask);
	printf("ok: uio unmask, interrupt (count %d) and mask\n", count);
	return 0;
}

/*
 * Ask the host for want subchannels on the primary channel (hv-host
 * rescinds the set it gave before and offers new channels).
 */
static int
tb_request_subchannels(unsigned int want)
{
	uint32_t m[10];
	int ret;

	TB_CHECK(rte_vmbus_max_channels(tb_dev) > (int)want,
		 "max channels %d", rte_vmbus_max_channels(tb_dev));
	TB_CHECK(tb_send(tb_chan[0], (uint32_t[]){ NVSP_SUBCHANNEL,
		NVSP_SUBCH_ALLOCATE, want }, 3, 6) == 0, "subchannel request");
	ret = tb_wait(tb_chan[0], NVSP_SUBCHANNEL, 0, m, 10);
	TB_CHECK(ret == 0 && m[1] == NVSP_STATUS_OK && m[2] == want,
		 "subchannels: %d status %u granted %u", ret, m[1], m[2]);
	return 0;
}

/* Open the want subchannels offered into subs[], each index once. */
static int
tb_collect_subchannels(unsigned int want, struct vmbus_channel **subs)
{
	bool seen[TB_MAX_CHAN] = { false };
	struct vmbus_channel *extra;
	uint64_t waited = 0;
	unsigned int got = 0;
	uint16_t idx;
	int ret;

	/* The host offers them, the "kernel" opens them: poll, bounded. */
	while (got < want && waited < TB_WAIT_US) {
		ret = rte_vmbus_subchan_open(tb_chan[0], &subs[got]);
		if (ret == -ENOENT) {
			rte_delay_us_sleep(10000);
			waited += 10000;
			continue;
		}
		TB_CHECK(ret == 0, "subchan_open %d", ret);
		idx = rte_vmbus_sub_channel_index(subs[got]);
		TB_CHECK(idx >= 1 && idx <= want && !seen[idx],
			 "subchannel index %u", idx);
		seen[idx] = true;
		rte_vmbus_set_latency(tb_dev, subs[got], 50000);
		got++;
	}
	TB_CHECK(got == want, "%u of %u subchannels appeared", got, want);
	ret = rte_vmbus_subchan_open(tb_chan[0], &extra);
	TB_CHECK(ret == -ENOENT, "a subchannel too many: %d", ret);
	return 0;
}

static int
tb_open_subchannels(unsigned int want)
{
	if (tb_request_subchannels(want) != 0 ||
	    tb_collect_subchannels(want, &tb_chan[1]) != 0)
		return -1;
	tb_nchan = want + 1;
	printf("ok: %u subchannels opened\n", want);
	return 0;
}

/* A request with completion on every channel, answered on that channel. */
static int
tb_exchange_all(void)
{
	uint32_t m[10];
	unsigned int i, round;
	uint64_t xid;
	int ret;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < tb_nchan; i++) {
			xid = 0x10000 * (round + 1) + i;
			ret = tb_send(tb_chan[i], (uint32_t[]){
				NVSP_NDIS_VERSION, 6, 30 }, 3, xid);
			TB_CHECK(ret == 0, "send on channel %u: %d", i, ret);
		}
		for (i = 0; i < tb_nchan; i++) {
			xid = 0x10000 * (round + 1) + i;
			ret = tb_wait(tb_chan[i], 0, xid, m, 10);
			TB_CHECK(ret == 0, "no completion %#" PRIx64
				 " on channel %u (index %u): %d", xid, i,
				 rte_vmbus_sub_channel_index(tb_chan[i]), ret);
		}
	}
	printf("ok: 3 request/completion rounds on each of %u channels\n",
	       tb_nchan);
	return 0;
}

/*
 * Secondary process: EAL maps the device again (at the primary's
 * addresses, or the probe fails) and the channel objects, which live
 * in shared memory, work from here.  Sends one request on the channel
 * the primary names; the primary then receives the completion.
 */
#define TB_SECONDARY_XID 0x5ec0

static int
tb_secondary_main(int argc, char **argv)
{
	struct vmbus_channel *chan;
	unsigned long long map0, chan_addr;
	unsigned int index;

	TB_CHECK(argc == 5 && strcmp(argv[1], "secondary") == 0, "usage");
	chan_addr = strtoull(argv[2], NULL, 16);
	map0 = strtoull(argv[3], NULL, 16);
	index = (unsigned int)atoi(argv[4]);
	TB_CHECK(tb_dev != NULL, "secondary did not probe the device");
	TB_CHECK((uintptr_t)tb_dev->resource[HV_TXRX_RING_MAP].addr == map0,
		 "ring map at %p, primary has %#llx",
		 tb_dev->resource[HV_TXRX_RING_MAP].addr, map0);
	chan = (struct vmbus_channel *)(uintptr_t)chan_addr;
	TB_CHECK(rte_vmbus_sub_channel_index(chan) == index,
		 "channel index %u", rte_vmbus_sub_channel_index(chan));
	TB_CHECK(tb_send(chan, (uint32_t[]){ NVSP_NDIS_VERSION, 6, 30 }, 3,
			 TB_SECONDARY_XID) == 0, "send from secondary");
	printf("ok: secondary process mapped the device at the primary's addresses and sent on subchannel %u\n",
	       index);
	return 0;
}

/* In a forked child: become a secondary process running mode. */
static __rte_noreturn void
tb_exec_secondary(const char *uuid, const char *mode, const char *arg1,
		  const char *arg2, const char *arg3)
{
	char prefix[PATH_MAX];

	snprintf(prefix, sizeof(prefix), "%s", rte_eal_get_runtime_dir());
	execl("/proc/self/exe", "test-vmbus-bus", "--proc-type=secondary",
	      "--file-prefix", basename(prefix), "--iova-mode=va", "-l", "1",
	      "-a", uuid, "--log-level=bus.vmbus:info", "--", mode, arg1,
	      arg2, arg3, (char *)NULL);
	_exit(127);
}

/* The secondary must succeed, and its request on chan be answered. */
static int
tb_secondary_done(pid_t pid, struct vmbus_channel *chan)
{
	uint32_t m[10];
	int status, ret;

	TB_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "secondary failed: status %#x",
		 status);
	ret = tb_wait(chan, 0, TB_SECONDARY_XID, m, 10);
	TB_CHECK(ret == 0, "no completion for the secondary's request: %d",
		 ret);
	printf("ok: primary got the completion of the secondary's request\n");
	return 0;
}

static int
tb_check_secondary(const char *uuid)
{
	char chan_arg[32], map_arg[32], idx_arg[16];
	struct vmbus_channel *chan = tb_chan[tb_nchan - 1];
	pid_t pid;

	snprintf(chan_arg, sizeof(chan_arg), "%" PRIxPTR, (uintptr_t)chan);
	snprintf(map_arg, sizeof(map_arg), "%" PRIxPTR,
		 (uintptr_t)tb_dev->resource[HV_TXRX_RING_MAP].addr);
	snprintf(idx_arg, sizeof(idx_arg), "%u",
		 rte_vmbus_sub_channel_index(chan));
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		tb_exec_secondary(uuid, "secondary", chan_arg, map_arg,
				  idx_arg);
	TB_CHECK(pid > 0, "fork");
	return tb_secondary_done(pid, chan);
}

/* Many requests on one channel, one signal for the batch, all answered. */
static int
tb_batched(void)
{
	uint32_t msg[NVSP_MSG_SIZE / 4] = { NVSP_NDIS_VERSION, 6, 30 };
	struct vmbus_channel *chan = tb_chan[tb_nchan / 2];
	bool sig = false;
	uint32_t m[10];
	unsigned int i;
	int ret;

	for (i = 0; i < 64; i++) {
		ret = rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_INBAND, msg,
					  sizeof(msg), 0xba00 + i,
					  VMBUS_CHANPKT_FLAG_RC, &sig);
		TB_CHECK(ret == 0, "batched send %u: %d", i, ret);
	}
	TB_CHECK(sig, "a batch on an idle channel must need a signal");
	rte_vmbus_chan_signal_tx(chan);
	for (i = 0; i < 64; i++)
		TB_CHECK(tb_wait(chan, 0, 0xba00 + i, m, 10) == 0,
			 "completion %u of the batch", i);
	printf("ok: 64 requests sent with one signal, all completed\n");
	return 0;
}

static int
tb_count_fds(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int
tb_count_maps(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n;
}

static size_t
tb_heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t used = 0;
	int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			used += st.heap_allocsz_bytes;
	return used;
}

/*
 * Subchannel ring mappings of this process: live ring files, and
 * (deleted) ones, whose channel hv-host has rescinded.
 */
static int
tb_count_rings(int *deleted)
{
	char line[1024];
	size_t n;
	int live = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	*deleted = 0;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\n");
		line[n] = '\0';
		if (n >= 5 && strcmp(line + n - 5, "/ring") == 0)
			live++;
		else if (strstr(line, "/ring (deleted)") != NULL)
			(*deleted)++;
	}
	fclose(f);
	return live;
}

/*
 * Secondary process attached through a renewal run: reports its ring
 * mappings, waits while the primary replaces every subchannel, then
 * catches up (rte_vmbus_map_device on the mapped device), must hold
 * exactly the new rings and nothing stale, and sends on the channel
 * the primary names.
 */
static int
tb_follower_main(int argc, char **argv)
{
	unsigned long long chan_addr;
	unsigned int nsub, index;
	int rfd, wfd, live, stale, ret;
	char buf[64];
	FILE *in;

	TB_CHECK(argc == 5 && strcmp(argv[1], "follower") == 0, "usage");
	rfd = atoi(argv[2]);
	wfd = atoi(argv[3]);
	nsub = (unsigned int)atoi(argv[4]);
	TB_CHECK(tb_dev != NULL, "secondary did not probe the device");
	live = tb_count_rings(&stale);
	TB_CHECK(live == (int)nsub && stale == 0,
		 "at attach: %d ring mappings, %d stale", live, stale);
	TB_CHECK(write(wfd, "ready\n", 6) == 6, "cannot report");

	in = fdopen(rfd, "r");
	TB_CHECK(in != NULL && fgets(buf, sizeof(buf), in) != NULL &&
		 sscanf(buf, "%llx %u", &chan_addr, &index) == 2,
		 "no channel from the primary");
	live = tb_count_rings(&stale);
	printf("ok: secondary holds %d rings, %d of closed channels, before catching up\n",
	       live, stale);
	ret = rte_vmbus_map_device(tb_dev);
	TB_CHECK(ret == 0, "catching up: %d", ret);
	live = tb_count_rings(&stale);
	TB_CHECK(live == (int)nsub && stale == 0,
		 "after catching up: %d ring mappings, %d stale (want %u, 0)",
		 live, stale, nsub);
	TB_CHECK(tb_send((struct vmbus_channel *)(uintptr_t)chan_addr,
			 (uint32_t[]){ NVSP_NDIS_VERSION, 6, 30 }, 3,
			 TB_SECONDARY_XID) == 0, "send from secondary");
	printf("ok: secondary dropped the closed rings, mapped the %u new ones and sent on subchannel %u\n",
	       nsub, index);
	fclose(in);
	return 0;
}

static pid_t
tb_start_follower(const char *uuid, unsigned int nsub, int *to_fd,
		  int *from_fd)
{
	char rfd_arg[16], wfd_arg[16], nsub_arg[16];
	int to[2], from[2];
	pid_t pid;

	if (pipe(to) != 0)
		return -1;
	if (pipe(from) != 0) {
		close(to[0]);
		close(to[1]);
		return -1;
	}
	snprintf(rfd_arg, sizeof(rfd_arg), "%d", to[0]);
	snprintf(wfd_arg, sizeof(wfd_arg), "%d", from[1]);
	snprintf(nsub_arg, sizeof(nsub_arg), "%u", nsub);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		tb_exec_secondary(uuid, "follower", rfd_arg, wfd_arg,
				  nsub_arg);
	}
	close(to[0]);
	close(from[1]);
	*to_fd = to[1];
	*from_fd = from[0];
	return pid;
}

/*
 * One renewal as the netvsc PMD does it: a new subchannel set is asked
 * for and opened, then the old channels are closed.
 */
static int
tb_renew_once(unsigned int nsub)
{
	struct vmbus_channel *subs[TB_MAX_CHAN];
	unsigned int i;

	if (tb_request_subchannels(nsub) != 0 ||
	    tb_collect_subchannels(nsub, subs) != 0)
		return -1;
	for (i = 1; i < tb_nchan; i++)
		rte_vmbus_chan_close(tb_chan[i]);
	for (i = 0; i < nsub; i++)
		tb_chan[i + 1] = subs[i];
	tb_nchan = nsub + 1;
	return 0;
}

static int
tb_renew(const char *uuid, unsigned int nsub, unsigned int rounds)
{
	struct vmbus_channel *chan;
	int live, stale, maps, to_fd, from_fd, ret;
	unsigned int round;
	char line[64];
	size_t heap;
	pid_t pid;
	FILE *from;

	if (tb_check_device(uuid) != 0 || tb_nvsp_init() != 0 ||
	    tb_open_subchannels(nsub) != 0 || tb_exchange_all() != 0)
		return -1;
	live = tb_count_rings(&stale);
	TB_CHECK(live == (int)nsub && stale == 0,
		 "%d ring mappings, %d stale, for %u subchannels", live, stale,
		 nsub);

	pid = tb_start_follower(uuid, nsub, &to_fd, &from_fd);
	TB_CHECK(pid > 0, "cannot start the secondary");
	from = fdopen(from_fd, "r");
	TB_CHECK(from != NULL && fgets(line, sizeof(line), from) != NULL &&
		 strcmp(line, "ready\n") == 0, "secondary did not attach");
	fclose(from);
	/* Measured once the secondary, which allocates too, is attached. */
	maps = tb_count_maps();
	heap = tb_heap_used();

	for (round = 0; round < rounds; round++) {
		if (tb_renew_once(nsub) != 0 || tb_exchange_all() != 0) {
			printf("FAIL: renewal %u of %u\n", round + 1, rounds);
			return -1;
		}
		live = tb_count_rings(&stale);
		TB_CHECK(live == (int)nsub && stale == 0,
			 "renewal %u: %d ring mappings, %d stale", round + 1,
			 live, stale);
	}
	TB_CHECK(rounds * nsub + nsub > 128,
		 "%u opens do not exceed the bus's 128 ring slots",
		 rounds * nsub + nsub);
	TB_CHECK(tb_count_maps() == maps && tb_heap_used() == heap,
		 "renewals leaked: maps %d -> %d, heap %zu -> %zu", maps,
		 tb_count_maps(), heap, tb_heap_used());
	printf("ok: %u renewals, %u subchannel opens: %u rings mapped, no mapping or heap leak\n",
	       rounds, rounds * nsub + nsub, nsub);

	chan = tb_chan[tb_nchan - 1];
	snprintf(line, sizeof(line), "%" PRIxPTR " %u\n", (uintptr_t)chan,
		 rte_vmbus_sub_channel_index(chan));
	ret = write(to_fd, line, strlen(line)) == (ssize_t)strlen(line);
	close(to_fd);
	TB_CHECK(ret, "cannot tell the secondary");
	return tb_secondary_done(pid, chan);
}

static int
tb_replug(const char *uuid)
{
	int ret;

	ret = rte_dev_remove(&tb_dev->device);
	TB_CHECK(ret == 0 && tb_removes == 1 && tb_dev == NULL,
		 "unplug: %d", ret);
	ret = rte_dev_probe(uuid);
	TB_CHECK(ret == 0 && tb_probes == 2 && tb_dev != NULL,
		 "re-plug: %d", ret);
	printf("ok: unplugged and plugged back\n");
	return 0;
}

static int
tb_name_cmp(const struct rte_device *dev, const void *name)
{
	return strcmp(dev->name, name);
}

/*
 * Run with -b UUID, or with -a naming another device: the bus must
 * list the device but not hand it to any driver.
 */
static int
tb_expect_unprobed(const char *uuid)
{
	struct rte_bus *bus = rte_bus_find_by_name("vmbus");

	TB_CHECK(bus != NULL, "no vmbus bus");
	TB_CHECK(bus->find_device(NULL, tb_name_cmp, uuid) != NULL,
		 "%s not scanned", uuid);
	TB_CHECK(tb_probes == 0 && tb_dev == NULL, "probed despite devargs");
	printf("ok: %s scanned but not probed\n", uuid);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int nsub, cycles, cycle;
	int fds, maps, ret;
	size_t heap;
	char uuid[64];

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("FAIL: EAL init\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		if (argc >= 2 && strcmp(argv[1], "follower") == 0)
			ret = tb_follower_main(argc, argv);
		else
			ret = tb_secondary_main(argc, argv);
		fflush(stdout);
		rte_eal_cleanup();
		return ret == 0 ? 0 : 1;
	}
	if (argc == 3 && strcmp(argv[1], "unprobed") == 0) {
		ret = tb_expect_unprobed(argv[2]);
		rte_eal_cleanup();
		return ret == 0 ? 0 : 1;
	}
	if (argc == 4 && strcmp(argv[1], "renew") == 0) {
		if (tb_dev == NULL) {
			printf("FAIL: the bus did not probe a NIC\n");
			return 1;
		}
		nsub = (unsigned int)atoi(argv[2]);
		cycles = (unsigned int)atoi(argv[3]);
		if (nsub == 0 || nsub >= TB_MAX_CHAN)
			return 2;
		snprintf(uuid, sizeof(uuid), "%s", tb_dev->device.name);
		if (tb_renew(uuid, nsub, cycles) != 0)
			return 1;
		rte_dev_remove(&tb_dev->device);
		rte_eal_cleanup();
		printf("PASS\n");
		return 0;
	}
	nsub = argc >= 2 ? (unsigned int)atoi(argv[1]) : 8;
	cycles = argc >= 3 ? (unsigned int)atoi(argv[2]) : 1;
	if (nsub == 0 || nsub >= TB_MAX_CHAN)
		return 2;
	if (tb_dev == NULL) {
		printf("FAIL: the bus did not probe a NIC\n");
		return 1;
	}
	snprintf(uuid, sizeof(uuid), "%s", tb_dev->device.name);

	if (tb_check_device(uuid) != 0 || tb_nvsp_init() != 0 ||
	    tb_check_irq() != 0 || tb_open_subchannels(nsub) != 0 ||
	    tb_exchange_all() != 0 || tb_batched() != 0 ||
	    tb_check_secondary(uuid) != 0 || tb_replug(uuid) != 0 ||
	    tb_check_device(uuid) != 0 || tb_nvsp_init() != 0)
		return 1;

	/*
	 * Second cycle, with subchannels again: everything it takes must
	 * come back.
	 */
	fds = tb_count_fds();
	maps = tb_count_maps();
	heap = tb_heap_used();
	for (cycle = 0; cycle < cycles; cycle++) {
		if (tb_open_subchannels(nsub) != 0 || tb_exchange_all() != 0)
			return 1;
		if (rte_dev_remove(&tb_dev->device) != 0 ||
		    rte_dev_probe(uuid) != 0 ||
		    tb_dev == NULL || tb_check_device(uuid) != 0 ||
		    tb_nvsp_init() != 0) {
			printf("FAIL: plug cycle %u\n", cycle + 1);
			return 1;
		}
	}
	if (tb_count_fds() != fds || tb_count_maps() != maps ||
	    tb_heap_used() != heap) {
		printf("FAIL: plug cycles leaked: fds %d -> %d, maps %d -> %d, heap %zu -> %zu\n",
		       fds, tb_count_fds(), maps, tb_count_maps(), heap,
		       tb_heap_used());
		return 1;
	}
	printf("ok: %u plug cycles leak no fd, mapping or heap memory\n",
	       cycles);

	rte_dev_remove(&tb_dev->device);
	rte_eal_cleanup();
	printf("PASS\n");
	return 0;
}
