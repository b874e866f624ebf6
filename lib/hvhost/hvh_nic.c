/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The synthetic NIC as a whole: creating and destroying it, the control
 * plane (link state), its counters and the protocol error count every
 * part reports to.  Channels are in hvh_chan.c, the data path in
 * hvh_datapath.c, the poll loop in hvh_loop.c, NVSP and RNDIS in
 * hvh_nvsp.c and hvh_rndis.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

uint64_t
hvh_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void
hvh_proto_error(struct hvh_nic *nic, const struct hvh_chan *ch,
		const char *what)
{
	nic->st.proto_errors++;
	if (hvh_log_ratelimit(nic->st.proto_errors))
		HVH_LOG(WARNING, "protocol error #%" PRIu64 " on channel %u: %s",
			nic->st.proto_errors, ch ? ch->index : 0, what);
}

int
hvh_nic_create(struct hvh_nic **out, const struct hvh_nic_conf *conf)
{
	struct hvh_backend_conf bc;
	struct hvh_nic *nic;
	char err[256] = "";
	int ret;

	nic = calloc(1, sizeof(*nic));
	if (!nic)
		return -ENOMEM;
	nic->conf = *conf;
	memset(nic->mon_to_chan, -1, sizeof(nic->mon_to_chan));
	memcpy(bc.guest_mac, conf->mac, 6);
	bc.mtu = conf->mtu;
	ret = hvh_backend_open(conf->backend, &bc, &nic->be, err, sizeof(err));
	if (ret) {
		HVH_LOG(ERR, "backend %s: %s", conf->backend, err);
		free(nic);
		return ret;
	}
	ret = hvh_surface_create(&nic->sf, &conf->surface);
	if (ret) {
		hvh_surface_destroy(&nic->sf);
		hvh_backend_close(nic->be);
		free(nic);
		return ret;
	}
	nic->rxbuf = nic->sf.maps[HVH_MAP_RXBUF].addr;
	nic->txbuf = nic->sf.maps[HVH_MAP_TXBUF].addr;
	nic->monitor = nic->sf.maps[HVH_MAP_MON].addr;
	nic->intpage = nic->sf.maps[HVH_MAP_INT].addr;
	nic->next_relid = conf->surface.primary_relid + 1;
	nic->chan[0] = hvh_chan_create(nic, 0);
	if (!nic->chan[0]) {
		hvh_nic_destroy(nic);
		return -ENOMEM;
	}
	nic->nchan = 1;
	nic->link_up = 1;
	hvh_nic_vf(nic, conf->vf_offer);
	hvh_nic_hostile(nic, conf->hostile_seed, conf->hostile_permille);
	hvh_nvsp_reset_state(nic);
	hvh_rndis_reset_state(nic);
	*out = nic;
	return 0;
}

void
hvh_nic_destroy(struct hvh_nic *nic)
{
	hvh_flood_end(nic);
	while (nic->nchan > 0)
		hvh_chan_free(nic, nic->chan[--nic->nchan]);
	hvh_surface_destroy(&nic->sf);
	hvh_backend_close(nic->be);
	free(nic->rx_free);
	free(nic->rx_next);
	free(nic->rx_head);
	free(nic->toeplitz);
	free(nic);
}

void
hvh_nic_set_link(struct hvh_nic *nic, int up)
{
	up = !!up;
	if (nic->link_up == up)
		return;
	nic->link_up = up;
	hvh_backend_set_link(nic->be, up);
	HVH_LOG(NOTICE, "link %s", up ? "up" : "down");
	if (nic->rndis_up)
		hvh_rndis_indicate(nic, up ? HVH_RNDIS_ST_MEDIA_CONNECT :
				   HVH_RNDIS_ST_MEDIA_DISCONNECT);
}

void
hvh_nic_hostile(struct hvh_nic *nic, uint64_t seed, uint32_t permille)
{
	/* NIC I of a host draws its own sequence from the same seed. */
	hvh_hostile_seed(&nic->hostile, seed + nic->conf.surface.uio_index,
			 permille);
	if (permille)
		HVH_LOG(NOTICE, "hostile: %u per mille of the packets to the "
			"guest mutated, seed %llu", permille,
			(unsigned long long)seed);
}

void
hvh_nic_chan_stats(const struct hvh_nic *nic, unsigned int q,
		   struct hvh_chan_stats *out)
{
	*out = nic->hist[q];
	if (q < nic->nchan)
		hvh_chan_stats_add(out, &nic->chan[q]->st);
}

