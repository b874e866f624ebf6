/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * hv-host: a user-space Hyper-V host presenting a synthetic NIC through the
 * uio_hv_generic surface.  This file is the program around the NIC model:
 * options, the adaptive polling loop, the control socket and the stats.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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
	       "  --backend SPEC      frame backend (default loopback): %s\n"
	       "  --mac MAC           MAC of the synthetic NIC (default 00:15:5d:00:00:01)\n"
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
	       "                      vf service [SECONDS], vf remove, vf add, stats,\n"
	       "                      fault NAME, quit)\n"
	       "  --root DIR          root of the emulated /sys and /dev (default\n"
	       "                      /dev/shm/hv-host-<pid>)\n"
	       "  --kernel VER        surface variant: current (default) or 4.16 (no\n"
	       "                      per-channel ring files: single queue)\n"
	       "  --device-id UUID    instance GUID of the NIC (default derived from the pid)\n"
	       "  --relid N           relid of the primary channel (default 14)\n"
	       "  --bench MODE        guest-less microbenchmark: sink or source (see doc)\n"
	       "  --bench-frames N    frames per benchmark run (default 5000000)\n"
	       "  --bench-size N      frame size for --bench (default 64)\n"
	       "  --log-level N       0 err .. 4 debug (default 2)\n"
	       "  -v                  more logging\n"
	       "  --help              this text\n",
	       prog, prog, hvh_backend_usage());
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

/* ---- control socket ---- */

static int
ctl_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hv-host: control path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
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

static void
ctl_exec(struct hvh_nic *nic, struct hvh_vfpci *vp, char *cmd, FILE *out)
{
	char *nl = strpbrk(cmd, "\r\n");

	if (nl)
		*nl = '\0';
	if (ctl_vfpci(vp, cmd, out))
		return;
	if (strcmp(cmd, "link down") == 0) {
		hvh_nic_set_link(nic, 0);
	} else if (strcmp(cmd, "link up") == 0) {
		hvh_nic_set_link(nic, 1);
	} else if (strcmp(cmd, "vf offer") == 0) {
		hvh_nic_vf(nic, 1);
	} else if (strcmp(cmd, "vf withdraw") == 0) {
		hvh_nic_vf(nic, 0);
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
	} else if (strcmp(cmd, "stats") == 0) {
		hvh_nic_print_stats(nic, out);
	} else if (strcmp(cmd, "quit") == 0) {
		hvh_stop = 1;
	} else {
		fprintf(out, "error: unknown command '%s'\n", cmd);
		return;
	}
	fprintf(out, "ok\n");
}

static void
ctl_service(struct hvh_nic *nic, struct hvh_vfpci *vp, int lfd)
{
	char buf[256];
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		struct timeval tv = { .tv_sec = 1 };
		FILE *out;
		ssize_t n;

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0) {
			close(fd);
			continue;
		}
		buf[n] = '\0';
		out = fdopen(fd, "w");
		if (!out) {
			close(fd);
			continue;
		}
		ctl_exec(nic, vp, buf, out);
		fclose(out);
	}
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
run(struct hvh_nic *nic, struct hvh_vfpci *vp, int wait_fd, int ctl_fd,
    const sigset_t *stop_sigs)
{
	uint64_t last_work = hvh_now_ns(), backoff = 0;
	unsigned int iter = 0;

	while (!hvh_stop) {
		unsigned int w = hvh_nic_poll(nic);
		uint64_t now;

		if ((++iter & 1023) == 0) {
			if (ctl_fd >= 0)
				ctl_service(nic, vp, ctl_fd);
			hvh_vfpci_poll(vp);
		}
		now = hvh_now_ns();
		/* A generator always has frames: never sleep while a guest
		 * takes them, or the guest idles on an empty ring.
		 */
		if (w || hvh_nic_rx_always(nic)) {
			last_work = now;
			backoff = 0;
			continue;
		}
		if (now - last_work < HVH_SPIN_NS) {
			__builtin_ia32_pause();
			continue;
		}
		backoff = backoff ? backoff * 2 : HVH_SLEEP_MIN_NS;
		if (backoff > HVH_SLEEP_MAX_NS)
			backoff = HVH_SLEEP_MAX_NS;
		hvh_nic_sleep(nic, wait_fd, backoff, &hvh_stop, stop_sigs);
		/* Idle: the uio sockets cost nothing compared to sleeping. */
		hvh_nic_wake(nic);
		if (ctl_fd >= 0)
			ctl_service(nic, vp, ctl_fd);
		hvh_vfpci_poll(vp);
	}
}

