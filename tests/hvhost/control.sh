#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The control socket answers every documented command and refuses others.
. "$(dirname "$0")/../lib/guest.sh"

host_start
host_ctl stats | grep -q '^protocol_errors 0$' || fail "stats lacks protocol_errors"
host_ctl stats | grep -q '^completions_outstanding 0$' || fail "stats lacks completions"
host_ctl link down >/dev/null || fail "link down refused"
host_ctl stats | grep -q ' link down ' || fail "link state not down"
host_ctl link up >/dev/null || fail "link up refused"
host_ctl stats | grep -q ' link up ' || fail "link state not up"
host_ctl vf offer >/dev/null || fail "vf offer refused"
host_ctl vf withdraw >/dev/null || fail "vf withdraw refused"
if host_ctl frobnicate >/dev/null; then fail "unknown command accepted"; fi
# A client that connects and waits before sending its command (as one
# waiting for a CPU does) holds nothing: hv-host serves another client
# meanwhile, while the first one's connection is still open, and then
# the first one's command too. Its one loop also carries every guest's
# frames, which such a wait stopped.
need_cmd python3
r=$(python3 - "$host_sock" "$host_bin" <<'EOF'
import socket, subprocess, sys

s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
r = subprocess.run([sys.argv[2], "--ctl", sys.argv[1], "stats"],
                   capture_output=True)
s.setblocking(False)
try:
    still_open = s.recv(1) != b""
except BlockingIOError:
    still_open = True
s.setblocking(True)
s.sendall(b"link up\n")
reply = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    reply += d
print("other served" if r.returncode == 0 and still_open else "other waited",
      "first served" if reply.endswith(b"ok\n") else "first refused")
EOF
)
[ "$r" = "other served first served" ] ||
	fail "a silent control client held hv-host: ${r:-the first client cut off}"
host_alive || fail "hv-host died"
ok "control commands"
"$host_bin" --help | grep -q -- '--nvs-version' || fail "--help"
if "$host_bin" --nvs-version 3 >/dev/null 2>&1; then fail "bad --nvs-version accepted"; fi
ok "command line"

# --exit-with-parent: a host started by a shell that then exits stops
# with it (as on SIGTERM, counters printed); without the flag it serves
# on. Each is started by a shell that prints its pid and exits once the
# host's control socket is there (a parent gone before hv-host runs
# cannot be told from one that started it from init).
orphan_host() {
	bash -c '"$@" </dev/null >"$0.log" 2>&1 & echo $!
		for _ in $(seq 200); do [ -S "$0.sock" ] && break; sleep 0.05; done' \
		"$hvn_work/$1" "$host_bin" "${@:2}" --root "$hvn_work/$1" \
		--control "$hvn_work/$1.sock" \
		--device-id "$(cat /proc/sys/kernel/random/uuid)"
}
# Gone, or a zombie nobody reaped yet.
host_gone() {
	local st

	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
tied=$(orphan_host tied --exit-with-parent)
for _ in $(seq 100); do
	host_gone "$tied" && break
	sleep 0.05
done
host_gone "$tied" || { kill "$tied"; fail "--exit-with-parent: hv-host outlived its parent"; }
grep -q '^total ' "$hvn_work/tied.log" ||
	fail "--exit-with-parent: no counters printed: $(tail -3 "$hvn_work/tied.log")"
free=$(orphan_host free)
at_exit "kill $free 2>/dev/null"
"$host_bin" --ctl "$hvn_work/free.sock" stats >/dev/null ||
	fail "hv-host without --exit-with-parent stopped with its parent"
"$host_bin" --ctl "$hvn_work/free.sock" quit >/dev/null
ok "--exit-with-parent ties hv-host to its parent, and only then"
