/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Reading the VMBus sysfs tree that Linux (and uio_hv_generic) expose, as
 * described in doc/guides/nics/netvsc_protocol.rst, "uio_hv_generic surface".
 * Every function takes the device directory so the parser can be pointed at a
 * fixture tree.  A device whose attributes are missing or malformed is
 * skipped with one log line; it never fails the scan of the others.
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_memory.h>
#include <rte_string_fns.h>
#include <rte_uuid.h>

#include "vmbus_private.h"

/* Attribute values are short: a braced UUID is the longest (38). */
#define VMBUS_ATTR_MAX 64

static int
vmbus_sysfs_read_line(const char *dir, const char *attr, char *buf,
		      size_t len)
{
	char path[PATH_MAX];
	size_t n;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	if (fgets(buf, len, f) == NULL) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return 0;
}

/* A UUID as the kernel prints it: "{...}", braces optional. */
int
vmbus_sysfs_parse_uuid(char *s, rte_uuid_t uu)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
		s[n - 1] = '\0';
		s++;
	}
	return rte_uuid_parse(s, uu) == 0 ? 0 : -EINVAL;
}

static int
vmbus_sysfs_read_uuid(const char *dir, const char *attr, rte_uuid_t uu)
{
	char buf[VMBUS_ATTR_MAX];
	int ret;

	ret = vmbus_sysfs_read_line(dir, attr, buf, sizeof(buf));
	if (ret != 0)
		return ret;
	return vmbus_sysfs_parse_uuid(buf, uu);
}

