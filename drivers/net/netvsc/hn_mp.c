/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Secondary processes (DPDK's multi-process model: symmetric_mp,
 * dpdk-proc-info, dpdk-dumpcap).  A secondary shares the port's data
 * (queues, channels, counters) with the primary, but a ring is memory
 * each process maps for itself, at the address the primary chose
 * (drivers/bus/vmbus).  When the primary replaces the subchannels (a new
 * host session: MTU change, more queues, dev_reset) the queues point at
 * rings the secondaries have never mapped, so the primary asks every
 * secondary, through EAL's multi-process channel, to catch up before it
 * returns to the application; the application restarts the port after
 * that, and only then may a secondary poll the queues again.
 *
 * The VF (hn_vf.c) is a port of its own in every process; EAL attaches
 * the device in the secondaries. Once the primary has put a VF in the
 * data path it tells the secondaries, which start using their port of it
 * when the data path is on it. Before the primary lets a VF go (stops and
 * closes it, detaches its device) it has taken the VF out of every burst,
 * those of the secondaries included (the guards are shared), and it asks
 * every secondary to release its own port of the VF, so that no secondary
 * keeps a port whose queues and data the primary is about to free.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_string_fns.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <rte_bus_vmbus.h>
#include <bus_vmbus_driver.h>

#include "hn_var.h"
#include "hn_vf.h"

#define HN_MP_NAME	"net_netvsc_mp"
/* A secondary only maps ring files; a loaded machine may be slow. */
#define HN_MP_TIMEOUT_S	5

enum hn_mp_type {
	HN_MP_REMAP = 1,	/* map the subchannel rings the primary opened */
	HN_MP_VF_ADD,		/* the primary took a VF into the data path */
	HN_MP_VF_REMOVE,	/* the primary lets the VF port vf_port go */
};

struct hn_mp_param {
	uint32_t type;
	uint16_t port_id;
	uint16_t vf_port;
	int32_t result;
};

static const char *const hn_mp_what[] = {
	[HN_MP_REMAP] = "map the new channels",
	[HN_MP_VF_ADD] = "take the VF",
	[HN_MP_VF_REMOVE] = "release the VF",
};

/* Ports of this driver in this process: the action lives while any does. */
static unsigned int hn_mp_users;

/* In a secondary: the primary's request, checked before use. */
static int
hn_mp_secondary_action(const struct rte_mp_msg *msg, const void *peer)
{
	const struct hn_mp_param *p = (const struct hn_mp_param *)msg->param;
	struct rte_mp_msg reply;
	struct hn_mp_param *r = (struct hn_mp_param *)reply.param;
	struct rte_eth_dev *dev;
	int ret;

	if (msg->len_param != sizeof(*p)) {
		HN_LOG(ERR, "multi-process message of %d bytes, want %zu",
		       msg->len_param, sizeof(*p));
		return -EINVAL;
	}
	if (p->port_id >= RTE_MAX_ETHPORTS || !hn_is_netvsc_port(p->port_id)) {
		HN_LOG(ERR, "multi-process message for port %u, not a netvsc port here",
		       p->port_id);
		ret = -ENODEV;
	} else if (p->type == HN_MP_REMAP) {
		dev = &rte_eth_devices[p->port_id];
		ret = rte_vmbus_map_device(container_of(dev->device,
				struct rte_vmbus_device, device));
		if (ret != 0)
			HN_LOG(ERR, "port %u: cannot map the new channels: %d",
			       p->port_id, ret);
	} else if (p->type == HN_MP_VF_ADD) {
		ret = hn_vf_secondary_add(
			rte_eth_devices[p->port_id].data->dev_private);
	} else if (p->type == HN_MP_VF_REMOVE && p->vf_port < RTE_MAX_ETHPORTS) {
		ret = hn_vf_secondary_remove(
			rte_eth_devices[p->port_id].data->dev_private,
			p->vf_port);
	} else {
		HN_LOG(ERR, "multi-process message type %u (VF port %u) refused",
		       p->type, p->vf_port);
		ret = -EINVAL;
	}

	memset(&reply, 0, sizeof(reply));
	strlcpy(reply.name, msg->name, sizeof(reply.name));
	reply.len_param = sizeof(*r);
	r->type = p->type;
	r->port_id = p->port_id;
	r->vf_port = p->vf_port;
	r->result = ret;
	return rte_mp_reply(&reply, peer);
}

