/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * hv-host: a user-space Hyper-V host presenting a synthetic NIC through the
 * uio_hv_generic surface.  This file is the program around the NIC model:
 * options, the adaptive polling loop, the control socket and the stats.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hvh_backend.h"
#include "hvh_bench.h"
#include "hvh_log.h"
#include "hvh_nic.h"
#include "hvh_vfpci.h"

/* Adaptive polling: spin this long after the last work, then sleep with a
 * doubling timeout between these bounds (doorbells are memory bits, so a
 * sleeping host notices them at the next wake-up).
 */
#define HVH_SPIN_NS		200000ull
#define HVH_SLEEP_MIN_NS	20000ull
#define HVH_SLEEP_MAX_NS	1000000ull

static volatile sig_atomic_t hvh_stop;

/* The spin-wait hint of the CPU hv-host runs on (it runs on arm64 too). */
static inline void
hvh_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

static void
hvh_on_signal(int sig)
{
	(void)sig;
	hvh_stop = 1;
}

static void
usage(const char *prog)
{
	printf("Usage: %s [options]\n"
	       "       %s --ctl PATH COMMAND...   (talk to a running hv-host)\n"
	       "\n"
	       "A user-space Hyper-V host: presents a synthetic NIC (NVSP 1..6.1,\n"
	       "RNDIS) through the sysfs and /dev/uioN surface of uio_hv_generic\n"
	       "under --root, for DPDK processes run with hv-preload.\n"
	       "\n"
	       "  --nics N            synthetic NICs presented, 1..%u (default 1): NIC I is\n"
	       "                      /dev/uioI, its own VMBus device, channels, buffers\n"
	       "                      and backend\n"
	       "  --backend SPEC      frame backend (default loopback): %s\n"
	       "  --mac MAC           MAC of the synthetic NIC (default 00:15:5d:00:00:01;\n"
	       "                      NIC I gets this MAC plus I unless given its own)\n"
	       "  --mtu N             largest MTU the host carries (default 1500); the guest's\n"
	       "                      NDIS config picks the MTU in force within it\n"
	       "  --channels N        channels granted at most, primary included (default 4)\n"
	       "  --nvs-version X.Y   highest NVSP version offered: 1, 2, 4, 5, 6, 6.1 (default 6.1)\n"
	       "  --vf-mac MAC        offer a VF association for that MAC once RNDIS is up\n"
	       "  --vf-serial N       VF serial number in the association (default 1)\n"
	       "  --vf-delay-ms N     delay between RNDIS set-up and the offer (default 200)\n"
	       "  --vf-ctl PATH       VF stand-in control file: \"present\" / \"removed\" written\n"
	       "                      when the VF is offered / withdrawn\n"
	       "  --vf-pci BDF[,VEN:DEV]  a PCI VF in the machine (default id 15b3:1016, a\n"
	       "                      ConnectX-4 Lx VF; 1414:00ba is MANA), present at start\n"
	       "  --vf-ifname NAME    the VF's network interface (a TAP made beforehand)\n"
	       "  --vf-pci-rotate     each hot-add at the next PCI device number\n"
	       "  --vf-mac-delay-ms N the interface gets the VF's MAC N ms after a hot-add\n"
	       "  --vf-rename         the interface appears as ethN, renamed 500 ms later\n"
	       "  --control PATH      control socket (commands: link up|down, vf offer|withdraw,\n"
	       "                      vf service [SECONDS], vf remove, vf add,\n"
	       "                      vf reset [SECONDS], stats,\n"
	       "                      fault NAME, hostile SEED[:PERMILLE]|off, quit;\n"
	       "                      \"nic I COMMAND\" for NIC I, NIC 0\n"
	       "                      without; nics lists \"index instance-id mac\")\n"
	       "  --hostile SEED[:PERMILLE]  a hostile host: mutate PERMILLE per mille\n"
	       "                      (default 10) of the packets written to the guest\n"
	       "                      (ring indices, descriptors, NVSP completions and\n"
	       "                      notifications, transfer pages, RNDIS replies and\n"
	       "                      data, and forged indirection tables, VF associations\n"
	       "                      and link indications), reproducibly from SEED;\n"
	       "                      counts by kind in stats (control: hostile\n"
	       "                      SEED[:PERMILLE] | off)\n"
	       "  --root DIR          root of the emulated /sys and /dev (default\n"
	       "                      /dev/shm/hv-host-<pid>)\n"
	       "  --kernel VER        surface variant: current (default) or 4.16 (no\n"
	       "                      per-channel ring files: single queue)\n"
	       "  --device-id UUID    instance GUID of the NIC (default derived from the pid;\n"
	       "                      NIC I gets it plus I in the last group unless given\n"
	       "                      its own)\n"
	       "  --relid N           relid of the primary channel (default 14; NIC I's is\n"
	       "                      N + 64 * I)\n"
	       "  --numa-node N|none  the NIC's numa_node attribute (default 0): the\n"
	       "                      node of its primary channel's CPU; none: absent,\n"
	       "                      as on a kernel without CONFIG_NUMA\n"
	       "  --bench MODE        guest-less microbenchmark: sink or source (see doc)\n"
	       "  --bench-frames N    frames per benchmark run (default 5000000)\n"
	       "  --bench-size N      frame size for --bench (default 64)\n"
	       "  --exit-with-parent  stop as on SIGTERM when the process that started\n"
	       "                      hv-host ends (how scripts tie it to themselves)\n"
	       "  --log-level N       0 err .. 4 debug (default 2)\n"
	       "  -v                  more logging\n"
	       "  --help              this text\n"
	       "\n"
	       "The NIC options (--backend, --mac, --mtu, --channels, --nvs-version,\n"
	       "--vf-mac, --vf-serial, --vf-delay-ms, --vf-ctl, --device-id, --numa-node)\n"
	       "apply to every NIC, or to NIC I alone with a nic=I: prefix (--backend\n"
	       "nic=1:tap:hv1); the PCI VF options (--vf-pci ...) are NIC 0's.\n",
	       prog, prog, HVH_NICS_MAX, hvh_backend_usage());
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int
parse_nvs(const char *s, uint32_t *v)
{
	static const struct { const char *name; uint32_t v; } t[] = {
		{ "1", HVH_NVSP_V1 }, { "1.0", HVH_NVSP_V1 },
		{ "2", HVH_NVSP_V2 }, { "2.0", HVH_NVSP_V2 },
		{ "4", HVH_NVSP_V4 }, { "4.0", HVH_NVSP_V4 },
		{ "5", HVH_NVSP_V5 }, { "5.0", HVH_NVSP_V5 },
		{ "6", HVH_NVSP_V6 }, { "6.0", HVH_NVSP_V6 },
		{ "6.1", HVH_NVSP_V61 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(s, t[i].name) == 0) {
			*v = t[i].v;
			return 0;
		}
	}
	return -1;
}

static long
parse_num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "hv-host: invalid %s '%s' (%ld..%ld)\n", what,
			s, min, max);
		exit(2);
	}
	return v;
}

