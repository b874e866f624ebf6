/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * A PCI VF in the emulated machine (hvh_vfpci.h).
 *
 * Sysfs, as Linux lays it out for a device bound to a kernel driver:
 *   R/sys/devices/pci0000:00/<BDF>/{vendor,device,subsystem_vendor,
 *       subsystem_device,class,numa_node,resource,modalias,uevent}
 *   R/sys/devices/pci0000:00/<BDF>/driver -> ../../../bus/pci/drivers/<drv>
 *   R/sys/devices/pci0000:00/<BDF>/net/<ifname>/
 *   R/sys/bus/pci/devices/<BDF> -> ../../../devices/pci0000:00/<BDF>
 * The driver is the kernel's own (mlx5_core, mana): a bifurcated driver,
 * so a DPDK process maps no BAR, and the network interface stays the
 * kernel's.  Here that interface is a TAP the VF stand-in moves frames
 * through; its MAC, as the guest's kernel reports it (net/<if>/address,
 * SIOCGIFHWADDR through hv-preload), is the one the host gives the VF:
 * the synthetic NIC's, as on Azure.
 *
 * A hot-add runs as the kernel does it, in steps the guest can observe:
 * the device appears (uevent add@, no driver yet), then the driver binds
 * and registers the interface (bind@, add@ of the net device), then,
 * with --vf-mac-delay-ms, the interface gets its real MAC only later, and
 * with --vf-rename it is renamed from the kernel's first name to its
 * final one (move@).  A hot-remove takes it all away (remove@ of the net
 * device, unbind@, remove@).
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hvh_log.h"
#include "hvh_surface.h"
#include "hvh_vfpci.h"

#define HVH_VFPCI_BIND_MS	20	/* add@ to the driver's bind */
#define HVH_VFPCI_RENAME_MS	500	/* kernel name to final name */
#define HVH_VFPCI_REMOVE_MS	100	/* withdrawal to PCI removal */
#define HVH_PCI_CLASS_ETHERNET	0x020000

enum hvh_vfpci_step {
	HVH_STEP_BIND,
	HVH_STEP_MAC,
	HVH_STEP_RENAME,
	HVH_STEP_SVC_REMOVE,
	HVH_STEP_SVC_ADD,
	HVH_STEP_COUNT
};

struct hvh_vfpci {
	struct hvh_vfpci_conf conf;
	hvh_vfpci_assoc_fn assoc;
	void *arg;
	int listen_fd;
	int timer_fd;
	int ep_fd;
	int clients[HVH_VFPCI_CLIENTS_MAX];
	unsigned int nclients;
	uint64_t seqnum;
	int present;		/* the PCI device exists */
	int bound;		/* driver and interface are there */
	int offer_on_bind;	/* servicing: offer once the driver binds */
	unsigned int adds;
	char name[16];		/* current BDF */
	char ifname[IFNAMSIZ];	/* the interface's current name */
	uint8_t cur_mac[6];	/* the interface's current MAC */
	uint64_t due[HVH_STEP_COUNT];	/* 0: not scheduled */
};

static uint64_t
hvh_vfpci_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static const char *
hvh_vfpci_driver(const struct hvh_vfpci_conf *c)
{
	return c->vendor == 0x1414 ? "mana" : "mlx5_core";
}

/*
 * One hexadecimal field of 1 to max_digits digits (no sign, no "0x")
 * followed by one of the characters in ends, where '$' stands for the
 * end of the string.  Returns the position after the field, or NULL.
 */
static const char *
hvh_vfpci_hex(const char *p, unsigned int max_digits, const char *ends,
	      unsigned int *out)
{
	unsigned int v = 0, n = 0;
	char c;

	while (n < max_digits && isxdigit((unsigned char)p[n])) {
		c = (char)tolower((unsigned char)p[n]);
		v = v * 16 + (unsigned int)(isdigit((unsigned char)c) ?
					    c - '0' : c - 'a' + 10);
		n++;
	}
	c = p[n];
	if (n == 0 || (c == '\0' ? strchr(ends, '$') == NULL :
		       c == '$' || strchr(ends, c) == NULL))
		return NULL;
	*out = v;
	return p + n;
}

