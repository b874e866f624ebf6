/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Attribute values of the sysfs and uio surface (drivers/bus/vmbus/linux):
 * each line of the input is read as the bus reads an attribute: a number
 * with each limit the bus applies, a UUID, a uio device name, the name of
 * each uio map, and a number as a map size.
 *
 * Input: up to FUZZ_LINES lines; each is cut as vmbus_sysfs_read_line
 * cuts a file's first line (at most 63 bytes, up to a newline).
 */

#include <limits.h>

#include <rte_common.h>

#include "vmbus_private.h"
#include "fuzz.h"

/* vmbus_sysfs.c's VMBUS_ATTR_MAX: fgets keeps one byte for the NUL. */
#define FUZZ_LINE_MAX 63
/* A device directory's attributes and names: more only slow the run. */
#define FUZZ_LINES 64

static void
fuzz_line(const char *line)
{
	static const unsigned long limits[] = {
		VMBUS_RELID_MAX, VMBUS_MONITOR_ID_MAX, UINT16_MAX,
		INT_MAX, UINT32_MAX, ULONG_MAX,
	};
	size_t len = strlen(line);
	unsigned long v;
	uint64_t gpadl;
	rte_uuid_t uu;
	unsigned int i;
	char *copy;
	int num;

	for (i = 0; i < RTE_DIM(limits); i++)
		if (vmbus_sysfs_parse_ulong(line, limits[i], &v) == 0)
			FUZZ_CHECK(v <= limits[i]);
	/* The UUID parser trims the braces in place. */
	copy = (char *)fuzz_exact(line, len + 1);
	vmbus_sysfs_parse_uuid(copy, uu);
	free(copy);
	if (vmbus_sysfs_parse_uio_name(line, &num) == 0)
		FUZZ_CHECK(num >= 0);
	for (i = 0; i <= VMBUS_MAX_RESOURCE; i++)
		if (vmbus_sysfs_parse_map_name(line, i, &gpadl) == 0)
			FUZZ_CHECK(i < VMBUS_MAX_RESOURCE &&
				   gpadl <= UINT32_MAX);
	if (vmbus_sysfs_parse_ulong(line, ULONG_MAX, &v) == 0)
		for (i = 0; i < VMBUS_MAX_RESOURCE; i++)
			vmbus_uio_check_map_size(i, v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size, *nl;
	unsigned int lines = 0;
	size_t n, k;
	char *line;

	while (data < end && lines++ < FUZZ_LINES) {
		nl = memchr(data, '\n', end - data);
		n = (nl != NULL ? nl : end) - data;
		/* A NUL in the file ends the string the parser sees. */
		k = strnlen((const char *)data, RTE_MIN(n, (size_t)FUZZ_LINE_MAX));
		line = malloc(k + 1);
		if (line == NULL)
			abort();
		memcpy(line, data, k);
		line[k] = '\0';
		fuzz_line(line);
		free(line);
		data += n + (nl != NULL);
	}
	return 0;
}