/* "SEED[:PERMILLE]" of --hostile and of the hostile command: 0 or -1. */
static int
parse_hostile(const char *s, uint64_t *seed, uint32_t *permille)
{
	unsigned long long v;
	unsigned long p = 10;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || (*end != '\0' && *end != ':'))
		return -1;
	if (*end == ':') {
		s = end + 1;
		if (*s < '0' || *s > '9')
			return -1;
		p = strtoul(s, &end, 10);
		if (*end != '\0' || p > 1000)
			return -1;
	}
	*seed = v;
	*permille = (uint32_t)p;
	return 0;
}

/* ---- control socket ---- */

/*
 * Control connections whose command has not arrived yet. The data path
 * of every NIC runs in the same loop, so no connection may be waited
 * for: a client that waits for a CPU between connect and write (on a
 * loaded machine, a second or more) would stop every guest's frames
 * meanwhile. A connection has CTL_CMD_NS to send its command.
 */
#define CTL_PENDING_MAX	8
#define CTL_CMD_NS	5000000000ull

struct ctl_conn {
	int fd;			/* -1: free */
	size_t len;
	uint64_t deadline;
	char buf[256];
};

static struct ctl_conn ctl_conns[CTL_PENDING_MAX];

static int
ctl_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int i;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hv-host: control path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	for (i = 0; i < CTL_PENDING_MAX; i++)
		ctl_conns[i].fd = -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 8) < 0) {
		fprintf(stderr, "hv-host: control socket %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The PCI VF's commands: 1 when cmd was one of them. */
static int
ctl_vfpci(struct hvh_vfpci *vp, const char *cmd, FILE *out)
{
	unsigned long secs = 2;
	char *end;
	int ret;

	if (strcmp(cmd, "vf remove") == 0) {
		ret = hvh_vfpci_remove(vp);
	} else if (strcmp(cmd, "vf add") == 0) {
		ret = hvh_vfpci_add(vp);
	} else if (strncmp(cmd, "vf service", 10) == 0 &&
		   (cmd[10] == '\0' || cmd[10] == ' ')) {
		if (cmd[10] == ' ') {
			secs = strtoul(cmd + 11, &end, 10);
			if (end == cmd + 11 || *end != '\0' || secs > 3600) {
				fprintf(out, "error: vf service [0..3600]\n");
				return 1;
			}
		}
		ret = hvh_vfpci_service(vp, secs);
	} else {
		return 0;
	}
	if (ret == -ENODEV)
		fprintf(out, "error: no PCI VF (--vf-pci)\n");
	else if (ret == -EALREADY)
		fprintf(out, "error: the VF is already %s\n",
			strcmp(cmd, "vf add") == 0 ? "present" : "removed");
	else if (ret == -EBUSY)
		fprintf(out, "error: a servicing is running\n");
	else if (ret)
		fprintf(out, "error: %s\n", strerror(-ret));
	else
		fprintf(out, "ok\n");
	return 1;
}

/* Stats of NIC i > 0 at exit: every line prefixed "nic I ". */
static void
print_stats_prefixed(struct hvh_nic *nic, unsigned int i, FILE *f)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	hvh_nic_print_stats(nic, m);
	fclose(m);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(f, "nic %u %s\n", i, line);
	free(buf);
}

/* The NICs of this host, for the control socket and the loop. */
struct hvh_nics {
	struct hvh_nic *nic[HVH_NICS_MAX];
	const struct hvh_nic_conf *conf;	/* conf[i] made nic[i] */
	unsigned int n;
	struct hvh_vfpci *vp;			/* NIC 0's PCI VF */
};

static void
ctl_exec(const struct hvh_nics *h, char *cmd, FILE *out)
{
	char *nl = strpbrk(cmd, "\r\n"), *end;
	struct hvh_nic *nic = h->nic[0];
	unsigned long i;

	if (nl)
		*nl = '\0';
	if (strncmp(cmd, "nic ", 4) == 0) {
		i = strtoul(cmd + 4, &end, 10);
		if (end == cmd + 4 || *end != ' ' || i >= h->n) {
			fprintf(out, "error: no NIC '%.*s' (0..%u)\n",
				(int)strcspn(cmd + 4, " "), cmd + 4, h->n - 1);
			return;
		}
		nic = h->nic[i];
		cmd = end + 1;
	}
	if (nic == h->nic[0] && ctl_vfpci(h->vp, cmd, out))
		return;
	if (strcmp(cmd, "link down") == 0) {
		hvh_nic_set_link(nic, 0);
	} else if (strcmp(cmd, "link up") == 0) {
		hvh_nic_set_link(nic, 1);
	} else if (strcmp(cmd, "vf offer") == 0) {
		hvh_nic_vf(nic, 1);
	} else if (strcmp(cmd, "vf withdraw") == 0) {
		hvh_nic_vf(nic, 0);
	} else if (strncmp(cmd, "vf reset", 8) == 0 &&
		   (cmd[8] == '\0' || cmd[8] == ' ')) {
		unsigned long secs = 2;
		int ret;

		if (cmd[8] == ' ') {
			secs = strtoul(cmd + 9, &end, 10);
			if (end == cmd + 9 || *end != '\0' || secs > 3600) {
				fprintf(out, "error: vf reset [0..3600]\n");
				return;
			}
		}
		ret = hvh_nic_vf_reset(nic, secs);
		if (ret) {
			fprintf(out, "error: %s\n", ret == -ENODEV ?
				"vf reset needs --vf-ctl (a stand-in's control file)" :
				ret == -ENOENT ? "no VF device" :
				"the VF is being reset");
			return;
		}
	} else if (strncmp(cmd, "fault ", 6) == 0) {
		int ret = hvh_fault_arm(nic, cmd + 6);

		if (ret == -EINVAL) {
			fprintf(out, "error: unknown fault '%s' (faults: %s)\n",
				cmd + 6, hvh_fault_names());
			return;
		}
		if (ret) {
			fprintf(out, "error: no guest with a receive buffer\n");
			return;
		}
	} else if (strncmp(cmd, "hostile ", 8) == 0) {
		uint64_t seed = 0;
		uint32_t pm = 0;

		if (strcmp(cmd + 8, "off") != 0 &&
		    parse_hostile(cmd + 8, &seed, &pm)) {
			fprintf(out, "error: hostile SEED[:PERMILLE] (0..1000) "
				"or off\n");
			return;
		}
		hvh_nic_hostile(nic, seed, pm);
	} else if (strcmp(cmd, "stats") == 0) {
		hvh_nic_print_stats(nic, out);
	} else if (strcmp(cmd, "nics") == 0) {
		for (i = 0; i < h->n; i++) {
			const uint8_t *m = h->conf[i].mac;

			fprintf(out, "%lu %s %02x:%02x:%02x:%02x:%02x:%02x\n",
				i, h->conf[i].surface.uuid, m[0], m[1], m[2],
				m[3], m[4], m[5]);
		}
	} else if (strcmp(cmd, "quit") == 0) {
		hvh_stop = 1;
	} else {
		fprintf(out, "error: unknown command '%s'\n", cmd);
		return;
	}
	fprintf(out, "ok\n");
}

static void
ctl_drop(struct ctl_conn *c)
{
	close(c->fd);
	c->fd = -1;
}

/* Read what the client sent; run the command once its line is whole. */
static void
ctl_conn_poll(const struct hvh_nics *h, struct ctl_conn *c, uint64_t now)
{
	struct timeval tv = { .tv_sec = 1 };
	ssize_t n;
	FILE *out;

	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		if (now > c->deadline)
			ctl_drop(c);
		return;
	}
	if (n <= 0 && c->len == 0) {
		ctl_drop(c);
		return;
	}
	if (n > 0)
		c->len += n;
	c->buf[c->len] = '\0';
	/* Wait for the line's end, unless the client is done or the
	 * buffer full.
	 */
	if (n > 0 && strchr(c->buf, '\n') == NULL &&
	    c->len < sizeof(c->buf) - 1)
		return;
	/* The reply is short; a client that does not read it is given a
	 * second, as the command's reader was before.
	 */
	if (fcntl(c->fd, F_SETFL, 0) != 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
		ctl_drop(c);
		return;
	}
	out = fdopen(c->fd, "w");
	if (!out) {
		ctl_drop(c);
		return;
	}
	ctl_exec(h, c->buf, out);
	fclose(out);
	c->fd = -1;
}

