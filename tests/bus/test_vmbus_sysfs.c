/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Sysfs parsing tests: fixture trees shaped like the kernel's
 * /sys/bus/vmbus/devices (netvsc_protocol.rst, "Sysfs attributes") built in a
 * temporary directory, one defect at a time.
 */

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_memory.h>
#include <rte_uuid.h>

#include "vmbus_private.h"
#include "test_vmbus.h"

#define NIC_CLASS "{f8615163-df3e-46c5-913f-f2d2f965ed0e}\n"
#define DEV_A "0e8a7f6e-1d2c-4b3a-8f9e-112233445566"
#define DEV_B "7a3c9e2b-5f10-4d6e-a1b2-c3d4e5f60718"
#define DEV_C "c1d2e3f4-0a1b-4c2d-9e3f-a0b1c2d3e4f5"
#define DEV_D "00000000-0a1b-4c2d-9e3f-a0b1c2d3e4f5"

static char tv_root[64];

static int
tv_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	RTE_SET_USED(st);
	RTE_SET_USED(flag);
	RTE_SET_USED(ftw);
	return remove(path);
}

static int
tv_fresh_root(void)
{
	if (tv_root[0] != '\0')
		nftw(tv_root, tv_rm, 16, FTW_DEPTH | FTW_PHYS);
	strcpy(tv_root, "/tmp/test-vmbus-sysfs.XXXXXX");
	return mkdtemp(tv_root) != NULL ? 0 : -1;
}

/* mkdir -p of root/rel */
static void
tv_mkdir(const char *fmt, ...)
{
	char rel[512], path[PATH_MAX];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", tv_root, rel);
	for (p = path + strlen(tv_root) + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static void
tv_write(const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tv_root, rel);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(content, f);
		fclose(f);
	}
}

static void
tv_attr(const char *dev, const char *attr, const char *content)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "devices/%s/%s", dev, attr);
	tv_write(rel, content);
}

static void
tv_unlink(const char *dev, const char *attr)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/devices/%s/%s", tv_root, dev, attr);
	unlink(path);
}

static void
tv_rmtree(const char *dev, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/devices/%s/%s", tv_root, dev, rel);
	nftw(path, tv_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void
tv_bind(const char *dev, const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];

	snprintf(path, sizeof(path), "%s/devices/%s/driver", tv_root, dev);
	unlink(path);
	snprintf(target, sizeof(target), "../../../../bus/vmbus/drivers/%s",
		 driver);
	if (symlink(target, path) != 0)
		perror("symlink");
}

/* A network device as uio_hv_generic leaves it, with map and channels. */
static void
tv_good_device(const char *dev, unsigned int relid, unsigned int monid)
{
	char buf[64];

	tv_mkdir("devices/%s/uio/uio3/maps/map0", dev);
	tv_attr(dev, "class_id", NIC_CLASS);
	snprintf(buf, sizeof(buf), "{%s}\n", dev);
	tv_attr(dev, "device_id", buf);
	snprintf(buf, sizeof(buf), "%u\n", relid);
	tv_attr(dev, "id", buf);
	snprintf(buf, sizeof(buf), "%u\n", monid);
	tv_attr(dev, "monitor_id", buf);
	tv_attr(dev, "numa_node", "0\n");
	tv_bind(dev, "uio_hv_generic");
}

static void
tv_dev_dir(const char *dev, char *out, size_t len)
{
	snprintf(out, len, "%s/devices/%s", tv_root, dev);
}

static int
tv_read(const char *dev, struct rte_vmbus_device *vd)
{
	char dir[PATH_MAX];

	memset(vd, 0, sizeof(*vd));
	tv_dev_dir(dev, dir, sizeof(dir));
	return vmbus_sysfs_read_device(dir, vd);
}

static int
t_good_device(void)
{
	struct rte_vmbus_device vd;
	rte_uuid_t want;

	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_OK);
	HVT_ASSERT_EQ(vd.relid, 14);
	HVT_ASSERT_EQ(vd.monitor_id, 3);
	HVT_ASSERT_EQ(vd.uio_num, 3);
	/* The node is the probe's choice (numa_aware), not the scan's. */
	HVT_ASSERT_EQ(vd.device.numa_node, SOCKET_ID_ANY);
	rte_uuid_parse(DEV_A, want);
	HVT_ASSERT(rte_uuid_compare(vd.device_id, want) == 0, "device_id");
	rte_uuid_parse(VMBUS_NIC_CLASS_ID, want);
	HVT_ASSERT(rte_uuid_compare(vd.class_id, want) == 0, "class_id");

	/* Hex numbers, as some attributes use. */
	tv_attr(DEV_A, "id", "0x20\n");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_OK);
	HVT_ASSERT_EQ(vd.relid, 32);
	/* A device without a node is a device all the same. */
	tv_unlink(DEV_A, "numa_node");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_OK);
	return 0;
}