void
hvh_nic_print_stats(struct hvh_nic *nic, FILE *f)
{
	struct hvh_chan_stats tot, s;
	struct hvh_backend_stats bs;
	unsigned int q, n;

	memset(&tot, 0, sizeof(tot));
	n = nic->nchan > nic->hist_n ? nic->nchan : nic->hist_n;
	for (q = 0; q < n; q++) {
		hvh_nic_chan_stats(nic, q, &s);
		hvh_chan_stats_add(&tot, &s);
		fprintf(f, "chan %u tx_frames %" PRIu64
			" tx_bytes %" PRIu64 " rx_frames %" PRIu64
			" rx_bytes %" PRIu64 " tx_packets %" PRIu64
			" rx_messages %" PRIu64 " rx_dropped %" PRIu64
			" doorbells %" PRIu64 "%s%s\n", q,
			s.tx_frames, s.tx_bytes, s.rx_frames, s.rx_bytes,
			s.tx_packets, s.rx_messages, s.rx_dropped,
			s.doorbells, q < nic->nchan ? " open" : " closed",
			q < nic->nchan && nic->chan[q]->broken ? " broken" : "");
	}
	fprintf(f, "total tx_frames %" PRIu64 " tx_bytes %" PRIu64
		" rx_frames %" PRIu64 " rx_bytes %" PRIu64 " rx_dropped %"
		PRIu64 "\n", tot.tx_frames, tot.tx_bytes, tot.rx_frames,
		tot.rx_bytes, tot.rx_dropped);
	fprintf(f, "completions_outstanding %u\n", nic->rx_outstanding);
	fprintf(f, "protocol_errors %" PRIu64 "\n", nic->st.proto_errors);
	fprintf(f, "guest %s pid %d guests %" PRIu64 "\n",
		nic->guest_present ? "present" : "absent", (int)nic->guest_pid,
		nic->st.guests);
	fprintf(f, "nvs_version 0x%x ndis %u.%u channels %u rndis %s "
		"filter 0x%x link %s rss %s datapath %s vf %s\n",
		nic->nvs_version, nic->ndis_major, nic->ndis_minor, nic->nchan,
		nic->rndis_up ? "up" : "down", nic->filter,
		nic->link_up ? "up" : "down", nic->rss_on ? "on" : "off",
		nic->datapath ? "vf" : "synthetic",
		nic->vf_sent ? "associated" : "none");
	fprintf(f, "guest_config mtu %u ndis_config_mtu %u caps 0x%llx "
		"offload_params_sets %u multicast_addresses %u rss_hash 0x%x "
		"rss_entries %u\n", nic->mtu, nic->guest_mtu,
		(unsigned long long)nic->guest_caps, nic->offload_params_seen,
		nic->mcast_count, nic->rss_hash, nic->rss_table_len);
	fprintf(f, "misc gpa_read_errors %" PRIu64 " rx_no_section %" PRIu64
		" rx_ring_full %" PRIu64 " rx_filtered %" PRIu64
		" tx_link_down %" PRIu64 " ctrl_dropped %" PRIu64
		" irq_raised %" PRIu64 " uio_writes %" PRIu64 " uio_checks %"
		PRIu64 " rx_to_vf %" PRIu64 " vf_messages %" PRIu64 " faults %"
		PRIu64 " tx_comps_only %" PRIu64 "\n",
		nic->st.gpa_read_errors, nic->st.rx_no_section,
		nic->st.rx_ring_full, nic->st.rx_filtered, nic->st.tx_link_down,
		nic->st.ctrl_dropped, nic->st.irq_raised, nic->st.uio_writes,
		nic->st.uio_checks, nic->st.rx_to_vf, nic->st.vf_assoc_sent,
		nic->st.faults, nic->st.tx_comps_only);
	if (nic->hostile.used)
		hvh_hostile_print(&nic->hostile, f);
	hvh_backend_stats(nic->be, &bs);
	fprintf(f, "backend %s tx_frames %" PRIu64 " tx_full %" PRIu64
		" tx_errors %" PRIu64 " rx_frames %" PRIu64 " rx_dropped %"
		PRIu64 "\n", nic->be->name, bs.tx_frames, bs.tx_full,
		bs.tx_errors, bs.rx_frames, bs.rx_dropped);
}

void
hvh_nic_stats(const struct hvh_nic *nic, struct hvh_nic_stats *out)
{
	*out = nic->st;
}

const char *
hvh_nic_backend_name(const struct hvh_nic *nic)
{
	return nic->be->name;
}

const struct hvh_surface *
hvh_nic_surface(const struct hvh_nic *nic)
{
	return &nic->sf;
}

int
hvh_nic_guest_present(const struct hvh_nic *nic)
{
	return nic->guest_present;
}