/* ep: the idle loop's epoll set, which a pending client's data wakes. */
static void
ctl_service(const struct hvh_nics *h, int lfd, int ep)
{
	struct epoll_event ev = { .events = EPOLLIN };
	uint64_t now = hvh_now_ns();
	unsigned int i;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < CTL_PENDING_MAX; i++)
			if (ctl_conns[i].fd < 0)
				break;
		if (i == CTL_PENDING_MAX) {
			/* Too many silent clients: the newest waits no more. */
			close(fd);
			continue;
		}
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			continue;
		}
		ctl_conns[i].fd = fd;
		ctl_conns[i].len = 0;
		ctl_conns[i].deadline = now + CTL_CMD_NS;
	}
	for (i = 0; i < CTL_PENDING_MAX; i++)
		if (ctl_conns[i].fd >= 0)
			ctl_conn_poll(h, &ctl_conns[i], now);
}

static int
ctl_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cmd[256] = "", buf[4096], last[4096] = "";
	ssize_t n;
	int fd, i;

	for (i = 0; i < argc; i++) {
		strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 2);
		if (i + 1 < argc)
			strcat(cmd, " ");
	}
	strcat(cmd, "\n");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "hv-host: cannot reach %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (write(fd, cmd, strlen(cmd)) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		fputs(buf, stdout);
		snprintf(last, sizeof(last), "%s", buf);
	}
	close(fd);
	/* Success iff the reply ended with "ok". */
	n = strlen(last);
	return n >= 3 && strcmp(last + n - 3, "ok\n") == 0 ? 0 : 1;
}