int
hvh_vfpci_parse(const char *s, struct hvh_vfpci_conf *c)
{
	unsigned int dom, bus, dev, fn, ven = 0x15b3, did = 0x1016;
	const char *p = s;

	/* DDDD:BB:DD.F[,VVVV:DDDD], as the kernel names PCI devices. */
	p = hvh_vfpci_hex(p, 4, ":", &dom);
	p = p ? hvh_vfpci_hex(p + 1, 2, ":", &bus) : NULL;
	p = p ? hvh_vfpci_hex(p + 1, 2, ".", &dev) : NULL;
	p = p ? hvh_vfpci_hex(p + 1, 1, ",$", &fn) : NULL;
	if (p != NULL && *p == ',') {
		p = hvh_vfpci_hex(p + 1, 4, ":", &ven);
		p = p ? hvh_vfpci_hex(p + 1, 4, "$", &did) : NULL;
	}
	if (p == NULL || *p != '\0' || dev > 0x1f || fn > 7)
		return -1;
	/* Only drivers that leave the device to the kernel: no BAR maps. */
	if (ven != 0x15b3 && ven != 0x1414)
		return -1;
	c->domain = dom;
	c->bus = bus;
	c->dev = dev;
	c->fn = fn;
	c->vendor = ven;
	c->device = did;
	c->present = 1;
	return 0;
}

const char *
hvh_vfpci_name(const struct hvh_vfpci *v)
{
	return v->name;
}

/* ---- files ------------------------------------------------------------- */

