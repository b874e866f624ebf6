/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Channels of the synthetic NIC: presenting a channel's rings on the
 * surface and taking them away, writing a packet to the guest and raising
 * its interrupt, and the doorbells (monitor and interrupt page bits) a
 * guest rings to say it wrote.  Which channels exist is NVSP's business
 * (hvh_nvsp.c); what goes through them is the data path's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

#define HVH_BOUNCE_SLOT (HVH_FRAME_MAX + 4096u)

void
hvh_signal_guest(struct hvh_chan *ch)
{
	struct hvh_nic *nic = ch->nic;

	ch->st.signals++;
	/* Only the primary channel has a uio interrupt; the kernel's ISR
	 * masks the ring again before counting the event.
	 */
	if (ch->index != 0)
		return;
	ch->out.hdr->imask = 1;
	nic->st.irq_raised++;
	hvh_surface_raise_irq(&nic->sf);
}

int
hvh_send_inband(struct hvh_chan *ch, uint16_t type, uint64_t tid,
		uint16_t flags, const void *msg, uint32_t len)
{
	struct hvh_pkt_desc d = {
		.type = type, .offset8 = 2, .flags = flags, .trans_id = tid,
	};
	struct iovec iov[2] = {
		{ &d, sizeof(d) }, { (void *)(uintptr_t)msg, len },
	};
	int sig, ret, orphan;

	ret = ch->nic->hostile.permille ?
		hvh_hostile_write(ch, iov, 2, &sig, &orphan) :
		hvh_ring_write(&ch->out, iov, 2, &sig);
	if (ret == -EPROTO) {
		hvh_proto_error(ch->nic, ch, "guest RX ring read index corrupt");
		ch->broken = 1;
	}
	if (ret == 0 && sig)
		hvh_signal_guest(ch);
	return ret;
}

struct hvh_chan *
hvh_chan_create(struct hvh_nic *nic, uint16_t index)
{
	struct hvh_surface_conf *sc = &nic->conf.surface;
	struct hvh_chan *ch;
	uint8_t *base;
	size_t size;
	int ret;

	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	ch->nic = nic;
	ch->index = index;
	/* Every offer gets a new relid, as a re-offered subchannel does. */
	ch->relid = index ? nic->next_relid++ : sc->primary_relid;
	ch->monitor_id = sc->primary_monitor_id + index;
	ch->map.fd = -1;
	ch->bounce = mmap(NULL, (size_t)HVH_TX_BURST * HVH_BOUNCE_SLOT,
			  PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ch->bounce == MAP_FAILED) {
		free(ch);
		return NULL;
	}
	ret = hvh_surface_add_channel(&nic->sf, ch->relid, index,
				      ch->monitor_id, HVH_SUBCH_RING_SIZE,
				      &ch->map);
	if (ret) {
		HVH_LOG(ERR, "cannot present channel %u: %s", index,
			strerror(-ret));
		munmap(ch->bounce, (size_t)HVH_TX_BURST * HVH_BOUNCE_SLOT);
		free(ch);
		return NULL;
	}
	if (index == 0) {
		base = nic->sf.maps[HVH_MAP_RINGS].addr;
		size = nic->sf.maps[HVH_MAP_RINGS].size;
	} else {
		base = ch->map.addr;
		size = ch->map.size;
	}
	/* TX (guest -> host) half first, RX half second. */
	hvh_ring_attach(&ch->in, base, size / 2);
	hvh_ring_attach(&ch->out, base + size / 2, size / 2);
	/* The kernel opens with the inbound ring masked (uio_hv_generic);
	 * we keep our own inbound ring unmasked to get kicks.
	 */
	hvh_ring_reset(&ch->in, 0);
	hvh_ring_reset(&ch->out, 1);
	ch->open = 1;
	nic->mon_to_chan[ch->monitor_id] = index;
	return ch;
}

void
hvh_chan_stats_add(struct hvh_chan_stats *to, const struct hvh_chan_stats *from)
{
	const uint64_t *f = (const uint64_t *)from;
	uint64_t *t = (uint64_t *)to;
	size_t i;

	for (i = 0; i < sizeof(*to) / sizeof(uint64_t); i++)
		t[i] += f[i];
}

void
hvh_chan_free(struct hvh_nic *nic, struct hvh_chan *ch)
{
	nic->mon_to_chan[ch->monitor_id] = -1;
	hvh_chan_stats_add(&nic->hist[ch->index], &ch->st);
	if (nic->hist_n < ch->index + 1u)
		nic->hist_n = ch->index + 1u;
	if (ch->index != 0)
		hvh_surface_remove_channel(&nic->sf, ch->relid, &ch->map);
	munmap(ch->bounce, (size_t)HVH_TX_BURST * HVH_BOUNCE_SLOT);
	free(ch);
}

unsigned int
hvh_doorbells(struct hvh_nic *nic)
{
	unsigned int g, seen = 0;

	for (g = 0; g < 4; g++) {
		uint32_t *w = (uint32_t *)(nic->monitor +
					   HVH_MON_PENDING_OFF(g * 32));
		uint32_t bits;

		if (*(volatile uint32_t *)w == 0)
			continue;
		bits = __atomic_exchange_n(w, 0, __ATOMIC_ACQ_REL);
		while (bits) {
			unsigned int id = g * 32 + __builtin_ctz(bits);
			int c = nic->mon_to_chan[id];

			bits &= bits - 1;
			if (c >= 0 && (unsigned int)c < nic->nchan)
				nic->chan[c]->st.doorbells++;
			seen++;
		}
	}
	/* Guest -> host half of the interrupt page, bit = relid. */
	for (g = 0; g < 4; g++) {
		uint32_t *w = (uint32_t *)(nic->intpage +
					   HVH_INT_PAGE_SEND_OFF + g * 4);

		if (*(volatile uint32_t *)w == 0)
			continue;
		seen += __builtin_popcount(__atomic_exchange_n(w, 0,
							  __ATOMIC_ACQ_REL));
	}
	return seen;
}