/* ---- main loop ---- */

static void
hvh_assoc(void *arg, int offer)
{
	hvh_nic_vf(arg, offer);
}

/* One fd the idle loop sleeps on: the control socket and the PCI side. */
static int
hvh_wait_fd(int ctl_fd, int vp_fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -1;
	ev.data.fd = vp_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, vp_fd, &ev) != 0)
		goto fail;
	ev.data.fd = ctl_fd;
	if (ctl_fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, ctl_fd, &ev) != 0)
		goto fail;
	return ep;
fail:
	close(ep);
	return -1;
}

static void
run(const struct hvh_nics *h, int wait_fd, int ctl_fd,
    const sigset_t *stop_sigs)
{
	uint64_t last_work = hvh_now_ns(), backoff = 0;
	unsigned int iter = 0, i, w;
	int always;

	while (!hvh_stop) {
		uint64_t now;

		w = 0;
		always = 0;
		for (i = 0; i < h->n; i++) {
			w += hvh_nic_poll(h->nic[i]);
			always |= hvh_nic_rx_always(h->nic[i]);
		}
		/* Listeners first: one that connected before a command
		 * hears of what the command does, as on netlink.
		 */
		if ((++iter & 1023) == 0) {
			hvh_vfpci_poll(h->vp);
			if (ctl_fd >= 0)
				ctl_service(h, ctl_fd, wait_fd);
		}
		now = hvh_now_ns();
		/* A generator always has frames: never sleep while a guest
		 * takes them, or the guest idles on an empty ring.
		 */
		if (w || always) {
			last_work = now;
			backoff = 0;
			continue;
		}
		if (now - last_work < HVH_SPIN_NS) {
			hvh_cpu_relax();
			continue;
		}
		backoff = backoff ? backoff * 2 : HVH_SLEEP_MIN_NS;
		if (backoff > HVH_SLEEP_MAX_NS)
			backoff = HVH_SLEEP_MAX_NS;
		hvh_nics_sleep(h->nic, h->n, wait_fd, backoff, &hvh_stop,
			       stop_sigs);
		/* Idle: the uio sockets cost nothing compared to sleeping. */
		for (i = 0; i < h->n; i++)
			hvh_nic_wake(h->nic[i]);
		hvh_vfpci_poll(h->vp);
		if (ctl_fd >= 0)
			ctl_service(h, ctl_fd, wait_fd);
	}
}

