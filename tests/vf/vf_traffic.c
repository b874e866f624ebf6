/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * vf-traffic: the traffic of the VF scenarios, steady on a loaded machine.
 *
 *   vf-traffic send IFACE DST-MAC SRC-IP DST-IP PORT RATE [SIZE]
 *	Raw frames out of IFACE: UDP to DST-IP:PORT through DST-MAC, each
 *	carrying a sequence number and the time the sender spent idle so
 *	far (every pause of over VFT_IDLE_MS between two sendings: it was
 *	waiting for a CPU). RATE frames per second (0: as fast as the kernel
 *	takes them), paced against the clock so that a late wake-up sends
 *	the missed frames at once: frame number S leaves at START + S / RATE.
 *	SIZE is the frame length (default 64). On SIGINT/SIGTERM prints
 *	"sent N start START" (START: wall clock).
 *   vf-traffic recv PORT [GAP-MS]
 *	Counts the frames of "send" arriving on UDP PORT. A silence of the
 *	path is the time between two arrivals (the kernel's receive
 *	timestamps) less the time the sender spent idle meanwhile: when the
 *	sender or this receiver waits for a CPU the stream pauses, the path
 *	does not; frames lost are no pause of the sender. Prints a line
 *	"gap START END" (wall clock seconds, END the arrival that ended it)
 *	for every silence of the path longer than GAP-MS (default 100), at
 *	once, and on
 *	SIGINT/SIGTERM "received N unique U last-seq S longest-gap G last T"
 *	(T: wall clock of the last frame, 0 if none), then a line
 *	"lost A B NEXT" for each run of sequence numbers A to B that never
 *	arrived (at most VFT_MAX_LOST_RUNS lines), NEXT the wall clock at
 *	which frame B + 1 first arrived: until then the path delivered
 *	nothing sent after the run; last a line "end".
 *   vf-traffic waits MIN-MS TID...
 *	The CPU waits of the threads that carry the stream (hv-host, the
 *	guest's forwarding lcore): every VFT_WAITS_MS reads each thread's
 *	schedstat, whose second field is the time it spent runnable but
 *	not running, and prints "wait TID START END" (wall clock) at once
 *	for each wait of MIN-MS or more. The kernel adds a wait when the
 *	thread gets its CPU, so a wait ends at the reading that sees it and
 *	started that long before. A step forward of the wall clock
 *	(clock_settime, or a machine frozen then set right) is printed the
 *	same way, "wait clock START END": a span of wall clock that never
 *	passed, in which every silence the wall clock measures is no
 *	silence of the path. Until SIGINT/SIGTERM.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VFT_MAGIC	0x76667466u	/* "vftf" */
#define VFT_BATCH	32
#define VFT_MAX_SIZE	1514
/* Sequence numbers remembered for duplicate detection. */
#define VFT_SEEN_BITS	(1u << 24)
#define VFT_MAX_LOST_RUNS 1000
/* A longer pause between two sendings is the sender's, not the stream's. */
#define VFT_IDLE_MS	5
/*
 * Receive buffer: the kernel's default (~200 KiB, some 270 small frames
 * by their truesize) overflows when the receiver waits 0.1-0.2 s for a
 * CPU on a loaded machine, and the frames it drops would look lost on
 * the path under test. This much holds tens of seconds of the stream.
 */
#define VFT_RCVBUF	(64 << 20)
/* How often the waits of the carrying threads are read. */
#define VFT_WAITS_MS	10
#define VFT_WAITS_MAX	16

struct vft_payload {
	uint32_t magic;
	uint64_t seq;
	uint64_t idle_ns;	/* the sender's pauses so far */
} __attribute__((packed));

static volatile sig_atomic_t vft_stop;

static void
vft_on_signal(int sig)
{
	(void)sig;
	vft_stop = 1;
}

static double
vft_now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t
vft_ip_cksum(const void *hdr, size_t len)
{
	const uint16_t *w = hdr;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
vft_usage(void)
{
	fprintf(stderr,
		"usage: vf-traffic send IFACE DST-MAC SRC-IP DST-IP PORT RATE [SIZE]\n"
		"       vf-traffic recv PORT [GAP-MS]\n"
		"       vf-traffic waits MIN-MS TID...\n");
	return 2;
}

/* One frame template: Ethernet, IPv4, UDP, payload; seq patched per send. */
static int
vft_build(uint8_t *f, size_t size, int sock, const char *ifname,
	  const char *dmac, const char *sip, const char *dip, uint16_t port)
{
	/*
	 * The IPv4 and UDP headers follow 14 bytes of Ethernet, not aligned
	 * for their structs: they are filled in here and copied in place.
	 */
	struct ether_header *eh = (struct ether_header *)f;
	struct iphdr iph, *ip = &iph;
	struct udphdr udph, *udp = &udph;
	unsigned int m[6];
	struct ifreq ifr;
	int i;

	memset(f, 0, size);
	memset(ip, 0, sizeof(*ip));
	memset(udp, 0, sizeof(*udp));
	if (sscanf(dmac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		eh->ether_dhost[i] = m[i];
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(sock, SIOCGIFHWADDR, &ifr) != 0)
		return -1;
	memcpy(eh->ether_shost, ifr.ifr_hwaddr.sa_data, 6);
	eh->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(size - sizeof(*eh));
	if (inet_pton(AF_INET, sip, &ip->saddr) != 1 ||
	    inet_pton(AF_INET, dip, &ip->daddr) != 1)
		return -1;
	ip->check = vft_ip_cksum(ip, sizeof(*ip));
	udp->source = htons(port);
	udp->dest = htons(port);
	udp->len = htons(size - sizeof(*eh) - sizeof(*ip));
	/* UDP checksum 0: none, so the sequence can change freely. */
	memcpy(f + sizeof(*eh), ip, sizeof(*ip));
	memcpy(f + sizeof(*eh) + sizeof(*ip), udp, sizeof(*udp));
	return 0;
}

static int
vft_send(int argc, char **argv)
{
	size_t size = argc > 8 ? strtoul(argv[8], NULL, 0) : 64;
	size_t hdrs = sizeof(struct ether_header) + sizeof(struct iphdr) +
		sizeof(struct udphdr);
	uint8_t frames[VFT_BATCH][VFT_MAX_SIZE];
	struct mmsghdr msgs[VFT_BATCH];
	struct iovec iov[VFT_BATCH];
	struct sockaddr_ll sll;
	double rate, t0, start, last_send = 0, step, pause;
	uint64_t sent = 0, idle_ns = 0;
	int sock, i;

	if (argc < 8)
		return vft_usage();
	rate = strtod(argv[7], NULL);
	if (size < hdrs + sizeof(struct vft_payload) || size > VFT_MAX_SIZE ||
	    rate < 0) {
		fprintf(stderr, "vf-traffic: bad size or rate\n");
		return 2;
	}
	/* Beyond the time between two frames of the pace. */
	step = rate > 0 ? 1 / rate : 0;
	pause = step + VFT_IDLE_MS / 1e3;
	sock = socket(AF_PACKET, SOCK_RAW, 0);
	if (sock < 0) {
		perror("vf-traffic: socket");
		return 1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[2]);
	if (sll.sll_ifindex == 0 ||
	    bind(sock, (struct sockaddr *)&sll, sizeof(sll)) != 0 ||
	    vft_build(frames[0], size, sock, argv[2], argv[3], argv[4],
		      argv[5], atoi(argv[6])) != 0) {
		fprintf(stderr, "vf-traffic: cannot set up %s\n", argv[2]);
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < VFT_BATCH; i++) {
		struct vft_payload *p = (struct vft_payload *)(frames[i] + hdrs);

		if (i > 0)
			memcpy(frames[i], frames[0], size);
		p->magic = htonl(VFT_MAGIC);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	signal(SIGINT, vft_on_signal);
	signal(SIGTERM, vft_on_signal);
	t0 = vft_now(CLOCK_MONOTONIC);
	start = vft_now(CLOCK_REALTIME);
	while (!vft_stop) {
		uint64_t due = VFT_BATCH;
		double now;
		int n;

		if (rate > 0) {
			due = (uint64_t)((vft_now(CLOCK_MONOTONIC) - t0) *
					 rate) - sent;
			if (due == 0) {
				struct timespec ts = { 0, 200 * 1000 };

				nanosleep(&ts, NULL);
				continue;
			}
			if (due > VFT_BATCH)
				due = VFT_BATCH;
		}
		now = vft_now(CLOCK_MONOTONIC);
		if (last_send > 0 && now - last_send > pause)
			idle_ns += (uint64_t)((now - last_send - step) * 1e9);
		last_send = now;
		for (i = 0; i < (int)due; i++) {
			struct vft_payload *p =
				(struct vft_payload *)(frames[i] + hdrs);

			p->seq = sent + i;
			p->idle_ns = idle_ns;
		}
		n = sendmmsg(sock, msgs, due, 0);
		if (n > 0)
			sent += n;
		else if (n < 0 && errno != ENOBUFS && errno != EAGAIN &&
			 errno != EINTR) {
			perror("vf-traffic: send");
			break;
		}
	}
	printf("sent %llu start %.3f\n", (unsigned long long)sent, start);
	return 0;
}

/*
 * First arrival of every sequence number, grown as they come: a frame's
 * time is kept only to say when the path resumed after a lost run.
 */
struct vft_arrivals {
	double *t;
	uint64_t n;
};

static void
vft_arrival(struct vft_arrivals *a, uint64_t seq, double when)
{
	if (seq >= VFT_SEEN_BITS)
		return;
	if (seq >= a->n) {
		uint64_t n = a->n ? a->n : 1 << 16;
		double *t;

		while (n <= seq)
			n *= 2;
		t = realloc(a->t, n * sizeof(*t));
		if (t == NULL)
			return;
		memset(t + a->n, 0, (n - a->n) * sizeof(*t));
		a->t = t;
		a->n = n;
	}
	if (a->t[seq] == 0)
		a->t[seq] = when;
}

/* Runs of sequence numbers up to last that were never seen. */
static void
vft_print_lost(const uint8_t *seen, uint64_t last,
	       const struct vft_arrivals *a)
{
	unsigned int runs = 0;
	uint64_t s, first = 0;
	bool in_run = false;

	if (last >= VFT_SEEN_BITS)
		last = VFT_SEEN_BITS - 1;
	for (s = 0; s <= last && runs < VFT_MAX_LOST_RUNS; s++) {
		bool have = seen[s / 8] & (1u << (s % 8));

		if (!have && !in_run) {
			first = s;
			in_run = true;
		} else if (have && in_run) {
			printf("lost %llu %llu %.3f\n",
			       (unsigned long long)first,
			       (unsigned long long)(s - 1),
			       s < a->n ? a->t[s] : 0);
			in_run = false;
			runs++;
		}
	}
}

/*
 * What the kernel attached to a received message: its drop counter
 * (SO_RXQ_OVFL) and its receive timestamp (SO_TIMESTAMPNS), which stays
 * right when this receiver itself waited for a CPU.
 */
static void
vft_cmsgs(struct msghdr *mh, uint32_t *drops, double *when)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SO_RXQ_OVFL &&
		    c->cmsg_len >= CMSG_LEN(sizeof(*drops))) {
			memcpy(drops, CMSG_DATA(c), sizeof(*drops));
		} else if (c->cmsg_type == SCM_TIMESTAMPNS &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*when = ts.tv_sec + ts.tv_nsec / 1e9;
		}
	}
}

static int
vft_recv(int argc, char **argv)
{
	double gap_max = (argc > 3 ? strtod(argv[3], NULL) : 100) / 1000;
	uint64_t got = 0, unique = 0, last_seq = 0;
	struct sockaddr_in sin;
	double last = 0, longest = 0;
	uint64_t last_idle = 0;
	struct timeval tv = { 0, 100 * 1000 };
	int one = 1, rcvbuf = VFT_RCVBUF;
	struct vft_arrivals arr = { NULL, 0 };
	uint32_t drops = 0;
	uint8_t *seen;
	int sock;

	if (argc < 3)
		return vft_usage();
	seen = calloc(VFT_SEEN_BITS / 8, 1);
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[2]));
	if (seen == NULL || sock < 0 ||
	    bind(sock, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		perror("vf-traffic: recv");
		return 1;
	}
	/* Beyond rmem_max needs CAP_NET_ADMIN; the scenarios run as root. */
	if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) != 0)
		setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(sock, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	setsockopt(sock, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	/* Wake up now and then to notice a stop signal. */
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	signal(SIGINT, vft_on_signal);
	signal(SIGTERM, vft_on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!vft_stop) {
		char ctl[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct timespec))];
		struct vft_payload p;
		struct iovec iov = { &p, sizeof(p) };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		ssize_t n = recvmsg(sock, &mh, 0);
		double now, silence;
		uint64_t s;

		if (n < 0)
			continue;
		now = vft_now(CLOCK_REALTIME);
		vft_cmsgs(&mh, &drops, &now);
		if (n != (ssize_t)sizeof(p) || p.magic != htonl(VFT_MAGIC))
			continue;
		silence = now - last;
		if (p.idle_ns > last_idle)
			silence -= (p.idle_ns - last_idle) / 1e9;
		if (got > 0 && silence > gap_max)
			printf("gap %.3f %.3f\n", now - silence, now);
		if (got > 0 && silence > longest)
			longest = silence;
		last = now;
		if (p.idle_ns > last_idle)
			last_idle = p.idle_ns;
		got++;
		s = p.seq % VFT_SEEN_BITS;
		if (!(seen[s / 8] & (1u << (s % 8)))) {
			seen[s / 8] |= 1u << (s % 8);
			vft_arrival(&arr, s, now);
			unique++;
		}
		if (p.seq > last_seq)
			last_seq = p.seq;
	}
	printf("received %llu unique %llu last-seq %llu longest-gap %.3f last %.3f overflow %u\n",
	       (unsigned long long)got, (unsigned long long)unique,
	       (unsigned long long)last_seq, longest, last, drops);
	vft_print_lost(seen, got > 0 ? last_seq : 0, &arr);
	/* The reader of this output may not be our parent to wait for us. */
	printf("end\n");
	free(arr.t);
	free(seen);
	return 0;
}

