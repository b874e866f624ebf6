#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The scripted-testpmd harness (tests/lib/testpmd.sh) against a stand-in
# testpmd that splits every prompt with a log line, as a PMD thread
# logging while testpmd writes its prompt does ("test", then
# "hn_vf_claim(): ... as its VF", then "pmd> "), and that has a second
# thread log at random moments while commands print their output. Checks:
# every command returns once its own output is complete (and not sooner:
# the output of the next command is not there yet), output is never
# taken from a later command, no intact prompt is left to count (so a
# harness counting prompts would wait forever), and quit ends it.
. "$(dirname "$0")/../lib/testpmd.sh"

rounds=${1:-200}
fake=$hvn_work/fake-testpmd
cat >"$fake" <<'FAKE'
#!/bin/bash
# Prompts are written in two pieces with a log line between them; every
# command answers with three lines, "cmd K: begin", "line", "cmd K: end",
# and "load FILE" as testpmd does.
log() { printf '%s(): port 0: took port 1 (net_vfstandin0) as its VF\n' "$1" >&2; }
prompt() { printf 'test'; log hn_vf_claim; printf 'pmd> '; }
( while sleep 0.00$((RANDOM % 7 + 1)); do log hn_async; done ) &
trap 'kill $! 2>/dev/null' EXIT
echo "Configuring Port 0 (socket 0)"
prompt
while IFS= read -r cmd; do
	case "$cmd" in
	quit) echo "Bye..."; exit 0 ;;
	load\ *)
		prompt
		f=${cmd#load }
		if [ -f "$f" ]; then
			echo "Read CLI commands from $f"
		else
			echo "Failed to create file based cmdline context: $f" >&2
		fi ;;
	*)
		echo "$cmd: begin"
		sleep 0.00$((RANDOM % 5))
		echo "$cmd: middle"
		log hn_rxtx
		echo "$cmd: end" ;;
	esac
	prompt
done
FAKE
chmod +x "$fake"

tp_launch "$fake"
early=0
foreign=0
for ((k = 1; k <= rounds; k++)); do
	m=$(tp_mark)
	tp_cmd "cmd $k"
	out=$(tp_since "$m")
	grep -q "^cmd $k: end$" <<<"$out" || early=$((early + 1))
	grep -q "^cmd $((k + 1)):" <<<"$out" && foreign=$((foreign + 1))
done
expect "commands that returned before their output ended" "$early" 0
expect "commands that returned a later command's output" "$foreign" 0
expect "intact prompts a prompt-counting harness could count" \
	"$(grep -c 'testpmd> ' "$tp_out")" 0
expect_ge "prompts split by a log line" \
	"$(grep -c '^testhn_vf_claim(): ' "$tp_out")" "$rounds"
tp_quit
expect "fake testpmd's exit status" "$tp_rc" 0
finish
