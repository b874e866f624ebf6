/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * ABI drop-in check at run time: this program links Debian's shared
 * DPDK 22.11 (EAL, ethdev, mbuf), whose EAL loads Debian's netvsc PMD
 * from the plugin directory, with our librte_bus_vmbus.so.23 bound over
 * Debian's (tests/bus/debian-netvsc.sh).  On hv-host's loopback
 * the port must come up and get back the frames it sends.
 */

#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define TD_FRAMES 32
#define TD_WAIT_MS 5000

static int
td_fail(const char *what, int ret)
{
	printf("FAIL: %s (%d)\n", what, ret);
	return 1;
}

static int
td_port_up(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	struct rte_eth_link link;
	int ret, ms;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 256, rte_socket_id(),
					     NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 256, rte_socket_id(),
					     NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		return ret;
	for (ms = 0; ms < TD_WAIT_MS; ms += 10) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(10);
	}
	return -ETIMEDOUT;
}

/* Frames to our own MAC: the loopback backend hands them back. */
static int
td_loop(uint16_t port, struct rte_mempool *mp,
	const struct rte_ether_addr *mac)
{
	struct rte_mbuf *pkts[TD_FRAMES];
	struct rte_ether_hdr *eh;
	unsigned int i, got = 0;
	uint16_t sent;
	int ms;

	if (rte_pktmbuf_alloc_bulk(mp, pkts, TD_FRAMES) != 0)
		return -ENOMEM;
	for (i = 0; i < TD_FRAMES; i++) {
		eh = (struct rte_ether_hdr *)rte_pktmbuf_append(pkts[i], 64);
		memset(eh, 0, 64);
		rte_ether_addr_copy(mac, &eh->dst_addr);
		rte_ether_addr_copy(mac, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(0x88b5);	/* local exp. */
	}
	sent = rte_eth_tx_burst(port, 0, pkts, TD_FRAMES);
	for (i = sent; i < TD_FRAMES; i++)
		rte_pktmbuf_free(pkts[i]);
	for (ms = 0; ms < TD_WAIT_MS && got < sent; ms++) {
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, TD_FRAMES);

		for (i = 0; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
		got += n;
		if (n == 0)
			rte_delay_ms(1);
	}
	printf("sent %u frames, received %u\n", sent, got);
	return sent == TD_FRAMES && got >= sent ? 0 : -EIO;
}

int
main(int argc, char **argv)
{
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	struct rte_mempool *mp;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return td_fail("EAL init", ret);
	if (rte_eth_dev_count_avail() != 1)
		return td_fail("ports", rte_eth_dev_count_avail());
	ret = rte_eth_dev_info_get(0, &info);
	if (ret != 0 || strcmp(info.driver_name, "net_netvsc") != 0)
		return td_fail("not Debian's netvsc port", ret);
	rte_eth_macaddr_get(0, &mac);
	printf("port 0: %s, MAC " RTE_ETHER_ADDR_PRT_FMT "\n",
	       info.driver_name, RTE_ETHER_ADDR_BYTES(&mac));

	mp = rte_pktmbuf_pool_create("td_pool", 2047, 64, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL)
		return td_fail("mbuf pool", -ENOMEM);
	ret = td_port_up(0, mp);
	if (ret != 0)
		return td_fail("port start / link up", ret);
	printf("link up\n");
	ret = td_loop(0, mp, &mac);
	if (ret != 0)
		return td_fail("loopback", ret);
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	printf("PASS\n");
	return 0;
}