/*
 * A NIC option's target: "nic=I:VALUE" names NIC I (returned, *val moved
 * past the prefix), a plain VALUE every NIC (-1); -2 on a bad prefix.
 */
static int
nic_target(const char **val)
{
	const char *v = *val;
	char *end;
	unsigned long i;

	if (strncmp(v, "nic=", 4) != 0)
		return -1;
	i = strtoul(v + 4, &end, 10);
	if (end == v + 4 || *end != ':' || i >= HVH_NICS_MAX) {
		fprintf(stderr, "hv-host: bad NIC prefix in '%s' (nic=0..%u:)\n",
			v, HVH_NICS_MAX - 1);
		return -2;
	}
	*val = end + 1;
	return (int)i;
}

/* The instance GUID of NIC i: the base plus i in its last group. */
static int
nic_uuid(char *out, size_t len, const char *base, unsigned int i)
{
	unsigned long long node;
	char *end;

	if (i == 0) {
		snprintf(out, len, "%s", base);
		return 0;
	}
	if (strlen(base) != 36 || base[23] != '-')
		return -1;
	node = strtoull(base + 24, &end, 16);
	if (*end != '\0')
		return -1;
	snprintf(out, len, "%.24s%012llx", base,
		 (node + i) & 0xffffffffffffull);
	return 0;
}

enum {
	OPT_BACKEND = 256, OPT_MAC, OPT_MTU, OPT_CHANNELS, OPT_NVS, OPT_VF_MAC,
	OPT_VF_SERIAL, OPT_VF_DELAY, OPT_CONTROL, OPT_ROOT, OPT_KERNEL,
	OPT_DEVICE_ID, OPT_RELID, OPT_LOG, OPT_HELP, OPT_CTL, OPT_BENCH,
	OPT_BENCH_FRAMES, OPT_BENCH_SIZE, OPT_VF_CTL, OPT_VF_PCI, OPT_VF_IFNAME,
	OPT_VF_ROTATE, OPT_VF_MAC_DELAY, OPT_VF_RENAME, OPT_NICS, OPT_HOSTILE,
	OPT_NUMA_NODE, OPT_EXIT_WITH_PARENT,
};