/* A number that must fill the whole line: decimal, or 0x hex. */
int
vmbus_sysfs_parse_ulong(const char *s, unsigned long max,
			unsigned long *val)
{
	unsigned long v;
	char *end;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

static int
vmbus_sysfs_read_ulong(const char *dir, const char *attr, unsigned long max,
		       unsigned long *val)
{
	char buf[VMBUS_ATTR_MAX];
	int ret;

	ret = vmbus_sysfs_read_line(dir, attr, buf, sizeof(buf));
	if (ret != 0)
		return ret;
	return vmbus_sysfs_parse_ulong(buf, max, val);
}

/*
 * The node the kernel gives the device: that of the CPU taking the
 * primary channel's interrupts. The attribute exists only with
 * CONFIG_NUMA. Returns the node, -ENOENT when there is no attribute,
 * -ENXIO when it reads -1 (no node known), -EINVAL when it is not a
 * number.
 */
int
vmbus_sysfs_read_numa(const char *dir)
{
	char buf[VMBUS_ATTR_MAX];
	unsigned long node;
	int ret;

	ret = vmbus_sysfs_read_line(dir, "numa_node", buf, sizeof(buf));
	if (ret != 0)
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	if (strcmp(buf, "-1") == 0)
		return -ENXIO;
	if (vmbus_sysfs_parse_ulong(buf, INT_MAX, &node) != 0)
		return -EINVAL;
	return (int)node;
}

/* Name of the kernel driver the device is bound to, "" if none. */
static int
vmbus_sysfs_read_driver(const char *dir, char *name, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/driver", dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		name[0] = '\0';
		return 0;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	if (strlcpy(name, base, len) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* "uioN" with N a plain number; anything else under uio/ is not a device. */
int
vmbus_sysfs_parse_uio_name(const char *name, int *uio_num)
{
	unsigned long n;

	if (strncmp(name, "uio", 3) != 0 || name[3] < '0' || name[3] > '9' ||
	    vmbus_sysfs_parse_ulong(name + 3, INT_MAX, &n) != 0)
		return -EINVAL;
	*uio_num = (int)n;
	return 0;
}

int
vmbus_sysfs_find_uio(const char *dir, int *uio_num)
{
	char path[PATH_MAX];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/uio", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (vmbus_sysfs_parse_uio_name(e->d_name, uio_num) != 0)
			continue;
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/*
 * Read one device directory.  Returns VMBUS_SYSFS_OK with dev filled
 * in, VMBUS_SYSFS_SKIP (logged) when the device is not ours to take or
 * is incomplete, or a negative errno value.
 */
int
vmbus_sysfs_read_device(const char *dir, struct rte_vmbus_device *dev)
{
	const char *slash = strrchr(dir, '/');
	const char *name = slash != NULL ? slash + 1 : dir;
	char driver[VMBUS_ATTR_MAX];
	rte_uuid_t nic_class;
	unsigned long v;
	bool is_nic;
	int ret;

	ret = vmbus_sysfs_read_uuid(dir, "class_id", dev->class_id);
	if (ret != 0) {
		VMBUS_LOG(NOTICE, "skipping %s: class_id %s", name,
			  ret == -EINVAL ? "malformed" : "unreadable");
		return VMBUS_SYSFS_SKIP;
	}
	rte_uuid_parse(VMBUS_NIC_CLASS_ID, nic_class);
	is_nic = rte_uuid_compare(dev->class_id, nic_class) == 0;

	ret = vmbus_sysfs_read_driver(dir, driver, sizeof(driver));
	if (ret != 0 || strcmp(driver, VMBUS_UIO_DRIVER) != 0) {
		/* Other kinds of devices are common and not worth a notice. */
		if (is_nic)
			VMBUS_LOG(NOTICE, "skipping %s: bound to %s, not %s",
				  name, ret != 0 ? "(unreadable)" :
				  driver[0] == '\0' ? "no driver" : driver,
				  VMBUS_UIO_DRIVER);
		else
			VMBUS_LOG(DEBUG, "skipping %s: not bound to %s",
				  name, VMBUS_UIO_DRIVER);
		return VMBUS_SYSFS_SKIP;
	}

	ret = vmbus_sysfs_read_uuid(dir, "device_id", dev->device_id);
	if (ret != 0) {
		VMBUS_LOG(NOTICE, "skipping %s: device_id %s", name,
			  ret == -EINVAL ? "malformed" : "unreadable");
		return VMBUS_SYSFS_SKIP;
	}
	if (vmbus_sysfs_read_ulong(dir, "id", VMBUS_RELID_MAX, &v) != 0) {
		VMBUS_LOG(NOTICE, "skipping %s: id missing or not a relid below %u",
			  name, VMBUS_RELID_MAX + 1);
		return VMBUS_SYSFS_SKIP;
	}
	dev->relid = v;
	/*
	 * The monitor id indexes the monitor page: 4 groups of 32.  Recent
	 * kernels hide it when the host allocated no monitor slot; the
	 * host is then signalled through the uio device.
	 */
	ret = vmbus_sysfs_read_ulong(dir, "monitor_id", VMBUS_MONITOR_ID_MAX,
				     &v);
	if (ret == -ENOENT) {
		VMBUS_LOG(INFO, "%s: no monitor slot, signalling through uio",
			  name);
		v = VMBUS_NO_MONITOR;
	} else if (ret != 0) {
		VMBUS_LOG(NOTICE, "skipping %s: monitor_id unreadable or above %u",
			  name, VMBUS_MONITOR_ID_MAX);
		return VMBUS_SYSFS_SKIP;
	}
	dev->monitor_id = v;
	if (vmbus_sysfs_find_uio(dir, &dev->uio_num) != 0) {
		VMBUS_LOG(NOTICE, "skipping %s: no uio device under %s/uio",
			  name, name);
		return VMBUS_SYSFS_SKIP;
	}
	/* Chosen at probe, with the devargs then (vmbus_probe_driver). */
	dev->device.numa_node = SOCKET_ID_ANY;
	return VMBUS_SYSFS_OK;
}

int
vmbus_sysfs_scan_dir(const char *devices_dir)
{
	struct vmbus_device_priv *priv;
	struct dirent *e;
	DIR *d;
	int ret;

	d = opendir(devices_dir);
	if (d == NULL) {
		/* No VMBus at all (not a Hyper-V guest): nothing to do. */
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		VMBUS_LOG(ERR, "cannot open %s: %s", devices_dir,
			  strerror(errno));
		return ret;
	}

	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		priv = calloc(1, sizeof(*priv));
		if (priv == NULL) {
			closedir(d);
			return -ENOMEM;
		}
		if (strlcpy(priv->name, e->d_name, sizeof(priv->name)) >=
		    sizeof(priv->name) ||
		    snprintf(priv->sysfs_dir, sizeof(priv->sysfs_dir), "%s/%s",
			     devices_dir, e->d_name) >=
		    (int)sizeof(priv->sysfs_dir)) {
			VMBUS_LOG(NOTICE, "skipping %s: name too long",
				  e->d_name);
			free(priv);
			continue;
		}
		priv->dev.uio_num = -1;
		if (vmbus_sysfs_read_device(priv->sysfs_dir, &priv->dev) !=
		    VMBUS_SYSFS_OK) {
			free(priv);
			continue;
		}
		priv->dev.device.name = priv->name;
		if (!vmbus_insert_device(&priv->dev))
			free(priv);
	}
	closedir(d);
	return 0;
}

RTE_EXPORT_SYMBOL(rte_vmbus_scan)
int
rte_vmbus_scan(void)
{
	return vmbus_sysfs_scan_dir(VMBUS_SYSFS_DEVICES);
}

/*
 * Name each uio map must carry (netvsc_protocol.rst, "The uio maps");
 * the buffers also carry their GPADL handle after a colon.
 */
static const struct {
	const char *name;
	bool gpadl;
} vmbus_map_names[VMBUS_MAX_RESOURCE] = {
	[HV_TXRX_RING_MAP] = { "txrx_rings", false },
	[HV_INT_PAGE_MAP] = { "int_page", false },
	[HV_MON_PAGE_MAP] = { "monitor_page", false },
	[HV_RECV_BUF_MAP] = { "recv", true },
	[HV_SEND_BUF_MAP] = { "send", true },
};

/* The name of uio map idx: "name", or "name:<gpadl>" for the buffers. */
int
vmbus_sysfs_parse_map_name(const char *name, unsigned int idx,
			   uint64_t *gpadl)
{
	const char *want;
	unsigned long v;
	size_t n;

	if (idx >= VMBUS_MAX_RESOURCE)
		return -EINVAL;
	want = vmbus_map_names[idx].name;
	*gpadl = 0;
	if (!vmbus_map_names[idx].gpadl)
		return strcmp(name, want) == 0 ? 0 : -EINVAL;
	n = strlen(want);
	if (strncmp(name, want, n) != 0 || name[n] != ':' ||
	    vmbus_sysfs_parse_ulong(name + n + 1, UINT32_MAX, &v) != 0)
		return -EINVAL;
	*gpadl = v;
	return 0;
}

/*
 * Read name and size of uio map idx.  Returns 0, -ENOENT if the map
 * does not exist, -EINVAL if it is not the map expected at idx.
 */
int
vmbus_sysfs_read_map(const char *dir, int uio_num, unsigned int idx,
		     uint64_t *size, uint64_t *gpadl)
{
	char mapdir[PATH_MAX], name[VMBUS_ATTR_MAX];
	unsigned long v;
	int ret;

	if (idx >= VMBUS_MAX_RESOURCE)
		return -EINVAL;
	if (snprintf(mapdir, sizeof(mapdir), "%s/uio/uio%d/maps/map%u", dir,
		     uio_num, idx) >= (int)sizeof(mapdir))
		return -ENAMETOOLONG;

	ret = vmbus_sysfs_read_line(mapdir, "name", name, sizeof(name));
	if (ret != 0)
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	if (vmbus_sysfs_parse_map_name(name, idx, gpadl) != 0) {
		VMBUS_LOG(ERR, "%s: map%u is \"%s\", expected %s%s", dir, idx,
			  name, vmbus_map_names[idx].name,
			  vmbus_map_names[idx].gpadl ? ":<gpadl>" : "");
		return -EINVAL;
	}
	if (vmbus_sysfs_read_ulong(mapdir, "size", ULONG_MAX, &v) != 0) {
		VMBUS_LOG(ERR, "%s: map%u (%s) has no readable size", dir, idx,
			  name);
		return -EINVAL;
	}
	*size = v;
	return 0;
}

int
vmbus_sysfs_ring_path(const char *dir, uint16_t relid, char *buf,
		      size_t len)
{
	if (snprintf(buf, len, "%s/channels/%u/ring", dir, relid) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

bool
vmbus_sysfs_ring_present(const char *dir, uint16_t relid)
{
	char path[PATH_MAX];

	return vmbus_sysfs_ring_path(dir, relid, path, sizeof(path)) == 0 &&
		access(path, R_OK | W_OK) == 0;
}

/*
 * Find a subchannel that the kernel has opened (its ring file exists)
 * and that known() does not already list.  Returns 0 with info filled,
 * -EINPROGRESS if none is ready but one is offered (its directory
 * exists, the kernel is still opening it), -ENOENT if there is none,
 * -EINVAL if the channel's attributes are unusable.
 */
int
vmbus_sysfs_next_subchan(const char *dir,
			 bool (*known)(uint16_t relid, void *arg), void *arg,
			 struct vmbus_subchan_info *info)
{
	char path[PATH_MAX], chdir_path[PATH_MAX];
	unsigned long relid, subid, monid;
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/channels", dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (d == NULL)
		return errno == ENOENT ? -ENOENT : -errno;

	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    vmbus_sysfs_parse_ulong(e->d_name, VMBUS_RELID_MAX,
					    &relid) != 0 ||
		    known((uint16_t)relid, arg))
			continue;
		if (!vmbus_sysfs_ring_present(dir, (uint16_t)relid)) {
			ret = -EINPROGRESS;
			continue;
		}

		if (snprintf(chdir_path, sizeof(chdir_path), "%s/%lu", path,
			     relid) >= (int)sizeof(chdir_path)) {
			ret = -ENAMETOOLONG;
			break;
		}
		if (vmbus_sysfs_read_ulong(chdir_path, "subchannel_id",
					   UINT16_MAX, &subid) != 0) {
			VMBUS_LOG(ERR, "channel %lu: subchannel_id unreadable",
				  relid);
			ret = -EINVAL;
			break;
		}
		/* Index 0 is the primary channel, already attached. */
		if (subid == 0)
			continue;
		if (vmbus_sysfs_read_ulong(chdir_path, "monitor_id",
					   VMBUS_MONITOR_ID_MAX, &monid) != 0) {
			/* Only a monitor slot can signal a subchannel. */
			VMBUS_LOG(ERR, "channel %lu: monitor_id missing or above %u",
				  relid, VMBUS_MONITOR_ID_MAX);
			ret = -EINVAL;
			break;
		}
		info->relid = relid;
		info->subchannel_id = subid;
		info->monitor_id = monid;
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}