/* numa_node as the kernel prints it, absent, unknown or garbled. */
static int
t_numa_node(void)
{
	static const struct {
		const char *value;	/* NULL: no attribute */
		int want;
	} cases[] = {
		{ "0\n", 0 }, { "1\n", 1 }, { "3", 3 }, { NULL, -ENOENT },
		{ "-1\n", -ENXIO }, { "\n", -EINVAL }, { "x\n", -EINVAL },
		{ "1x\n", -EINVAL }, { "-2\n", -EINVAL },
		{ "99999999999999999999\n", -EINVAL },
	};
	char dir[PATH_MAX];
	unsigned int i;

	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_dev_dir(DEV_A, dir, sizeof(dir));
	for (i = 0; i < RTE_DIM(cases); i++) {
		if (cases[i].value != NULL)
			tv_attr(DEV_A, "numa_node", cases[i].value);
		else
			tv_unlink(DEV_A, "numa_node");
		HVT_ASSERT(vmbus_sysfs_read_numa(dir) == cases[i].want,
			   "numa_node '%s': got %d, want %d",
			   cases[i].value ? cases[i].value : "(none)",
			   vmbus_sysfs_read_numa(dir), cases[i].want);
	}
	return 0;
}

/* The bus's own devarg: numa_aware=0|1, others left to the driver. */
static int
t_devargs_numa_aware(void)
{
	static const struct {
		const char *args;
		int ret;
		bool aware;
	} cases[] = {
		{ NULL, 0, false }, { "", 0, false },
		{ "numa_aware=1", 0, true }, { "numa_aware=0", 0, false },
		{ "latency=20,numa_aware=1,tx_copybreak=256", 0, true },
		{ "latency=20", 0, false },
		{ "numa_aware=2", -EINVAL, false },
		{ "numa_aware=yes", -EINVAL, false },
		{ "numa_aware=", -EINVAL, false },
		{ "numa_aware", -EINVAL, false },
		{ "numa_aware=01", -EINVAL, false },
		{ "numa_aware=1,numa_aware=7", -EINVAL, false },
	};
	unsigned int i;
	bool aware;
	int ret;

	for (i = 0; i < RTE_DIM(cases); i++) {
		aware = !cases[i].aware;
		ret = vmbus_devargs_numa_aware("test", cases[i].args, &aware);
		HVT_ASSERT(ret == cases[i].ret &&
			   (ret != 0 || aware == cases[i].aware),
			   "'%s': got %d/%d, want %d/%d",
			   cases[i].args ? cases[i].args : "(null)", ret,
			   aware, cases[i].ret, cases[i].aware);
	}
	return 0;
}

static int
t_missing_attribute(void)
{
	static const char *const required[] = {
		"class_id", "device_id", "id",
	};
	struct rte_vmbus_device vd;
	unsigned int i;

	for (i = 0; i < RTE_DIM(required); i++) {
		HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
		tv_good_device(DEV_A, 14, 3);
		tv_unlink(DEV_A, required[i]);
		HVT_ASSERT(tv_read(DEV_A, &vd) == VMBUS_SYSFS_SKIP,
			  "device without %s taken", required[i]);
	}
	/* No monitor_id: no monitor slot, still a usable device. */
	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_unlink(DEV_A, "monitor_id");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_OK);
	HVT_ASSERT_EQ(vd.monitor_id, VMBUS_NO_MONITOR);
	/* No uio device: bound in name only. */
	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_rmtree(DEV_A, "uio/uio3");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_SKIP);
	return 0;
}

static int
t_malformed_values(void)
{
	static const struct {
		const char *attr, *value;
	} bad[] = {
		{ "class_id", "{f8615163-df3e-46c5-913f-f2d2f965ed0}\n" },
		{ "class_id", "{zz615163-df3e-46c5-913f-f2d2f965ed0e}\n" },
		{ "class_id", "\n" },
		{ "device_id", "{0e8a7f6e_1d2c-4b3a-8f9e-112233445566}\n" },
		{ "device_id", "not a uuid\n" },
		{ "id", "14x\n" },
		{ "id", "-1\n" },
		{ "id", "70000\n" },
		{ "id", "\n" },
		{ "monitor_id", "128\n" },
		{ "monitor_id", "three\n" },
	};
	struct rte_vmbus_device vd;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
		tv_good_device(DEV_A, 14, 3);
		tv_attr(DEV_A, bad[i].attr, bad[i].value);
		HVT_ASSERT(tv_read(DEV_A, &vd) == VMBUS_SYSFS_SKIP,
			  "%s = \"%s\" accepted", bad[i].attr, bad[i].value);
	}
	/* Braces are optional; a UUID without them is fine. */
	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_attr(DEV_A, "device_id", DEV_A "\n");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_OK);
	return 0;
}