enum {
	OPT_BACKEND = 256, OPT_MAC, OPT_MTU, OPT_CHANNELS, OPT_NVS, OPT_VF_MAC,
	OPT_VF_SERIAL, OPT_VF_DELAY, OPT_CONTROL, OPT_ROOT, OPT_KERNEL,
	OPT_DEVICE_ID, OPT_RELID, OPT_LOG, OPT_HELP, OPT_CTL, OPT_BENCH,
	OPT_BENCH_FRAMES, OPT_BENCH_SIZE, OPT_VF_CTL, OPT_VF_PCI, OPT_VF_IFNAME,
	OPT_VF_ROTATE, OPT_VF_MAC_DELAY, OPT_VF_RENAME,
};

static const struct option hvh_opts[] = {
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
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "device-id", required_argument, NULL, OPT_DEVICE_ID },
	{ "relid", required_argument, NULL, OPT_RELID },
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
	struct hvh_nic_conf conf;
	struct hvh_surface_conf *sc = &conf.surface;
	const char *control = NULL, *ctl = NULL, *bench = NULL;
	uint64_t bench_frames = 5000000;
	unsigned int bench_size = 64;
	struct hvh_vfpci_conf vpc;
	struct hvh_vfpci *vp;
	struct hvh_nic *nic;
	sigset_t stop_sigs;
	int opt, ctl_fd = -1, wait_fd, ret;

	memset(&conf, 0, sizeof(conf));
	memset(&vpc, 0, sizeof(vpc));
	snprintf(conf.backend, sizeof(conf.backend), "loopback");
	parse_mac("00:15:5d:00:00:01", conf.mac);
	conf.mtu = 1500;
	conf.max_channels = 4;
	conf.nvs_version_max = HVH_NVSP_V61;
	conf.vf_serial = 1;
	conf.vf_delay_ms = 200;
	snprintf(sc->root, sizeof(sc->root), "/dev/shm/hv-host-%d",
		 (int)getpid());
	snprintf(sc->uuid, sizeof(sc->uuid),
		 "4e5d0001-7668-4f73-8000-%012x", (unsigned int)getpid());
	sc->primary_relid = 14;
	sc->uio_index = 0;
	sc->rxbuf_gpadl = 0x0e1e10;
	sc->txbuf_gpadl = 0x0e1e11;

	while ((opt = getopt_long(argc, argv, "vh", hvh_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_BACKEND:
			snprintf(conf.backend, sizeof(conf.backend), "%s",
				 optarg);
			break;
		case OPT_MAC:
			if (parse_mac(optarg, conf.mac)) {
				fprintf(stderr, "hv-host: bad --mac %s\n", optarg);
				return 2;
			}
			break;
		case OPT_MTU:
			conf.mtu = parse_num(optarg, 68, 9000, "--mtu");
			break;
		case OPT_CHANNELS:
			conf.max_channels = parse_num(optarg, 1, HVH_CHAN_MAX,
						      "--channels");
			break;
		case OPT_NVS:
			if (parse_nvs(optarg, &conf.nvs_version_max)) {
				fprintf(stderr, "hv-host: bad --nvs-version %s "
					"(1, 2, 4, 5, 6 or 6.1)\n", optarg);
				return 2;
			}
			break;
		case OPT_VF_MAC:
			if (parse_mac(optarg, conf.vf_mac)) {
				fprintf(stderr, "hv-host: bad --vf-mac %s\n",
					optarg);
				return 2;
			}
			conf.vf_offer = 1;
			break;
		case OPT_VF_SERIAL:
			conf.vf_serial = parse_num(optarg, 0, UINT32_MAX,
						   "--vf-serial");
			break;
		case OPT_VF_DELAY:
			conf.vf_delay_ms = parse_num(optarg, 0, 60000,
						     "--vf-delay-ms");
			break;
		case OPT_VF_CTL:
			if (strlen(optarg) >= sizeof(conf.vf_ctl) - 8) {
				fprintf(stderr, "hv-host: --vf-ctl path too long\n");
				return 2;
			}
			snprintf(conf.vf_ctl, sizeof(conf.vf_ctl), "%s", optarg);
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
			snprintf(sc->uuid, sizeof(sc->uuid), "%s", optarg);
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
	if (vpc.present && vpc.ifname[0] == '\0') {
		fprintf(stderr, "hv-host: --vf-pci needs --vf-ifname\n");
		return 2;
	}
	/* Azure offers the association of a VF it plugged in. */
	if (vpc.present && !conf.vf_offer) {
		memcpy(conf.vf_mac, conf.mac, 6);
		conf.vf_offer = 1;
	}
	memcpy(vpc.mac, conf.vf_mac, 6);
	if (conf.vf_offer && memcmp(conf.vf_mac, conf.mac, 6) != 0)
		HVH_LOG(WARNING, "--vf-mac differs from --mac: DPDK and Linux "
			"pair the VF by the synthetic NIC's MAC");
	/* Monitor ids must stay below 128 for all channels. */
	sc->primary_monitor_id = 1;
	if (bench)
		return hvh_bench_run(&conf, bench, bench_frames, bench_size);

	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGHUP);
	signal(SIGINT, hvh_on_signal);
	signal(SIGTERM, hvh_on_signal);
	signal(SIGHUP, hvh_on_signal);
	signal(SIGPIPE, SIG_IGN);

	ret = hvh_nic_create(&nic, &conf);
	if (ret) {
		fprintf(stderr, "hv-host: cannot start: %s\n", strerror(-ret));
		return 1;
	}
	snprintf(vpc.root, sizeof(vpc.root), "%s", sc->root);
	ret = hvh_vfpci_create(&vp, &vpc, hvh_assoc, nic);
	if (ret) {
		hvh_nic_destroy(nic);
		return 1;
	}
	if (control) {
		ctl_fd = ctl_listen(control);
		if (ctl_fd < 0) {
			hvh_vfpci_destroy(vp);
			hvh_nic_destroy(nic);
			return 1;
		}
	}
	wait_fd = hvh_wait_fd(ctl_fd, hvh_vfpci_fd(vp));
	if (wait_fd < 0) {
		fprintf(stderr, "hv-host: epoll: %s\n", strerror(errno));
		if (ctl_fd >= 0)
			close(ctl_fd);
		hvh_vfpci_destroy(vp);
		hvh_nic_destroy(nic);
		return 1;
	}
	printf("hv-host ready root=%s device=%s uio=/dev/uio%u backend=%s "
	       "kernel=%s\n", sc->root, sc->uuid, sc->uio_index,
	       hvh_nic_backend_name(nic), sc->kernel_416 ? "4.16" : "current");
	if (sc->kernel_416)
		HVH_LOG(NOTICE, "4.16 surface: no per-channel ring files, so "
			"guests can use a single queue only");
	fflush(stdout);

	if (vpc.present)
		printf("hv-host VF pci=%s ifname=%s\n", hvh_vfpci_name(vp),
		       vpc.ifname);
	fflush(stdout);
	run(nic, vp, wait_fd, ctl_fd, &stop_sigs);
	close(wait_fd);

	printf("hv-host counters:\n");
	hvh_nic_print_stats(nic, stdout);
	fflush(stdout);
	if (ctl_fd >= 0) {
		close(ctl_fd);
		unlink(control);
	}
	hvh_vfpci_destroy(vp);
	hvh_nic_destroy(nic);
	return 0;
}
