/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The poll loop of the synthetic NIC: one pass over the uio sockets (a
 * guest opening or closing /dev/uioN, masking its interrupt), the
 * doorbells, every channel and the backend; the file descriptors a program
 * sleeps on between passes; and the device reset when the guest is gone.
 */

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

static void
hvh_guest_gone(struct hvh_nic *nic)
{
	unsigned int k;

	HVH_LOG(NOTICE, "guest pid %d gone: resetting the device",
		(int)nic->guest_pid);
	/* Its thread writes the primary ring: ended before the reset. */
	hvh_flood_end(nic);
	while (nic->nchan > 1)
		hvh_chan_free(nic, nic->chan[--nic->nchan]);
	nic->next_relid = nic->conf.surface.primary_relid + 1;
	hvh_chan_stats_add(&nic->hist[0], &nic->chan[0]->st);
	memset(&nic->chan[0]->st, 0, sizeof(nic->chan[0]->st));
	if (nic->hist_n < 1)
		nic->hist_n = 1;
	for (k = 0; k < HVH_UIO_NMAPS; k++)
		hvh_surface_zero_map(&nic->sf.maps[k]);
	hvh_ring_reset(&nic->chan[0]->in, 0);
	hvh_ring_reset(&nic->chan[0]->out, 1);
	nic->chan[0]->broken = 0;
	nic->chan[0]->skip_frames = 0;
	hvh_nvsp_reset_state(nic);
	hvh_rndis_reset_state(nic);
	nic->ctrl_n = 0;
	nic->ctrl_head = 0;
	nic->slow_ctrl = 0;
	nic->link_storm = 0;
	nic->tx_stall = 0;
	nic->comp_all = 0;
	nic->ctrl_due_ns = 0;
	nic->guest_present = 0;
	nic->guest_pid = 0;
	/* Frames the old guest looped back must not reach the next one. */
	if (nic->be->caps & HVH_BACKEND_C_RX_AFTER_TX) {
		struct hvh_frame f;
		uint8_t *buf = nic->rxbuf;

		do {
			f.data = buf;
			f.len = HVH_FRAME_MAX;
		} while (hvh_backend_rx_burst(nic->be, &f, 1) == 1);
	}
}

/*
 * Messages and hang-ups of the connected clients; when the last one has
 * gone, the guest has: reset the device.
 */
static unsigned int
hvh_uio_drain(struct hvh_nic *nic)
{
	unsigned int i, work = 0;
	int32_t val;
	int ret;

	for (i = 0; i < nic->sf.nclients; ) {
		ret = hvh_surface_client_recv(&nic->sf, i, &val);
		if (ret == -EAGAIN) {
			i++;
			continue;
		}
		work++;
		if (ret == 0)
			continue;	/* client i removed, same i again */
		nic->st.uio_writes++;
		/* irqcontrol of uio_hv_generic: mask = !value, then the
		 * host is signalled, which for us means "look now".
		 */
		if (nic->chan[0])
			nic->chan[0]->out.hdr->imask = !val;
	}
	if (nic->guest_present && nic->sf.nclients == 0)
		hvh_guest_gone(nic);
	return work;
}

static unsigned int
hvh_uio_service(struct hvh_nic *nic)
{
	unsigned int work;
	pid_t pid;
	int fd, ret;

	nic->st.uio_checks++;
	if (!hvh_surface_pending(&nic->sf))
		return 0;
	work = hvh_uio_drain(nic);
	while ((fd = hvh_surface_accept(&nic->sf, &pid)) >= 0) {
		work++;
		/* A guest re-opening /dev/uioN closed it before connecting,
		 * so that close is visible now even if the drain above ran
		 * before it: finish the departure (the reset) before the
		 * ready message lets the opener touch the rings.
		 */
		work += hvh_uio_drain(nic);
		ret = hvh_surface_admit(&nic->sf, fd, pid);
		if (ret < 0)
			continue;
		if (!nic->guest_present) {
			nic->guest_present = 1;
			nic->guest_pid = pid;
			nic->st.guests++;
			HVH_LOG(NOTICE, "guest pid %d opened /dev/uio%u",
				(int)nic->guest_pid, nic->sf.conf.uio_index);
		}
	}
	return work;
}

unsigned int
hvh_nic_poll(struct hvh_nic *nic)
{
	unsigned int work = 0, q;
	uint64_t now = hvh_now_ns();

	if (now >= nic->uio_due_ns) {
		nic->uio_due_ns = now + HVH_UIO_PERIOD_NS;
		work = hvh_uio_service(nic);
	}
	if (!nic->guest_present)
		return work;
	work += hvh_doorbells(nic);
	for (q = 0; q < nic->nchan; q++) {
		struct hvh_chan *ch = nic->chan[q];

		if (!ch->broken && !nic->tx_stall)
			work += hvh_chan_tx(ch);
	}
	work += hvh_ctrl_flush(nic);
	work += hvh_fault_poll(nic);
	work += hvh_nic_rx(nic);
	hvh_nvsp_vf_tick(nic);
	return work;
}

unsigned int
hvh_nic_fds(struct hvh_nic *nic, int *fds, unsigned int max)
{
	unsigned int n = 0;

	/* One fd stands for the listener and every connection. */
	if (n < max)
		fds[n++] = nic->sf.ep_fd;
	if ((nic->be->caps & HVH_BACKEND_C_RX_FD) && nic->be->rx_fd >= 0 &&
	    n < max && hvh_rx_open(nic) && nic->rx_nfree > 0 &&
	    hvh_rx_rings_room(nic))
		fds[n++] = nic->be->rx_fd;
	return n;
}

void
hvh_nics_sleep(struct hvh_nic *const *nics, unsigned int nnics, int extra_fd,
	       uint64_t ns, const volatile sig_atomic_t *stop,
	       const sigset_t *stop_sigs)
{
	int fds[HVH_NICS_MAX * (HVH_UIO_CLIENTS_MAX + 2) + 1];
	struct pollfd pfd[sizeof(fds) / sizeof(fds[0])];
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};
	unsigned int n = 0, i;
	int bounded = 0;
	sigset_t old;

	for (i = 0; i < nnics && i < HVH_NICS_MAX; i++) {
		n += hvh_nic_fds(nics[i], fds + n, HVH_UIO_CLIENTS_MAX + 2);
		/* Doorbells are memory bits: with a guest, wake to look. */
		bounded |= nics[i]->guest_present;
	}
	if (extra_fd >= 0)
		fds[n++] = extra_fd;
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	/* A stop signal handled after the caller's last look at *stop and
	 * before an unbounded wait would be lost: the wait would last
	 * until the next guest comes.  Blocked here, it stays pending until
	 * ppoll() unblocks it and returns.
	 */
	if (sigprocmask(SIG_BLOCK, stop_sigs, &old) != 0)
		return;
	if (!*stop)
		ppoll(pfd, n, bounded ? &ts : NULL, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void
hvh_nic_sleep(struct hvh_nic *nic, int extra_fd, uint64_t ns,
	      const volatile sig_atomic_t *stop, const sigset_t *stop_sigs)
{
	hvh_nics_sleep(&nic, 1, extra_fd, ns, stop, stop_sigs);
}

void
hvh_nic_wake(struct hvh_nic *nic)
{
	nic->uio_due_ns = 0;
}

int
hvh_nic_rx_always(const struct hvh_nic *nic)
{
	return (nic->be->caps & HVH_BACKEND_C_RX_ALWAYS) && nic->rndis_up &&
		nic->filter && nic->link_up;
}