static int
t_other_driver(void)
{
	struct rte_vmbus_device vd;

	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_bind(DEV_A, "hv_netvsc");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_SKIP);
	tv_unlink(DEV_A, "driver");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_SKIP);
	/* A storage device bound to uio is still listed (class matched later). */
	tv_good_device(DEV_A, 14, 3);
	tv_attr(DEV_A, "class_id", "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}\n");
	HVT_ASSERT_EQ(tv_read(DEV_A, &vd), VMBUS_SYSFS_OK);
	return 0;
}

static void
tv_flush_bus(void)
{
	struct rte_vmbus_device *dev;

	while ((dev = TAILQ_FIRST(&vmbus_bus.device_list)) != NULL) {
		TAILQ_REMOVE(&vmbus_bus.device_list, dev, next);
		free(vmbus_priv(dev));
	}
}

/* A whole tree: good devices listed in id order, the rest skipped. */
static int
t_scan_tree(void)
{
	char devices[PATH_MAX];
	struct rte_vmbus_device *dev;
	const char *names[3];
	int n = 0;

	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_C, 20, 5);
	tv_good_device(DEV_A, 14, 3);
	tv_good_device(DEV_B, 17, 4);
	tv_bind(DEV_B, "hv_netvsc");
	/* Old-style directory name, complete but for its relid. */
	tv_good_device("vmbus_9", 30, 6);
	tv_attr("vmbus_9", "device_id", "{" DEV_D "}\n");
	tv_unlink("vmbus_9", "id");
	snprintf(devices, sizeof(devices), "%s/devices", tv_root);

	HVT_ASSERT_EQ(vmbus_sysfs_scan_dir(devices), 0);
	/* A re-scan keeps the list as it is. */
	HVT_ASSERT_EQ(vmbus_sysfs_scan_dir(devices), 0);
	TAILQ_FOREACH(dev, &vmbus_bus.device_list, next) {
		if (n < 3)
			names[n] = dev->device.name;
		n++;
	}
	HVT_ASSERT_EQ(n, 2);
	HVT_ASSERT(strcmp(names[0], DEV_A) == 0 && strcmp(names[1], DEV_C) == 0,
		  "order %s %s", names[0], names[1]);
	tv_flush_bus();

	/* No vmbus at all is not an error. */
	snprintf(devices, sizeof(devices), "%s/absent", tv_root);
	HVT_ASSERT_EQ(vmbus_sysfs_scan_dir(devices), 0);
	HVT_ASSERT(TAILQ_EMPTY(&vmbus_bus.device_list), "devices from nowhere");
	return 0;
}

static void
tv_map(const char *dev, unsigned int k, const char *name, const char *size)
{
	char rel[512];

	tv_mkdir("devices/%s/uio/uio3/maps/map%u", dev, k);
	snprintf(rel, sizeof(rel), "devices/%s/uio/uio3/maps/map%u/name", dev,
		 k);
	tv_write(rel, name);
	snprintf(rel, sizeof(rel), "devices/%s/uio/uio3/maps/map%u/size", dev,
		 k);
	tv_write(rel, size);
}