static const struct option hvh_opts[] = {
	{ "nics", required_argument, NULL, OPT_NICS },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "channels", required_argument, NULL, OPT_CHANNELS },
	{ "nvs-version", required_argument, NULL, OPT_NVS },
	{ "vf-mac", required_argument, NULL, OPT_VF_MAC },
	{ "vf-serial", required_argument, NULL, OPT_VF_SERIAL },
	{ "vf-delay-ms", required_argument, NULL, OPT_VF_DELAY },
	{ "vf-ctl", required_argument, NULL, OPT_VF_CTL },
	{ "vf-pci", required_argument, NULL, OPT_VF_PCI },
	{ "vf-ifname", required_argument, NULL, OPT_VF_IFNAME },
	{ "vf-pci-rotate", no_argument, NULL, OPT_VF_ROTATE },
	{ "vf-mac-delay-ms", required_argument, NULL, OPT_VF_MAC_DELAY },
	{ "vf-rename", no_argument, NULL, OPT_VF_RENAME },
	{ "hostile", required_argument, NULL, OPT_HOSTILE },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "device-id", required_argument, NULL, OPT_DEVICE_ID },
	{ "relid", required_argument, NULL, OPT_RELID },
	{ "numa-node", required_argument, NULL, OPT_NUMA_NODE },
	{ "exit-with-parent", no_argument, NULL, OPT_EXIT_WITH_PARENT },
	{ "log-level", required_argument, NULL, OPT_LOG },
	{ "ctl", required_argument, NULL, OPT_CTL },
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "bench-frames", required_argument, NULL, OPT_BENCH_FRAMES },
	{ "bench-size", required_argument, NULL, OPT_BENCH_SIZE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	static struct hvh_nic_conf confs[HVH_NICS_MAX];
	uint8_t own_mac[HVH_NICS_MAX] = { 0 }, own_uuid[HVH_NICS_MAX] = { 0 };
	uint8_t named[HVH_NICS_MAX] = { 0 };
	struct hvh_nic_conf *c, *conf = &confs[0];
	struct hvh_surface_conf *sc = &conf->surface;
	const char *control = NULL, *ctl = NULL, *bench = NULL, *val;
	uint64_t bench_frames = 5000000, seed;
	unsigned int bench_size = 64, nnics = 1, i, lo, hi;
	struct hvh_nics h = { .conf = confs };
	struct rusage ru;
	struct hvh_vfpci_conf vpc;
	char base_uuid[40];
	uint32_t v32;
	uint8_t mac[6];
	sigset_t stop_sigs;
	int opt, ctl_fd = -1, wait_fd, ret, t;
	pid_t parent = getppid();
	int exit_with_parent = 0;
	long num;

	memset(conf, 0, sizeof(*conf));
	memset(&vpc, 0, sizeof(vpc));
	snprintf(conf->backend, sizeof(conf->backend), "loopback");
	parse_mac("00:15:5d:00:00:01", conf->mac);
	conf->mtu = 1500;
	conf->max_channels = 4;
	conf->nvs_version_max = HVH_NVSP_V61;
	conf->vf_serial = 1;
	conf->vf_delay_ms = 200;
	snprintf(sc->root, sizeof(sc->root), "/dev/shm/hv-host-%d",
		 (int)getpid());
	snprintf(sc->uuid, sizeof(sc->uuid),
		 "4e5d0001-7668-4f73-8000-%012x", (unsigned int)getpid());
	sc->primary_relid = 14;
	sc->uio_index = 0;
	sc->rxbuf_gpadl = 0x0e1e10;
	sc->txbuf_gpadl = 0x0e1e11;
	for (i = 1; i < HVH_NICS_MAX; i++)
		confs[i] = *conf;

	while ((opt = getopt_long(argc, argv, "vh", hvh_opts, NULL)) != -1) {
		/* A NIC option sets confs[lo..hi): one NIC or all. */
		val = optarg;
		t = -1;
		switch (opt) {
		case OPT_BACKEND: case OPT_MAC: case OPT_MTU:
		case OPT_CHANNELS: case OPT_NVS: case OPT_VF_MAC:
		case OPT_VF_SERIAL: case OPT_VF_DELAY: case OPT_VF_CTL:
		case OPT_DEVICE_ID: case OPT_NUMA_NODE:
			t = nic_target(&val);
			if (t == -2)
				return 2;
			break;
		}
		lo = t < 0 ? 0 : (unsigned int)t;
		hi = t < 0 ? HVH_NICS_MAX : (unsigned int)t + 1;
		if (t >= 0)
			named[t] = 1;
		switch (opt) {
		case OPT_NICS:
			nnics = parse_num(val, 1, HVH_NICS_MAX, "--nics");
			break;
		case OPT_BACKEND:
			for (c = &confs[lo]; c < &confs[hi]; c++)
				snprintf(c->backend, sizeof(c->backend), "%s",
					 val);
			break;
		case OPT_MAC:
			if (parse_mac(val, mac)) {
				fprintf(stderr, "hv-host: bad --mac %s\n", optarg);
				return 2;
			}
			for (c = &confs[lo]; c < &confs[hi]; c++)
				memcpy(c->mac, mac, 6);
			if (t >= 0)
				own_mac[t] = 1;
			break;
		case OPT_MTU:
			num = parse_num(val, 68, 9000, "--mtu");
			for (c = &confs[lo]; c < &confs[hi]; c++)
				c->mtu = num;
			break;
		case OPT_CHANNELS:
			num = parse_num(val, 1, HVH_CHAN_MAX, "--channels");
			for (c = &confs[lo]; c < &confs[hi]; c++)
				c->max_channels = num;
			break;
		case OPT_NVS:
			if (parse_nvs(val, &v32)) {
				fprintf(stderr, "hv-host: bad --nvs-version %s "
					"(1, 2, 4, 5, 6 or 6.1)\n", optarg);
				return 2;
			}
			for (c = &confs[lo]; c < &confs[hi]; c++)
				c->nvs_version_max = v32;
			break;
		case OPT_VF_MAC:
			if (parse_mac(val, mac)) {
				fprintf(stderr, "hv-host: bad --vf-mac %s\n",
					optarg);
				return 2;
			}
			for (c = &confs[lo]; c < &confs[hi]; c++) {
				memcpy(c->vf_mac, mac, 6);
				c->vf_offer = 1;
			}
			break;
		case OPT_VF_SERIAL:
			num = parse_num(val, 0, UINT32_MAX, "--vf-serial");
			for (c = &confs[lo]; c < &confs[hi]; c++)
				c->vf_serial = num;
			break;
		case OPT_VF_DELAY:
			num = parse_num(val, 0, 60000, "--vf-delay-ms");
			for (c = &confs[lo]; c < &confs[hi]; c++)
				c->vf_delay_ms = num;
			break;
		case OPT_VF_CTL:
			if (strlen(val) >= sizeof(conf->vf_ctl) - 8) {
				fprintf(stderr, "hv-host: --vf-ctl path too long\n");
				return 2;
			}
			for (c = &confs[lo]; c < &confs[hi]; c++)
				snprintf(c->vf_ctl, sizeof(c->vf_ctl), "%s",
					 val);
			break;
		case OPT_VF_PCI:
			if (hvh_vfpci_parse(optarg, &vpc)) {
				fprintf(stderr, "hv-host: bad --vf-pci %s "
					"(DDDD:BB:DD.F[,VEN:DEV], VEN 15b3 or 1414)\n",
					optarg);
				return 2;
			}
			break;
		case OPT_VF_IFNAME:
			if (strlen(optarg) >= sizeof(vpc.ifname)) {
				fprintf(stderr, "hv-host: --vf-ifname too long\n");
				return 2;
			}
			snprintf(vpc.ifname, sizeof(vpc.ifname), "%s", optarg);
			break;
		case OPT_VF_ROTATE:
			vpc.rotate = 1;
			break;
		case OPT_VF_MAC_DELAY:
			vpc.mac_delay_ms = parse_num(optarg, 0, 600000,
						     "--vf-mac-delay-ms");
			break;
		case OPT_VF_RENAME:
			vpc.rename = 1;
			break;
		case OPT_EXIT_WITH_PARENT:
			exit_with_parent = 1;
			break;
		case OPT_HOSTILE:
			if (parse_hostile(optarg, &seed, &v32)) {
				fprintf(stderr, "hv-host: bad --hostile %s "
					"(SEED[:PERMILLE], 0..1000)\n", optarg);
				return 2;
			}
			for (c = &confs[0]; c < &confs[HVH_NICS_MAX]; c++) {
				c->hostile_seed = seed;
				c->hostile_permille = v32;
			}
			break;
		case OPT_CONTROL:
			control = optarg;
			break;
		case OPT_ROOT:
			snprintf(sc->root, sizeof(sc->root), "%s", optarg);
			break;
		case OPT_KERNEL:
			if (strcmp(optarg, "4.16") == 0) {
				sc->kernel_416 = 1;
			} else if (strcmp(optarg, "current") != 0) {
				fprintf(stderr, "hv-host: --kernel 4.16 or current\n");
				return 2;
			}
			break;
		case OPT_DEVICE_ID:
			for (c = &confs[lo]; c < &confs[hi]; c++)
				snprintf(c->surface.uuid,
					 sizeof(c->surface.uuid), "%s", val);
			if (t >= 0)
				own_uuid[t] = 1;
			break;
		case OPT_NUMA_NODE:
			num = strcmp(val, "none") == 0 ? -1 :
				parse_num(val, 0, HVH_NUMA_NODES_MAX - 1,
					  "--numa-node");
			for (c = &confs[lo]; c < &confs[hi]; c++)
				c->surface.numa_node = num;
			break;
		case OPT_RELID:
			sc->primary_relid = parse_num(optarg, 1, 60000, "--relid");
			break;
		case OPT_LOG:
			hvh_log_level = parse_num(optarg, 0, 4, "--log-level");
			break;
		case 'v':
			if (hvh_log_level < HVH_LOG_DEBUG)
				hvh_log_level++;
			break;
		case OPT_CTL:
			ctl = optarg;
			break;
		case OPT_BENCH:
			bench = optarg;
			break;
		case OPT_BENCH_FRAMES:
			bench_frames = parse_num(optarg, 1, 1000000000,
						 "--bench-frames");
			break;
		case OPT_BENCH_SIZE:
			bench_size = parse_num(optarg, 60, 1514, "--bench-size");
			break;
		case OPT_HELP:
		case 'h':
			usage(argv[0]);
			return 0;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (ctl)
		return ctl_client(ctl, argc - optind, argv + optind);
	if (optind != argc) {
		fprintf(stderr, "hv-host: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	for (i = nnics; i < HVH_NICS_MAX; i++)
		if (named[i]) {
			fprintf(stderr, "hv-host: options for NIC %u, but --nics %u\n",
				i, nnics);
			return 2;
		}
	/*
	 * Each NIC its own device: /dev/uioI, instance id and MAC (the base
	 * plus I unless given), relids clear of the others' subchannels; the
	 * surface options are the host's.
	 */
	snprintf(base_uuid, sizeof(base_uuid), "%s", sc->uuid);
	for (i = 1; i < nnics; i++) {
		c = &confs[i];
		if (!own_uuid[i] && nic_uuid(c->surface.uuid,
					     sizeof(c->surface.uuid),
					     base_uuid, i)) {
			fprintf(stderr, "hv-host: --device-id %s is not a GUID: give each NIC its own with nic=I:\n",
				base_uuid);
			return 2;
		}
		if (!own_mac[i]) {
			uint32_t low = (c->mac[3] << 16 | c->mac[4] << 8 |
					c->mac[5]) + i;

			c->mac[3] = low >> 16;
			c->mac[4] = low >> 8;
			c->mac[5] = low;
		}
		snprintf(c->surface.root, sizeof(c->surface.root), "%s",
			 sc->root);
		c->surface.kernel_416 = sc->kernel_416;
		c->surface.primary_relid = sc->primary_relid + HVH_CHAN_MAX * i;
		c->surface.uio_index = i;
		c->surface.rxbuf_gpadl = sc->rxbuf_gpadl + 2 * i;
		c->surface.txbuf_gpadl = sc->txbuf_gpadl + 2 * i;
		c->surface.primary_monitor_id = 1;
	}
	if (vpc.present && vpc.ifname[0] == '\0') {
		fprintf(stderr, "hv-host: --vf-pci needs --vf-ifname\n");
		return 2;
	}
	/* Azure offers the association of a VF it plugged in. */
	if (vpc.present && !conf->vf_offer) {
		memcpy(conf->vf_mac, conf->mac, 6);
		conf->vf_offer = 1;
	}
	memcpy(vpc.mac, conf->vf_mac, 6);
	for (i = 0; i < nnics; i++) {
		c = &confs[i];
		if (c->vf_offer && memcmp(c->vf_mac, c->mac, 6) != 0)
			HVH_LOG(WARNING, "NIC %u: --vf-mac differs from its MAC: DPDK and Linux "
				"pair the VF by the synthetic NIC's MAC", i);
	}
	/* Monitor ids must stay below 128 for all channels. */
	sc->primary_monitor_id = 1;
	if (bench)
		return hvh_bench_run(conf, bench, bench_frames, bench_size);

	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGHUP);
	signal(SIGINT, hvh_on_signal);
	signal(SIGTERM, hvh_on_signal);
	signal(SIGHUP, hvh_on_signal);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A host that serves the guests of what started it (a test,
	 * hv-testpmd.sh) stops as on SIGTERM when that is killed (a test at
	 * its time limit) instead of serving on for nobody. Asked for: a
	 * host started from a shell that then exits must serve on.
	 */
	if (exit_with_parent) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			hvh_stop = 1;
	}

	for (h.n = 0; h.n < nnics; h.n++) {
		ret = hvh_nic_create(&h.nic[h.n], &confs[h.n]);
		if (ret) {
			fprintf(stderr, "hv-host: cannot start NIC %u: %s\n",
				h.n, strerror(-ret));
			goto out_nics;
		}
	}
	snprintf(vpc.root, sizeof(vpc.root), "%s", sc->root);
	ret = hvh_vfpci_create(&h.vp, &vpc, hvh_assoc, h.nic[0]);
	if (ret)
		goto out_nics;
	if (control) {
		ctl_fd = ctl_listen(control);
		if (ctl_fd < 0)
			goto out_vf;
	}
	wait_fd = hvh_wait_fd(ctl_fd, hvh_vfpci_fd(h.vp));
	if (wait_fd < 0) {
		fprintf(stderr, "hv-host: epoll: %s\n", strerror(errno));
		if (ctl_fd >= 0)
			close(ctl_fd);
		goto out_vf;
	}
	printf("hv-host ready root=%s device=%s uio=/dev/uio%u backend=%s "
	       "kernel=%s", sc->root, sc->uuid, sc->uio_index,
	       hvh_nic_backend_name(h.nic[0]),
	       sc->kernel_416 ? "4.16" : "current");
	if (nnics > 1)
		printf(" nics=%u", nnics);
	printf("\n");
	for (i = 1; i < nnics; i++)
		printf("hv-host nic %u device=%s uio=/dev/uio%u backend=%s\n",
		       i, confs[i].surface.uuid, i,
		       hvh_nic_backend_name(h.nic[i]));
	if (sc->kernel_416)
		HVH_LOG(NOTICE, "4.16 surface: no per-channel ring files, so "
			"guests can use a single queue only");
	fflush(stdout);

	if (vpc.present)
		printf("hv-host VF pci=%s ifname=%s\n", hvh_vfpci_name(h.vp),
		       vpc.ifname);
	fflush(stdout);
	run(&h, wait_fd, ctl_fd, &stop_sigs);
	close(wait_fd);

	/* NIC 0 as a single-NIC host prints it; the others' lines follow,
	 * each prefixed "nic I ".
	 */
	printf("hv-host counters:\n");
	hvh_nic_print_stats(h.nic[0], stdout);
	for (i = 1; i < nnics; i++)
		print_stats_prefixed(h.nic[i], i, stdout);
	/* What the host itself cost: a benchmark divides it by the frames. */
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("process cpu_user_s %.3f cpu_system_s %.3f\n",
		       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6,
		       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6);
	fflush(stdout);
	if (ctl_fd >= 0) {
		close(ctl_fd);
		unlink(control);
	}
	hvh_vfpci_destroy(h.vp);
	while (h.n > 0)
		hvh_nic_destroy(h.nic[--h.n]);
	return 0;

out_vf:
	hvh_vfpci_destroy(h.vp);
out_nics:
	while (h.n > 0)
		hvh_nic_destroy(h.nic[--h.n]);
	return 1;
}