/*
 * In the primary: ask every secondary to do what type says and wait for
 * their answers. Without secondaries (or without multi-process support,
 * --in-memory) there is nobody to tell.
 */
static int
hn_mp_request(struct hn_data *hv, enum hn_mp_type type, uint16_t vf_port)
{
	struct rte_mp_msg msg;
	struct rte_mp_reply replies;
	struct hn_mp_param *p = (struct hn_mp_param *)msg.param;
	const struct hn_mp_param *r;
	struct timespec ts = { .tv_sec = HN_MP_TIMEOUT_S, .tv_nsec = 0 };
	int i, ret = 0;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	memset(&msg, 0, sizeof(msg));
	strlcpy(msg.name, HN_MP_NAME, sizeof(msg.name));
	msg.len_param = sizeof(*p);
	p->type = type;
	p->port_id = hv->port_id;
	p->vf_port = vf_port;
	if (rte_mp_request_sync(&msg, &replies, &ts) != 0) {
		if (rte_errno == ENOTSUP)
			return 0;
		HN_LOG(ERR, "port %u: cannot reach the secondary processes: %s",
		       hv->port_id, rte_strerror(rte_errno));
		return -rte_errno;
	}
	if (replies.nb_received != replies.nb_sent) {
		HN_LOG(ERR, "port %u: %d of %d secondary processes answered",
		       hv->port_id, replies.nb_received, replies.nb_sent);
		ret = -ETIMEDOUT;
	}
	for (i = 0; i < replies.nb_received; i++) {
		r = (const struct hn_mp_param *)replies.msgs[i].param;
		if (replies.msgs[i].len_param != sizeof(*r) ||
		    r->result != 0) {
			HN_LOG(ERR, "port %u: a secondary process could not %s",
			       hv->port_id, hn_mp_what[type]);
			ret = -EIO;
		}
	}
	free(replies.msgs);
	if (replies.nb_sent > 0 && ret == 0)
		HN_LOG(DEBUG, "port %u: %d secondary processes did %s",
		       hv->port_id, replies.nb_sent, hn_mp_what[type]);
	return ret;
}

int
hn_mp_remap_secondaries(struct hn_data *hv)
{
	return hn_mp_request(hv, HN_MP_REMAP, 0);
}

int
hn_mp_vf_add(struct hn_data *hv)
{
	return hn_mp_request(hv, HN_MP_VF_ADD, 0);
}

int
hn_mp_vf_remove(struct hn_data *hv, uint16_t vf_port)
{
	return hn_mp_request(hv, HN_MP_VF_REMOVE, vf_port);
}

/* At each probe: the secondary's action, registered once per process. */
int
hn_mp_init(void)
{
	int ret;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY || hn_mp_users++ > 0)
		return 0;
	ret = rte_mp_action_register(HN_MP_NAME, hn_mp_secondary_action);
	if (ret != 0 && rte_errno != EEXIST && rte_errno != ENOTSUP) {
		HN_LOG(ERR, "cannot register %s: %s", HN_MP_NAME,
		       rte_strerror(rte_errno));
		hn_mp_users--;
		return -rte_errno;
	}
	return 0;
}

void
hn_mp_uninit(void)
{
	if (rte_eal_process_type() == RTE_PROC_PRIMARY || hn_mp_users == 0)
		return;
	if (--hn_mp_users == 0)
		rte_mp_action_unregister(HN_MP_NAME);
}
