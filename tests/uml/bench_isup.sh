#!/bin/bash
# ISUP call-load benchmark, run INSIDE User-Mode Linux by tests/uml/uml_run.sh (issue 3, "measure"):
# in one run, switch A's simulator places CALLS calls (IAM, ACM, ANM, REL, RLC; WINDOW at a time on
# distinct CICs; switch B answers automatically)
#   1. routed by osmo-stp directly from A to B, and
#   2. to a 700 number X through np700, which translates each IAM and relays the call to B;
# prints calls per second and the CPU time (user + system, /proc/PID/stat) of every process per
# call for both, and the ratio. Not part of contrib/test.sh. From the host:
#   NP700_BUILD=/path/to/build tests/uml/uml_run.sh tests/uml/bench_isup.sh [CALLS [WINDOW]]
# (contrib/bench.sh runs it if present). np700 logs at notice level and writes its call records.
# NP700_BENCH_STRACE=1 (passed through uml_run.sh) adds system-call counts per message.
set -u
. "$NP700_SRC/tests/uml/lib.sh"

CALLS=${1:-${BENCH_CALLS:-2000}}
WINDOW=${2:-${BENCH_WINDOW:-30}}
A_NUM=13800138000
B_NUM=13900139000
X=700123456780001
TCK=$(getconf CLK_TCK)

# utime + stime of PID in seconds
cpu_s() {
	awk -v t="$TCK" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / t }' "/proc/$1/stat"
}

stp_start
STP_PID=${_pids[-1]}
load_start $X $A_NUM $B_NUM
SWB_PID=${_sim_pid[swb]}

# NP700_BENCH_STRACE=1: strace -c attached to osmo-stp and np700 during each load (the CPU figures are
# then those of traced processes: use the counts, not the times); strace_report prints system
# calls per message of each
declare -a _strace_pids
strace_start() {	# run name
	local p
	_strace_pids=()
	for p in stp:"$STP_PID" np700:"$NP700_PID"; do
		strace -c -f -o "$SCRATCH/strace-$1-${p%%:*}.txt" -p "${p#*:}" 2>/dev/null &
		_strace_pids+=($!)
	done
	sleep 1
}
strace_stop() {
	kill -INT "${_strace_pids[@]}" 2>/dev/null
	wait "${_strace_pids[@]}" 2>/dev/null
}
strace_report() {	# run name, process, messages
	local f=$SCRATCH/strace-$1-$2.txt
	[ -s "$f" ] || return 0
	awk -v m="$3" -v who="$1/$2" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
		n[$NF] = $4; t += $4 }
		END { printf "  %-14s system calls per message %.2f:", who, t / m
			for (k in n) if (n[k] / m >= 0.01) printf " %s %.2f", k, n[k] / m; printf "\n" }' "$f"
}

declare -A res
# run NAME DPC CALLED: one load from A; fills res[NAME.*]
run() {
	local name=$1 dpc=$2 called=$3 line s0 b0 n0 s1 b1 n1 key
	[ "${NP700_BENCH_STRACE:-0}" = 1 ] && strace_start "$name"
	s0=$(cpu_s "$STP_PID") b0=$(cpu_s "$SWB_PID") n0=$(cpu_s "$NP700_PID")
	line=$("$SS7_SIM" -N "$NODES" -n swa -q -t 600 -e "load $dpc 1 $WINDOW $CALLS $called $A_NUM timeout=500000" \
		2>>"$SCRATCH/sim-swa.err" | grep '^LOAD ')
	s1=$(cpu_s "$STP_PID") b1=$(cpu_s "$SWB_PID") n1=$(cpu_s "$NP700_PID")
	[ "${NP700_BENCH_STRACE:-0}" = 1 ] && strace_stop
	echo "$name: $line"
	for key in "done" failed seconds cps cpu; do
		res[$name.$key]=$(field "$line" $key)
	done
	res[$name.stp]=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
	res[$name.swb]=$(awk -v a="$b0" -v b="$b1" 'BEGIN { print b - a }')
	res[$name.np700]=$(awk -v a="$n0" -v b="$n1" 'BEGIN { print b - a }')
}

log "$CALLS calls, $WINDOW at a time: A -> osmo-stp -> B"
run direct swb $B_NUM
sleep 1
log "$CALLS calls, $WINDOW at a time: A -> osmo-stp -> np700 (X -> B) -> osmo-stp -> B"
run np700 np700 $X

per_call() {
	awk -v c="$1" -v n="${res[$2.done]:-0}" 'BEGIN { if (n > 0) printf "%8.1f", c * 1e6 / n; else printf "%8s", "-" }'
}
echo
echo "CPU time per call in microseconds (user + system; /proc/PID/stat has 1/$TCK s resolution)"
printf "%-7s %6s %6s %8s %8s %8s %8s %8s\n" run "done" failed calls/s osmo-stp sim-A sim-B np700
for r in direct np700; do
	printf "%-7s %6s %6s %8s %s %s %s %s\n" $r "${res[$r.done]}" "${res[$r.failed]}" "${res[$r.cps]}" \
		"$(per_call "${res[$r.stp]}" $r)" "$(per_call "${res[$r.cpu]}" $r)" "$(per_call "${res[$r.swb]}" $r)" \
		"$(per_call "${res[$r.np700]}" $r)"
done
awk -v a="${res[np700.cps]}" -v b="${res[direct.cps]}" \
	'BEGIN { if (b > 0) printf "\nratio: calls/s through np700 / calls/s direct = %.3f\n", a / b }'
# Per message (issue 5 item 3): a call is 5 messages (IAM ACM ANM REL RLC). Direct, osmo-stp routes
# each once; through np700 it routes each twice (A -> np700, np700 -> B), and np700 relays each once
# (one received and one sent message: both legs have their own REL/RLC).
per_msg() {	# cpu_s calls msgs_per_call
	awk -v c="$1" -v n="$2" -v m="$3" 'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / (n * m); else print "-" }'
}
stp_direct=$(per_msg "${res[direct.stp]}" "${res[direct.done]}" 5)
stp_np=$(per_msg "${res[np700.stp]}" "${res[np700.done]}" 10)
np_msg=$(per_msg "${res[np700.np700]}" "${res[np700.done]}" 5)
echo
echo "CPU time per message in microseconds"
echo "  osmo-stp per routed message, direct run:        $stp_direct"
echo "  osmo-stp per routed message, run through np700: $stp_np"
echo "  np700 per relayed message (in + out):           $np_msg"
awk -v a="$np_msg" -v b="$stp_direct" -v c="$stp_np" 'BEGIN { if (b > 0 && c > 0)
	printf "ratio: np700 per relayed message / osmo-stp per routed message = %.2f (direct run), %.2f (same run)\n",
		a / b, a / c }'
if [ "${NP700_BENCH_STRACE:-0}" = 1 ]; then
	echo "system calls (strace -c) per routed message (osmo-stp) and per relayed message (np700)"
	strace_report direct stp "$((${res[direct.done]:-0} * 5))"
	strace_report np700 stp "$((${res[np700.done]:-0} * 10))"
	strace_report np700 np700 "$((${res[np700.done]:-0} * 5))"
fi
np700_vty "show rate-counters" | grep -E 'call:(attempts|translated|answered):|tx:(direct|queued|full):' | sed 's/^/  /'
check "every direct call completed" test "${res[direct.done]}" = "$CALLS"
check "every call through np700 completed" test "${res[np700.done]}" = "$CALLS"
finish