static int
hvh_vfpci_path(char *out, size_t size, const struct hvh_vfpci *v,
	       const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	n = snprintf(out, size, "%s%s", v->conf.root, rel);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- uevents ----------------------------------------------------------- */

/*
 * Send one uevent to every listener: "ACTION@DEVPATH" then the variables,
 * each NUL-terminated, as the kernel multicasts it.  vars holds
 * "KEY=VALUE" strings separated by '\n'.
 */
static void
hvh_vfpci_uevent(struct hvh_vfpci *v, const char *action,
		 const char *devpath, const char *subsystem, const char *vars)
{
	char msg[HVH_UEVENT_MSG_MAX];
	size_t o = 0;
	unsigned int i;
	int n;

	n = snprintf(msg, sizeof(msg), "%s@%s%cACTION=%s%cDEVPATH=%s%c"
		     "SUBSYSTEM=%s%c", action, devpath, 0, action, 0, devpath,
		     0, subsystem, 0);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	o = n;
	while (vars != NULL && *vars != '\0') {
		size_t len = strcspn(vars, "\n");

		if (o + len + 1 >= sizeof(msg))
			return;
		memcpy(msg + o, vars, len);
		o += len;
		msg[o++] = '\0';
		vars += len;
		if (*vars == '\n')
			vars++;
	}
	n = snprintf(msg + o, sizeof(msg) - o, "SEQNUM=%llu",
		     (unsigned long long)++v->seqnum);
	if (n < 0 || (size_t)n >= sizeof(msg) - o)
		return;
	o += n + 1;
	for (i = 0; i < v->nclients; ) {
		if (send(v->clients[i], msg, o, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EWOULDBLOCK) {
			/* Gone: as netlink, the others still get it. */
			close(v->clients[i]);
			v->clients[i] = v->clients[--v->nclients];
			continue;
		}
		i++;
	}
	HVH_LOG(INFO, "uevent %s@%s", action, devpath);
}

/* ---- the device -------------------------------------------------------- */

static void
hvh_vfpci_devpath(const struct hvh_vfpci *v, char *out, size_t size)
{
	snprintf(out, size, "/devices/pci%04x:%02x/%s", v->conf.domain,
		 v->conf.bus, v->name);
}

static void
hvh_vfpci_pci_vars(const struct hvh_vfpci *v, char *out, size_t size,
		   int with_driver)
{
	const struct hvh_vfpci_conf *c = &v->conf;

	snprintf(out, size, "%s%s%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\n"
		 "PCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n"
		 "MODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
		 with_driver ? "DRIVER=" : "",
		 with_driver ? hvh_vfpci_driver(c) : "",
		 with_driver ? "\n" : "", HVH_PCI_CLASS_ETHERNET, c->vendor,
		 c->device, c->vendor, c->device, v->name, c->vendor,
		 c->device, c->vendor, c->device,
		 HVH_PCI_CLASS_ETHERNET >> 16,
		 (HVH_PCI_CLASS_ETHERNET >> 8) & 0xff,
		 HVH_PCI_CLASS_ETHERNET & 0xff);
}

/*
 * The interface's MAC as the guest's kernel reports it: its address
 * attribute, which hv-preload answers SIOCGIFHWADDR from.  The TAP's own
 * MAC is the bridge side's and stays as it is.
 */
static void
hvh_vfpci_set_mac(struct hvh_vfpci *v, const uint8_t *mac)
{
	char dir[PATH_MAX];

	memcpy(v->cur_mac, mac, 6);
	if (!v->bound || hvh_vfpci_path(dir, sizeof(dir), v,
			"/sys/devices/pci%04x:%02x/%s/net/%s", v->conf.domain,
			v->conf.bus, v->name, v->ifname) != 0)
		return;
	if (hvh_attr(dir, "address",
			   "%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1],
			   mac[2], mac[3], mac[4], mac[5]) != 0)
		HVH_LOG(WARNING, "cannot set the MAC of %s", v->ifname);
}

/* Rename the interface (down, rename, up, as udev does it before up). */
static int
hvh_vfpci_set_name(struct hvh_vfpci *v, const char *to)
{
	struct ifreq ifr;
	short flags;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", v->ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
		ret = -errno;
		goto out;
	}
	flags = ifr.ifr_flags;
	ifr.ifr_flags = flags & ~IFF_UP;
	ioctl(s, SIOCSIFFLAGS, &ifr);
	snprintf(ifr.ifr_newname, sizeof(ifr.ifr_newname), "%s", to);
	if (ioctl(s, SIOCSIFNAME, &ifr) != 0)
		ret = -errno;
	else
		snprintf(v->ifname, sizeof(v->ifname), "%s", to);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", v->ifname);
	ifr.ifr_flags = flags;
	ioctl(s, SIOCSIFFLAGS, &ifr);
out:
	if (ret)
		HVH_LOG(WARNING, "cannot rename %s to %s: %s", v->ifname, to,
			strerror(-ret));
	close(s);
	return ret;
}

static void
hvh_vfpci_net_event(struct hvh_vfpci *v, const char *action,
		    const char *old_name)
{
	char devpath[256], vars[256];
	size_t n;

	hvh_vfpci_devpath(v, devpath, sizeof(devpath));
	n = strlen(devpath);
	snprintf(devpath + n, sizeof(devpath) - n, "/net/%s", v->ifname);
	n = snprintf(vars, sizeof(vars), "INTERFACE=%s\nIFINDEX=%u",
		     v->ifname, if_nametoindex(v->ifname));
	if (old_name != NULL && n < sizeof(vars))
		snprintf(vars + n, sizeof(vars) - n,
			 "\nDEVPATH_OLD=/devices/pci%04x:%02x/%s/net/%s",
			 v->conf.domain, v->conf.bus, v->name, old_name);
	hvh_vfpci_uevent(v, action, devpath, "net", vars);
}

static int
hvh_vfpci_net_dir(struct hvh_vfpci *v, int make)
{
	char path[PATH_MAX];
	int ret;

	ret = hvh_vfpci_path(path, sizeof(path), v,
			     "/sys/devices/pci%04x:%02x/%s/net/%s",
			     v->conf.domain, v->conf.bus, v->name, v->ifname);
	if (ret)
		return ret;
	if (make) {
		ret = hvh_mkdirs(path);
		if (ret == 0)
			ret = hvh_attr(path, "address",
				"%02x:%02x:%02x:%02x:%02x:%02x\n",
				v->cur_mac[0], v->cur_mac[1], v->cur_mac[2],
				v->cur_mac[3], v->cur_mac[4], v->cur_mac[5]);
		return ret;
	}
	nftw(path, hvh_rm_one, 4, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void
hvh_vfpci_arm(struct hvh_vfpci *v)
{
	struct itimerspec its = { 0 };
	uint64_t next = 0;
	unsigned int i;

	for (i = 0; i < HVH_STEP_COUNT; i++)
		if (v->due[i] && (next == 0 || v->due[i] < next))
			next = v->due[i];
	if (next) {
		its.it_value.tv_sec = next / 1000000000ull;
		its.it_value.tv_nsec = next % 1000000000ull;
	}
	timerfd_settime(v->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void
hvh_vfpci_at(struct hvh_vfpci *v, enum hvh_vfpci_step s, uint64_t ms)
{
	v->due[s] = hvh_vfpci_now() + ms * 1000000ull;
	if (v->due[s] == 0)
		v->due[s] = 1;
	hvh_vfpci_arm(v);
}

/* The device appears: attributes, then add@, no driver yet. */
static int
hvh_vfpci_appear(struct hvh_vfpci *v)
{
	const struct hvh_vfpci_conf *c = &v->conf;
	char dir[PATH_MAX], link[PATH_MAX], target[256], vars[512];
	char devpath[256];
	int ret;

	snprintf(v->name, sizeof(v->name), "%04x:%02x:%02x.%x", c->domain,
		 c->bus, c->dev, c->fn);
	ret = hvh_vfpci_path(dir, sizeof(dir), v, "/sys/devices/pci%04x:%02x/%s",
			     c->domain, c->bus, v->name);
	if (ret == 0)
		ret = hvh_mkdirs(dir);
	if (ret)
		goto fail;
	hvh_vfpci_pci_vars(v, vars, sizeof(vars), 0);
	if (hvh_attr(dir, "vendor", "0x%04x\n", c->vendor) ||
	    hvh_attr(dir, "device", "0x%04x\n", c->device) ||
	    hvh_attr(dir, "subsystem_vendor", "0x%04x\n", c->vendor) ||
	    hvh_attr(dir, "subsystem_device", "0x%04x\n", c->device) ||
	    hvh_attr(dir, "class", "0x%06x\n", HVH_PCI_CLASS_ETHERNET) ||
	    hvh_attr(dir, "numa_node", "0\n") ||
	    hvh_attr(dir, "modalias", "%s\n",
			   strstr(vars, "MODALIAS=") + 9) ||
	    /* BAR0, 64-bit prefetchable memory; the rest unused. */
	    hvh_attr(dir, "resource",
			   "0x00000000fe000000 0x00000000fe0fffff 0x000000000014220c\n"
			   "%s", "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n")) {
		ret = -EIO;
		goto fail;
	}
	ret = hvh_vfpci_path(link, sizeof(link), v, "/sys/bus/pci/devices/%s",
			     v->name);
	snprintf(target, sizeof(target), "../../../devices/pci%04x:%02x/%s",
		 c->domain, c->bus, v->name);
	if (ret == 0 && symlink(target, link) != 0)
		ret = -errno;
	if (ret)
		goto fail;
	v->present = 1;
	hvh_vfpci_devpath(v, devpath, sizeof(devpath));
	hvh_vfpci_uevent(v, "add", devpath, "pci", vars);
	HVH_LOG(NOTICE, "VF %s (%04x:%04x) hot-added", v->name, c->vendor,
		c->device);
	return 0;
fail:
	HVH_LOG(ERR, "cannot present VF %s: %s", v->name, strerror(-ret));
	return ret;
}

/*
 * The guest has the VF as its kernel names it: a servicing offers the
 * association now. A rename is udev's work right after the driver
 * registers the interface, before anything uses it (a TAP is renamed
 * down), so the offer waits for it.
 */
static void
hvh_vfpci_ready(struct hvh_vfpci *v)
{
	if (!v->offer_on_bind)
		return;
	v->offer_on_bind = 0;
	v->assoc(v->arg, 1);
}

/* The driver binds and registers the network interface. */
static void
hvh_vfpci_bind(struct hvh_vfpci *v)
{
	const struct hvh_vfpci_conf *c = &v->conf;
	char path[PATH_MAX], target[256], vars[512], devpath[256];
	uint8_t first[6];

	if (hvh_vfpci_path(path, sizeof(path), v, "/sys/bus/pci/drivers/%s",
			   hvh_vfpci_driver(c)) == 0)
		hvh_mkdirs(path);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s",
		 hvh_vfpci_driver(c));
	if (hvh_vfpci_path(path, sizeof(path), v,
			   "/sys/devices/pci%04x:%02x/%s/driver", c->domain,
			   c->bus, v->name) != 0 || symlink(target, path) != 0)
		HVH_LOG(ERR, "cannot bind VF %s: %s", v->name, strerror(errno));
	hvh_vfpci_pci_vars(v, vars, sizeof(vars), 1);
	hvh_vfpci_devpath(v, devpath, sizeof(devpath));
	hvh_vfpci_uevent(v, "bind", devpath, "pci", vars);
	/* The interface, under the kernel's first name with --vf-rename. */
	snprintf(v->ifname, sizeof(v->ifname), "%s", c->ifname);
	if (c->rename) {
		char tmp[IFNAMSIZ];

		snprintf(tmp, sizeof(tmp), "eth%u", 100 + v->adds % 100);
		if (hvh_vfpci_set_name(v, tmp) == 0)
			hvh_vfpci_at(v, HVH_STEP_RENAME, HVH_VFPCI_RENAME_MS);
	}
	if (c->mac_delay_ms) {
		/* Locally administered, never the NIC's: nobody matches it. */
		memcpy(first, c->mac, 6);
		first[0] = 0x02;
		first[5] ^= 0xff;
		memcpy(v->cur_mac, first, 6);
		hvh_vfpci_at(v, HVH_STEP_MAC, c->mac_delay_ms);
	} else {
		memcpy(v->cur_mac, c->mac, 6);
	}
	hvh_vfpci_net_dir(v, 1);
	hvh_vfpci_net_event(v, "add", NULL);
	v->bound = 1;
	if (v->due[HVH_STEP_RENAME] == 0)
		hvh_vfpci_ready(v);
}

static void
hvh_vfpci_rename_final(struct hvh_vfpci *v)
{
	char old[IFNAMSIZ];

	if (!v->bound)
		return;
	snprintf(old, sizeof(old), "%s", v->ifname);
	hvh_vfpci_net_dir(v, 0);
	hvh_vfpci_set_name(v, v->conf.ifname);
	hvh_vfpci_net_dir(v, 1);
	hvh_vfpci_net_event(v, "move", old);
	hvh_vfpci_ready(v);
}

int
hvh_vfpci_add(struct hvh_vfpci *v)
{
	int ret;

	if (!v->conf.present)
		return -ENODEV;
	if (v->present)
		return -EALREADY;
	if (v->conf.rotate && v->adds > 0)
		v->conf.dev = v->conf.dev % 0x1f + 1;
	ret = hvh_vfpci_appear(v);
	if (ret)
		return ret;
	v->adds++;
	hvh_vfpci_at(v, HVH_STEP_BIND, HVH_VFPCI_BIND_MS);
	return 0;
}

int
hvh_vfpci_remove(struct hvh_vfpci *v)
{
	const struct hvh_vfpci_conf *c = &v->conf;
	char path[PATH_MAX], vars[512], devpath[256];

	if (!v->conf.present)
		return -ENODEV;
	if (!v->present)
		return -EALREADY;
	v->due[HVH_STEP_BIND] = v->due[HVH_STEP_MAC] = 0;
	v->due[HVH_STEP_RENAME] = 0;
	hvh_vfpci_arm(v);
	hvh_vfpci_devpath(v, devpath, sizeof(devpath));
	if (v->bound) {
		hvh_vfpci_net_dir(v, 0);
		hvh_vfpci_net_event(v, "remove", NULL);
		/* The next add names it afresh. */
		if (strcmp(v->ifname, c->ifname) != 0)
			hvh_vfpci_set_name(v, c->ifname);
		if (hvh_vfpci_path(path, sizeof(path), v,
				   "/sys/devices/pci%04x:%02x/%s/driver",
				   c->domain, c->bus, v->name) == 0)
			unlink(path);
		hvh_vfpci_pci_vars(v, vars, sizeof(vars), 1);
		hvh_vfpci_uevent(v, "unbind", devpath, "pci", vars);
		v->bound = 0;
	}
	if (hvh_vfpci_path(path, sizeof(path), v, "/sys/bus/pci/devices/%s",
			   v->name) == 0)
		unlink(path);
	if (hvh_vfpci_path(path, sizeof(path), v,
			   "/sys/devices/pci%04x:%02x/%s", c->domain, c->bus,
			   v->name) == 0)
		nftw(path, hvh_rm_one, 8, FTW_DEPTH | FTW_PHYS);
	v->present = 0;
	hvh_vfpci_pci_vars(v, vars, sizeof(vars), 0);
	hvh_vfpci_uevent(v, "remove", devpath, "pci", vars);
	HVH_LOG(NOTICE, "VF %s hot-removed", v->name);
	return 0;
}

/*
 * Azure's servicing: withdraw the association, remove the device, and
 * secs later add it back and offer the association once it is bound.
 */
int
hvh_vfpci_service(struct hvh_vfpci *v, unsigned int secs)
{
	if (!v->conf.present)
		return -ENODEV;
	if (v->due[HVH_STEP_SVC_REMOVE] || v->due[HVH_STEP_SVC_ADD])
		return -EBUSY;
	HVH_LOG(NOTICE, "servicing the VF: back in %u s", secs);
	v->assoc(v->arg, 0);
	hvh_vfpci_at(v, HVH_STEP_SVC_REMOVE, HVH_VFPCI_REMOVE_MS);
	hvh_vfpci_at(v, HVH_STEP_SVC_ADD, (uint64_t)secs * 1000);
	if (secs * 1000ull <= HVH_VFPCI_REMOVE_MS)
		v->due[HVH_STEP_SVC_ADD] = v->due[HVH_STEP_SVC_REMOVE] + 1;
	return 0;
}

static void
hvh_vfpci_run(struct hvh_vfpci *v, enum hvh_vfpci_step s)
{
	switch (s) {
	case HVH_STEP_BIND:
		hvh_vfpci_bind(v);
		break;
	case HVH_STEP_MAC:
		hvh_vfpci_set_mac(v, v->conf.mac);
		HVH_LOG(INFO, "VF %s: interface %s has its MAC now", v->name,
			v->ifname);
		break;
	case HVH_STEP_RENAME:
		hvh_vfpci_rename_final(v);
		break;
	case HVH_STEP_SVC_REMOVE:
		hvh_vfpci_remove(v);
		break;
	case HVH_STEP_SVC_ADD:
		v->offer_on_bind = 1;
		if (hvh_vfpci_add(v) != 0) {
			v->offer_on_bind = 0;
			v->assoc(v->arg, 1);
		}
		break;
	default:
		break;
	}
}

/*
 * Close the listeners whose process is gone.  A guest that exits hangs up
 * without ever failing a send (no uevent may come for hours), so waiting
 * for a send error would keep one socket per guest that ever ran.
 */
static void
hvh_vfpci_reap(struct hvh_vfpci *v)
{
	unsigned int i;

	for (i = 0; i < v->nclients; ) {
		struct pollfd p = { .fd = v->clients[i] };

		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR))) {
			close(v->clients[i]);
			v->clients[i] = v->clients[--v->nclients];
			continue;
		}
		i++;
	}
}

void
hvh_vfpci_poll(struct hvh_vfpci *v)
{
	uint64_t now = hvh_vfpci_now(), expirations;
	unsigned int i;
	int fd;

	hvh_vfpci_reap(v);
	while ((fd = accept4(v->listen_fd, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		/* Only hang-ups wake us for a listener: it never sends. */
		struct epoll_event hup = { .events = 0, .data.fd = fd };

		if (v->nclients == HVH_VFPCI_CLIENTS_MAX) {
			HVH_LOG(WARNING, "too many uevent listeners");
			close(fd);
			continue;
		}
		shutdown(fd, SHUT_RD);
		if (epoll_ctl(v->ep_fd, EPOLL_CTL_ADD, fd, &hup) != 0)
			HVH_LOG(DEBUG, "uevent listener: %s", strerror(errno));
		v->clients[v->nclients++] = fd;
	}
	if (read(v->timer_fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		HVH_LOG(DEBUG, "timer: %s", strerror(errno));
	/* In step order: a due remove runs before a due add. */
	for (i = 0; i < HVH_STEP_COUNT; i++) {
		if (v->due[i] == 0 || v->due[i] > now)
			continue;
		v->due[i] = 0;
		hvh_vfpci_run(v, i);
	}
	hvh_vfpci_arm(v);
}

int
hvh_vfpci_fd(const struct hvh_vfpci *v)
{
	return v->ep_fd;
}

int
hvh_vfpci_create(struct hvh_vfpci **out, const struct hvh_vfpci_conf *c,
		 hvh_vfpci_assoc_fn assoc, void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	struct hvh_vfpci *v;
	char path[PATH_MAX];
	int ret;

	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	v->conf = *c;
	v->assoc = assoc;
	v->arg = arg;
	v->listen_fd = v->timer_fd = v->ep_fd = -1;
	/* A machine without the VF still has a PCI bus, empty. */
	ret = hvh_vfpci_path(path, sizeof(path), v, "/sys/bus/pci/devices");
	if (ret == 0)
		ret = hvh_mkdirs(path);
	if (ret == 0)
		ret = hvh_vfpci_path(path, sizeof(path), v, "/hvh");
	if (ret == 0)
		ret = hvh_mkdirs(path);
	if (ret)
		goto fail;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), HVH_UEVENT_SOCK_FMT,
		     c->root) >= (int)sizeof(sa.sun_path)) {
		ret = -ENAMETOOLONG;
		goto fail;
	}
	unlink(sa.sun_path);
	v->listen_fd = socket(AF_UNIX, HVH_UEVENT_SOCK_TYPE | SOCK_NONBLOCK |
			      SOCK_CLOEXEC, 0);
	if (v->listen_fd < 0 ||
	    bind(v->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(v->listen_fd, 8) != 0) {
		ret = -errno;
		goto fail;
	}
	v->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				     TFD_NONBLOCK | TFD_CLOEXEC);
	v->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (v->timer_fd < 0 || v->ep_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ev.data.fd = v->listen_fd;
	epoll_ctl(v->ep_fd, EPOLL_CTL_ADD, v->listen_fd, &ev);
	ev.data.fd = v->timer_fd;
	epoll_ctl(v->ep_fd, EPOLL_CTL_ADD, v->timer_fd, &ev);
	/* Present at boot: complete at once, no uevent listener yet. */
	if (c->present) {
		ret = hvh_vfpci_add(v);
		if (ret)
			goto fail;
		v->due[HVH_STEP_BIND] = 0;
		hvh_vfpci_bind(v);
		if (c->mac_delay_ms) {
			v->due[HVH_STEP_MAC] = 0;
			hvh_vfpci_set_mac(v, c->mac);
		}
		if (c->rename) {
			v->due[HVH_STEP_RENAME] = 0;
			hvh_vfpci_rename_final(v);
		}
		hvh_vfpci_arm(v);
	}
	*out = v;
	return 0;
fail:
	HVH_LOG(ERR, "cannot set up the PCI bus under %s: %s", c->root,
		strerror(-ret));
	hvh_vfpci_destroy(v);
	return ret;
}

void
hvh_vfpci_destroy(struct hvh_vfpci *v)
{
	char path[PATH_MAX];
	unsigned int i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nclients; i++)
		close(v->clients[i]);
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	if (v->timer_fd >= 0)
		close(v->timer_fd);
	if (v->ep_fd >= 0)
		close(v->ep_fd);
	if (v->present && v->ifname[0] != '\0' &&
	    strcmp(v->ifname, v->conf.ifname) != 0)
		hvh_vfpci_set_name(v, v->conf.ifname);
	if (hvh_vfpci_path(path, sizeof(path), v, "/hvh") == 0)
		nftw(path, hvh_rm_one, 8, FTW_DEPTH | FTW_PHYS);
	if (hvh_vfpci_path(path, sizeof(path), v, "/sys/bus/pci") == 0)
		nftw(path, hvh_rm_one, 8, FTW_DEPTH | FTW_PHYS);
	if (hvh_vfpci_path(path, sizeof(path), v, "/sys/devices/pci%04x:%02x",
			   v->conf.domain, v->conf.bus) == 0)
		nftw(path, hvh_rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(v);
}