static int
t_uio_maps(void)
{
	char dir[PATH_MAX];
	uint64_t size, gpadl;

	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_map(DEV_A, 0, "txrx_rings\n", "0x402000\n");
	tv_map(DEV_A, 1, "int_page\n", "0x0000000000001000\n");
	tv_map(DEV_A, 2, "monitor_page\n", "0x1000\n");
	tv_map(DEV_A, 3, "recv:1234\n", "0x1f00000\n");
	tv_map(DEV_A, 4, "send_buf\n", "0x1000000\n");
	tv_dev_dir(DEV_A, dir, sizeof(dir));

	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 0, &size, &gpadl), 0);
	HVT_ASSERT(size == 0x402000 && gpadl == 0, "map0");
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 1, &size, &gpadl), 0);
	HVT_ASSERT_EQ(size, 4096);
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 3, &size, &gpadl), 0);
	HVT_ASSERT(size == 0x1f00000 && gpadl == 1234, "recv map");
	/* Old kernels' name without the GPADL is not usable. */
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 4, &size, &gpadl), -EINVAL);
	tv_map(DEV_A, 4, "send:\n", "0x1000000\n");
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 4, &size, &gpadl), -EINVAL);
	tv_map(DEV_A, 4, "send:0x10\n", "0x1000000\n");
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 4, &size, &gpadl), 0);
	HVT_ASSERT_EQ(gpadl, 16);
	/* Wrong map at an index, bad size, missing map. */
	tv_map(DEV_A, 2, "int_page\n", "0x1000\n");
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 2, &size, &gpadl), -EINVAL);
	tv_map(DEV_A, 2, "monitor_page\n", "lots\n");
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 3, 2, &size, &gpadl), -EINVAL);
	HVT_ASSERT_EQ(vmbus_sysfs_read_map(dir, 4, 0, &size, &gpadl), -ENOENT);
	return 0;
}

static void
tv_channel(const char *dev, unsigned int relid, const char *subid,
	   const char *monid, bool ring)
{
	char rel[512];

	tv_mkdir("devices/%s/channels/%u", dev, relid);
	if (subid != NULL) {
		snprintf(rel, sizeof(rel), "devices/%s/channels/%u/subchannel_id",
			 dev, relid);
		tv_write(rel, subid);
	}
	if (monid != NULL) {
		snprintf(rel, sizeof(rel), "devices/%s/channels/%u/monitor_id",
			 dev, relid);
		tv_write(rel, monid);
	}
	if (ring) {
		snprintf(rel, sizeof(rel), "devices/%s/channels/%u/ring", dev,
			 relid);
		tv_write(rel, "");
	}
}

static bool
tv_known(uint16_t relid, void *arg)
{
	const uint16_t *known = arg;

	for (; *known != 0; known++)
		if (*known == relid)
			return true;
	return false;
}

static int
t_subchannels(void)
{
	uint16_t known[4] = { 14, 0 };
	struct vmbus_subchan_info info;
	char dir[PATH_MAX];

	HVT_ASSERT(tv_fresh_root() == 0, "mkdtemp");
	tv_good_device(DEV_A, 14, 3);
	tv_dev_dir(DEV_A, dir, sizeof(dir));
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -ENOENT);
	HVT_ASSERT(!vmbus_sysfs_ring_present(dir, 14), "ring before it exists");

	tv_channel(DEV_A, 14, "0\n", "3\n", true);
	tv_mkdir("devices/%s/channels/garbage", DEV_A);
	HVT_ASSERT(vmbus_sysfs_ring_present(dir, 14), "primary ring");
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -ENOENT);
	/* Offered, not opened yet: worth waiting for. */
	tv_channel(DEV_A, 16, "2\n", "5\n", false);
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -EINPROGRESS);

	tv_channel(DEV_A, 15, "1\n", "4\n", true);
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info), 0);
	HVT_ASSERT(info.relid == 15 && info.subchannel_id == 1 &&
		  info.monitor_id == 4, "got %u/%u/%u", info.relid,
		  info.subchannel_id, info.monitor_id);
	known[1] = 15;
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -EINPROGRESS);
	known[2] = 16;
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -ENOENT);

	/* A ring without its attributes is a broken surface. */
	tv_channel(DEV_A, 17, NULL, "6\n", true);
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -EINVAL);
	tv_channel(DEV_A, 17, "3\n", "200\n", true);
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info),
		     -EINVAL);
	tv_channel(DEV_A, 17, "3\n", "6\n", true);
	HVT_ASSERT_EQ(vmbus_sysfs_next_subchan(dir, tv_known, known, &info), 0);
	HVT_ASSERT_EQ(info.relid, 17);
	return 0;
}

void
test_vmbus_sysfs(struct hvt_run *r)
{
	static const struct hvt_test cases[] = {
		{ "good_device", t_good_device },
		{ "numa_node", t_numa_node },
		{ "devargs_numa_aware", t_devargs_numa_aware },
		{ "missing_attribute", t_missing_attribute },
		{ "malformed_values", t_malformed_values },
		{ "other_driver", t_other_driver },
		{ "scan_tree", t_scan_tree },
		{ "uio_maps", t_uio_maps },
		{ "subchannels", t_subchannels },
	};
	hvt_table(r, "sysfs", cases, RTE_DIM(cases));
	if (tv_root[0] != '\0')
		nftw(tv_root, tv_rm, 16, FTW_DEPTH | FTW_PHYS);
}
