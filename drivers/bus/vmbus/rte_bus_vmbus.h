/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef RTE_BUS_VMBUS_H
#define RTE_BUS_VMBUS_H

/**
 * @file
 *
 * VMBus bus: devices offered by Hyper-V (or an emulation of it) through
 * Linux uio_hv_generic, and their channels.
 *
 * A channel is a pair of shared-memory rings (guest to host, host to
 * guest).  Sends copy a packet into the outbound ring and tell the caller
 * whether the host must be signalled; several threads may send on one
 * channel.  Receives copy one packet out of the inbound ring after
 * validating its framing; one thread at a time receives on a channel.
 * Every index and length read from host-writable memory is checked
 * before use.
 */

#ifdef __cplusplus
extern "C" {
#endif

#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <stdbool.h>
#include <errno.h>
#include <stdint.h>
#include <inttypes.h>

#include <rte_uuid.h>
#include <rte_debug.h>
#include <rte_interrupts.h>
#include <rte_vmbus_reg.h>

struct rte_vmbus_device;
struct rte_vmbus_driver;
struct vmbus_channel;

/* Bus */

/**
 * Scan /sys/bus/vmbus/devices and add the network devices found there
 * to the bus device list.  Devices already listed are kept.
 *
 * @return
 *   0 on success, negative errno value on error.
 */
int rte_vmbus_scan(void);

/**
 * Probe every listed device with the registered drivers, honouring the
 * allow and block lists.
 *
 * @return
 *   0 on success, non-zero if probing a device failed.
 */
int rte_vmbus_probe(void);

/* Device regions and interrupts */

/**
 * Map the uio regions of a device (rings, interrupt page, monitor page,
 * receive and send buffers) into this process.  A secondary process maps
 * them at the primary's addresses.
 *
 * @param dev
 *   The device.
 * @return
 *   0 on success, negative errno value on error, positive if the device
 *   is not managed by uio_hv_generic.
 */
int rte_vmbus_map_device(struct rte_vmbus_device *dev);

/**
 * Undo rte_vmbus_map_device().
 *
 * @param dev
 *   The device.
 */
void rte_vmbus_unmap_device(struct rte_vmbus_device *dev);

/**
 * Ask for host interrupts to be masked (write 0 to the uio fd).
 *
 * @param device
 *   The device.
 */
void rte_vmbus_irq_mask(struct rte_vmbus_device *device);

/**
 * Ask for host interrupts to be delivered (write 1 to the uio fd).
 *
 * @param device
 *   The device.
 */
void rte_vmbus_irq_unmask(struct rte_vmbus_device *device);

/**
 * Wait for an interrupt on the uio fd.
 *
 * @param device
 *   The device.
 * @return
 *   The interrupt count on success, negative errno value on error.
 */
int rte_vmbus_irq_read(struct rte_vmbus_device *device);

/* Channels */

/**
 * Attach to the primary channel of a mapped device.
 *
 * @param device
 *   The device.
 * @param chan
 *   Filled with the new channel.
 * @return
 *   0 on success, -ENOMEM when out of memory, -EINVAL when the ring
 *   region is missing or malformed.
 */
int rte_vmbus_chan_open(struct rte_vmbus_device *device,
			struct vmbus_channel **chan);

/**
 * Number of channels the device can use: more than one only if the
 * kernel surface exposes per-channel ring files.
 *
 * @param device
 *   The device.
 * @return
 *   Number of channels available.
 */
int rte_vmbus_max_channels(const struct rte_vmbus_device *device);

/**
 * Attach to the next subchannel the host has offered and the kernel has
 * opened (its channels/<relid>/ring file exists).
 *
 * @param primary
 *   The primary channel.
 * @param new_chan
 *   Filled with the new channel.
 * @return
 *   0 on success, -ENOENT if no new subchannel is ready yet (try again
 *   later), -ENOMEM when out of memory, other negative errno on error.
 */
int rte_vmbus_subchan_open(struct vmbus_channel *primary,
			   struct vmbus_channel **new_chan);

/**
 * Subchannel index of a channel.
 *
 * @param chan
 *   The channel.
 * @return
 *   0 for the primary channel, 1..N for subchannels.
 */
uint16_t rte_vmbus_sub_channel_index(const struct vmbus_channel *chan);

/**
 * Set how often the host checks the monitor page for this channel.
 *
 * @param dev
 *   The device.
 * @param chan
 *   The channel.
 * @param latency
 *   Interval in nanoseconds (stored in 100 ns units).
 */
void rte_vmbus_set_latency(const struct rte_vmbus_device *dev,
			   const struct vmbus_channel *chan,
			   uint32_t latency);

/**
 * Release a channel.  Subchannels are freed; the primary channel stays
 * valid because secondary processes may still use it.
 *
 * @param chan
 *   The channel.
 */
void rte_vmbus_chan_close(struct vmbus_channel *chan);

/**
 * Print the state of both rings of a channel and its error counters.
 *
 * @param f
 *   Output stream.
 * @param chan
 *   The channel.
 */
void rte_vmbus_chan_dump(FILE *f, const struct vmbus_channel *chan);

/* Sending */

/** Guest memory segment given to the host by address. */
struct iova_list {
	rte_iova_t	addr;
	uint32_t	len;
};

/** Most page entries a driver is expected to put in one GPA packet. */
#define MAX_PAGE_BUFFER_COUNT		32

/**
 * Send one packet with an inline payload.
 *
 * @param channel
 *   The channel.
 * @param type
 *   Packet type, VMBUS_CHANPKT_TYPE_INBAND or VMBUS_CHANPKT_TYPE_COMP.
 * @param data
 *   Payload.
 * @param dlen
 *   Payload length in bytes; padding to 8 bytes is added.
 * @param xact
 *   Transaction id.
 * @param flags
 *   VMBUS_CHANPKT_FLAG_NONE or VMBUS_CHANPKT_FLAG_RC.
 * @param need_sig
 *   If NULL, the host is signalled now when the protocol requires it.
 *   Otherwise true is or-ed into *need_sig when a signal is required and
 *   the caller calls rte_vmbus_chan_signal_tx() after its batch.
 * @return
 *   0 on success, -EAGAIN if the ring has no room, other negative errno
 *   value on error.
 */
int rte_vmbus_chan_send(struct vmbus_channel *channel, uint16_t type,
			void *data, uint32_t dlen,
			uint64_t xact, uint32_t flags, bool *need_sig);

/**
 * Send a GPA direct packet (completion requested): a list of guest page
 * pieces followed by an inline payload.
 *
 * @param channel
 *   The channel.
 * @param gpa
 *   Page pieces.
 * @param gpacnt
 *   Number of entries in gpa.
 * @param data
 *   Inline payload.
 * @param dlen
 *   Payload length in bytes.
 * @param xact
 *   Transaction id.
 * @param need_sig
 *   As for rte_vmbus_chan_send().
 * @return
 *   0 on success, -EAGAIN if the ring has no room, other negative errno
 *   value on error.
 */
int rte_vmbus_chan_send_sglist(struct vmbus_channel *channel,
			       struct vmbus_gpa gpa[], uint32_t gpacnt,
			       void *data, uint32_t dlen,
			       uint64_t xact, bool *need_sig);

/**
 * Signal the host that the outbound ring has data, unless the host has
 * masked signals on that ring.  Used once after a batch of sends.
 *
 * @param channel
 *   The channel.
 */
void rte_vmbus_chan_signal_tx(const struct vmbus_channel *channel);

/* Receiving */

/**
 * Check whether the inbound ring is empty.
 *
 * @param channel
 *   The channel.
 * @return
 *   true if there is nothing to receive.
 */
bool rte_vmbus_chan_rx_empty(const struct vmbus_channel *channel);

/**
 * Receive the payload of the next packet (descriptor and type-specific
 * header skipped) and consume it.
 *
 * @param chan
 *   The channel.
 * @param data
 *   Destination buffer.
 * @param len
 *   In: size of data.  Out: payload length (also on -ENOBUFS).
 * @param request_id
 *   If not NULL, filled with the packet's transaction id.
 * @return
 *   0 on success, -EAGAIN if the ring is empty, -ENOBUFS if data is too
 *   small (the packet stays in the ring), -EIO if the ring holds a
 *   malformed packet (it stays in the ring; the channel is unusable).
 */
int rte_vmbus_chan_recv(struct vmbus_channel *chan,
			void *data, uint32_t *len,
			uint64_t *request_id);

/**
 * Receive the next packet, descriptor included, and consume it.  The
 * host is not signalled: call rte_vmbus_chan_signal_read() with the sum
 * of the returned values after a batch.
 *
 * @param chan
 *   The channel.
 * @param data
 *   Destination buffer.
 * @param len
 *   In: size of data.  Out: packet length (also on -ENOBUFS).
 * @return
 *   Ring bytes consumed (packet plus trailer) on success, -EAGAIN if the
 *   ring is empty, -ENOBUFS if data is too small, -EIO if the ring holds
 *   a malformed packet.
 */
int rte_vmbus_chan_recv_raw(struct vmbus_channel *chan,
			    void *data, uint32_t *len);

/**
 * Tell the host that bytes were consumed from the inbound ring, if it
 * is waiting for that much room (pending_send_sz).
 *
 * @param chan
 *   The channel.
 * @param bytes_read
 *   Ring bytes consumed since the last call.
 */
void rte_vmbus_chan_signal_read(struct vmbus_channel *chan,
				uint32_t bytes_read);


#ifdef __cplusplus
}
#endif

#endif /* RTE_BUS_VMBUS_H */