/*
 * The wall clock less the monotonic one, read between two monotonic
 * readings close together: a wait for a CPU between the readings would
 * look like a step of the wall clock.
 */
static double
vft_skew(void)
{
	double m0, r, m1;

	do {
		m0 = vft_now(CLOCK_MONOTONIC);
		r = vft_now(CLOCK_REALTIME);
		m1 = vft_now(CLOCK_MONOTONIC);
	} while (m1 - m0 > 1e-4);
	return r - (m0 + m1) / 2;
}

/* The time thread tid has waited for a CPU so far (ns), or -1. */
static int64_t
vft_wait_ns(long tid)
{
	unsigned long long run, wait;
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%ld/schedstat", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return n == 2 ? (int64_t)wait : -1;
}

static int
vft_waits(int argc, char **argv)
{
	struct timespec ts = { 0, VFT_WAITS_MS * 1000 * 1000 };
	int64_t last[VFT_WAITS_MAX];
	long tids[VFT_WAITS_MAX];
	double min, skew, step;
	int n, i;

	if (argc < 4)
		return vft_usage();
	min = strtod(argv[2], NULL) / 1000;
	n = argc - 3 < VFT_WAITS_MAX ? argc - 3 : VFT_WAITS_MAX;
	for (i = 0; i < n; i++) {
		tids[i] = strtol(argv[3 + i], NULL, 10);
		last[i] = vft_wait_ns(tids[i]);
	}
	signal(SIGINT, vft_on_signal);
	signal(SIGTERM, vft_on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	skew = vft_skew();
	while (!vft_stop) {
		nanosleep(&ts, NULL);
		/* The wall clock against the monotonic one: a step forward. */
		step = vft_skew() - skew;
		if (step > min || step < -min) {
			double now = vft_now(CLOCK_REALTIME);

			skew += step;
			if (step > 0)
				printf("wait clock %.3f %.3f\n", now - step, now);
		}
		for (i = 0; i < n; i++) {
			int64_t w = vft_wait_ns(tids[i]);
			double now, d;

			if (w < 0 || last[i] < 0) {
				last[i] = w;
				continue;
			}
			d = (w - last[i]) / 1e9;
			last[i] = w;
			if (d < min)
				continue;
			now = vft_now(CLOCK_REALTIME);
			printf("wait %ld %.3f %.3f\n", tids[i], now - d, now);
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return vft_send(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "recv") == 0)
		return vft_recv(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "waits") == 0)
		return vft_waits(argc, argv);
	return vft_usage();
}
