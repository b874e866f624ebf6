/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * sink: the wire swallows everything at once, so a benchmark measures how
 * fast the guest transmits, not how fast anything downstream drains.
 */

#include <errno.h>
#include <stdlib.h>

#include "hvh_backend_private.h"

static uint16_t
sink_rx_burst(struct hvh_backend *be, struct hvh_frame *f, uint16_t n)
{
	(void)be;
	(void)f;
	(void)n;
	return 0;
}

static int
sink_rx_ready(const struct hvh_backend *be)
{
	(void)be;
	return 0;
}

static void
sink_close(struct hvh_backend *be)
{
	free(be);
}

static const struct hvh_backend_ops sink_ops = {
	.tx_burst = hvh_backend_tx_discard,
	.rx_burst = sink_rx_burst,
	.rx_ready = sink_rx_ready,
	.close = sink_close,
};

int
hvh_backend_sink_open(const char *args, const struct hvh_backend_conf *conf,
		      struct hvh_backend **out, char *err, size_t errlen)
{
	struct hvh_backend *be;

	(void)conf;
	if (args != NULL) {
		snprintf(err, errlen, "sink takes no parameters, got '%s'",
			 args);
		return -EINVAL;
	}
	be = calloc(1, sizeof(*be));
	if (be == NULL) {
		snprintf(err, errlen, "sink: out of memory");
		return -ENOMEM;
	}
	be->ops = &sink_ops;
	be->caps = 0;
	be->rx_fd = -1;
	snprintf(be->name, sizeof(be->name), "sink");
	*out = be;
	return 0;
}
