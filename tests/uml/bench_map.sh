#!/bin/bash
# MAP/SMS load benchmark, run INSIDE User-Mode Linux by tests/uml/uml_run.sh (issue 4, "measure"):
# in one run, the SMSC simulator (ss7-sim map-load) sends SMS SMS, WINDOW at a time; each is
# SendRoutingInfoForSM, then MT-ForwardSM to the IMSI and node of its result; the HLR and MSC are
# ss7-sim's C responders (map-respond):
#   1. direct: the SMSC asks the HLR for B's real number and sends to the MSC, osmo-stp routing by
#      DPC between the simulators (2 MAP operations per SMS, 4 messages through osmo-stp);
#   2. through np700: the SMSC asks np700 for X (answered by np700 itself with a correlation IMSI
#      and np700's GT) and sends the MT-ForwardSM to np700, which asks the HLR for B, forwards to
#      the MSC with TP-OA = X and answers the SMSC (2 operations for the SMSC, 2 more by np700;
#      8 messages through osmo-stp).
# Prints SMS/s and MAP operations/s (the SMSC's: 2 per SMS) for both, their ratio, and the CPU
# time (user + system, /proc/PID/stat) of every process per MAP operation and per message.
# PAIRS AXB bindings (X_j, A_j, B_j) carry the load, SMS j going A_j -> X_j (-> B_j). Every SMS must
# succeed; there is no threshold on speed. From the host:
#   NP700_BUILD=/path/to/build tests/uml/uml_run.sh tests/uml/bench_map.sh [SMS [WINDOW]]
# (contrib/bench.sh runs it). np700 logs at notice level and writes its SMS records.
# NP700_BENCH_CALLGRIND=1: osmo-stp and np700 run under callgrind, and the report adds the instructions
# of each per message in each run (counters dumped around each load): unlike CPU times in UML on a
# shared machine, these do not depend on the load of the host. Times are then meaningless.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/map_lib.sh"

SMS=${1:-${BENCH_SMS:-2000}}
WINDOW=${2:-${BENCH_WINDOW:-30}}
PAIRS=${BENCH_PAIRS:-100}
X_BASE=700123456780001	# X_j = X_BASE + j, in customer 1's pool block 70012345678
A_BASE=8613700137000	# the senders
B_BASE=8613800138000	# the recipients: 86138 is the HLR's GT range (map_config)
TCK=$(getconf CLK_TCK)
# the SMSC's GT routing: the MSC's GT (the HLR's answer) and np700's (np700's answer)
ROUTES=86132:msc,${NP700_GT}:np700

# utime + stime of PID in seconds
cpu_s() {
	awk -v t="$TCK" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / t }' "/proc/$1/stat"
}

# np700 answers every SendRoutingInfoForSM for X with a new correlation IMSI, which lives
# correlation-timeout (60 s) after its last use: the range must hold every SMS of the run
corr_size=$(map_config | awk '$1 == "correlation-imsi-range" { print $3 - $2 + 1 }')
[ "${corr_size:-0}" -ge "$SMS" ] || die "correlation-imsi-range holds $corr_size, fewer than $SMS SMS"

CALLGRIND=${NP700_BENCH_CALLGRIND:-0}
if [ "$CALLGRIND" = 1 ]; then
	CG="valgrind --tool=callgrind --dump-instr=no --callgrind-out-file=$SCRATCH/callgrind.%p"
	NP700_WRAP=$CG
	WAIT_SCALE=6
	# stp_start runs osmo-stp from PATH
	mkdir -p "$SCRATCH/bin"
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$CG" "$(command -v osmo-stp)" >"$SCRATCH/bin/osmo-stp"
	chmod +x "$SCRATCH/bin/osmo-stp"
	PATH=$SCRATCH/bin:$PATH
fi
stp_start
STP_PID=${_pids[-1]}
# notice level, as deployed (bench_isup.sh does the same)
map_config | grep -v '^ logging level .* debug$' >"$SCRATCH/np700.cfg"
np700_start "$SCRATCH/np700.cfg"
awk -v n="$PAIRS" -v x="$X_BASE" -v a="$A_BASE" -v b="$B_BASE" 'BEGIN {
	for (j = 0; j < n; j++)
		printf "create,AXB,1,load-%d,%.0f,,%.0f,%.0f,+1d,voice+sms\n", j, x + j, a + j, b + j
}' >"$SCRATCH/bindings.csv"
"$NP700_BUILD/src/np700-ctl" -u demo -q -f csv bulk <"$SCRATCH/bindings.csv" >"$SCRATCH/bindings.out" 2>&1 ||
	{ tail -5 "$SCRATCH/bindings.out"; die "cannot provision the $PAIRS bindings"; }
sim_start hlr -q -S 3 -e 'map-respond hlr nnn='"$MSC_GT"
sim_start msc -q -S 3 -e 'map-respond msc'
HLR_PID=${_sim_pid[hlr]}
MSC_PID=${_sim_pid[msc]}
# the SMSC stays up and takes its commands on stdin: the CPU snapshots enclose only the load, and
# the script blocks on its output instead of polling (UML has one CPU, shared with the load)
coproc SMSC { exec "$SS7_SIM" -N "$NODES" -n smsc -q -S 3 -w -t 3600 -s - 2>>"$SCRATCH/sim-smsc.err"; }
# shellcheck disable=SC2153 # set by coproc
SMSC_PID_=$SMSC_PID
_track "$SMSC_PID_"
line=
read -r -t 10 line <&"${SMSC[0]}"
[[ $line == READY* ]] || die "ss7-sim smsc not ready: $line"

declare -A res
# cg_dump NAME: callgrind dumps (and zeroes) the counters of osmo-stp and np700
cg_dump() {
	[ "$CALLGRIND" = 1 ] || return 0
	callgrind_control --dump="$1" "$STP_PID" >/dev/null 2>&1
	callgrind_control --dump="$1" "$NP700_PID" >/dev/null 2>&1
}

# cg_instr PID NAME: the instructions of the dump NAME of PID
cg_instr() {
	sed -n 's/^summary: //p' "$(grep -l "^desc: Trigger: dump $2\$" "$SCRATCH/callgrind.$1".*)"
}
declare -A pid=([stp]=$STP_PID [smsc]=$SMSC_PID_ [hlr]=$HLR_PID [msc]=$MSC_PID [np700]=$NP700_PID)
# run NAME DPC MSISDN: one load from the SMSC; fills res[NAME.*]
run() {
	local name=$1 dpc=$2 msisdn=$3 line='' p key
	declare -A c0
	cg_dump "$name-before"
	for p in "${!pid[@]}"; do
		c0[$p]=$(cpu_s "${pid[$p]}")
	done
	echo "map-load $dpc $SMS $WINDOW $msisdn $A_BASE count=$PAIRS route=$ROUTES gt=$SMSC_GT timeout=1100000" \
		>&"${SMSC[1]}"
	while read -r -t 1200 line <&"${SMSC[0]}"; do
		[[ $line == MAPLOAD* ]] && break
	done
	for p in "${!pid[@]}"; do
		res[$name.$p]=$(awk -v a="${c0[$p]}" -v b="$(cpu_s "${pid[$p]}")" 'BEGIN { print b - a }')
	done
	cg_dump "$name"
	echo "$name: $line"
	for key in ok failed sms_per_s ops_per_s; do
		res[$name.$key]=$(field "$line" $key)
	done
}

log "$SMS SMS, $WINDOW at a time: SMSC -> osmo-stp -> HLR, MSC"
run direct hlr "$B_BASE"
sleep 1
log "$SMS SMS, $WINDOW at a time: SMSC -> osmo-stp -> np700 (X -> B) -> osmo-stp -> HLR, MSC"
run np700 np700 "$X_BASE"

# per CPU_S RUN [PER_SMS]: microseconds per MAP operation of the SMSC (2 per SMS), or per unit of
# which there are PER_SMS per SMS
per() {
	awk -v c="$1" -v n="${res[$2.ok]:-0}" -v k="${3:-2}" \
		'BEGIN { if (n > 0) printf "%9.1f", c * 1e6 / (n * k); else printf "%9s", "-" }'
}
echo
echo "CPU time per MAP operation in microseconds (user + system; /proc/PID/stat has 1/$TCK s resolution);"
echo "a MAP operation is one the SMSC completes: SendRoutingInfoForSM or MT-ForwardSM, 2 per SMS"
printf "%-7s %6s %6s %8s %8s %9s %9s %9s %9s %9s\n" run ok failed SMS/s ops/s osmo-stp sim-smsc sim-hlr sim-msc np700
for r in direct np700; do
	printf "%-7s %6s %6s %8s %8s %s %s %s %s %s\n" $r "${res[$r.ok]}" "${res[$r.failed]}" "${res[$r.sms_per_s]}" \
		"${res[$r.ops_per_s]}" "$(per "${res[$r.stp]}" $r)" "$(per "${res[$r.smsc]}" $r)" \
		"$(per "${res[$r.hlr]}" $r)" "$(per "${res[$r.msc]}" $r)" "$(per "${res[$r.np700]}" $r)"
done
awk -v a="${res[np700.ops_per_s]}" -v b="${res[direct.ops_per_s]}" \
	'BEGIN { if (b > 0) printf "\nratio: MAP operations/s through np700 / direct = %.3f\n", a / b }'
# Per message (issue 5 item 3): an SMS is 4 messages between its peers. Direct, osmo-stp routes
# each once; through np700 it routes 8 (the SMSC's 2 dialogues with np700, np700's with the HLR and
# the MSC), and np700 handles 4 received messages, each answered or relayed by one it sends.
per_msg() {
	per "$@" | tr -d ' '
}
# msg_report TITLE RATIO_LABEL OSMO_STP_DIRECT OSMO_STP_THROUGH NP700
msg_report() {
	echo
	echo "$1"
	echo "  osmo-stp per routed message, direct run:        $3"
	echo "  osmo-stp per routed message, run through np700: $4"
	echo "  np700 per handled message (in + out):           $5"
	awk -v l="$2" -v a="$5" -v b="$3" -v c="$4" 'BEGIN { if (b > 0 && c > 0)
		printf "%s: np700 per handled message / osmo-stp per routed message = %.2f (direct run), " \
			"%.2f (same run)\n", l, a / b, a / c }'
}
msg_report "CPU time per message in microseconds" ratio "$(per_msg "${res[direct.stp]}" direct 4)" \
	"$(per_msg "${res[np700.stp]}" np700 8)" "$(per_msg "${res[np700.np700]}" np700 4)"
if [ "$CALLGRIND" = 1 ]; then
	# per() scales seconds to microseconds: instructions * 1e-6 come out as instructions
	msg_report "Instructions per message (callgrind)" "ratio of instructions" \
		"$(per_msg "$(cg_instr "$STP_PID" direct)e-6" direct 4)" \
		"$(per_msg "$(cg_instr "$STP_PID" np700)e-6" np700 8)" \
		"$(per_msg "$(cg_instr "$NP700_PID" np700)e-6" np700 4)"
fi
np700_vty "show rate-counters" |
	grep -E 'sri_sm:(rx|ok|error):|mt:(rx|delivered|rejected|unknown_corr|.*_error|timeout):|corr:alloc:' |
	sed 's/^/  /'
# the responders' own counts: np700 really asked the HLR and the MSC for every SMS
sim_stop hlr
sim_stop msc
hlr_n=$(field "$(grep '^MAPRESPOND' "$SCRATCH/sim-hlr.out" | tail -1)" sri_sm)
msc_n=$(field "$(grep '^MAPRESPOND' "$SCRATCH/sim-msc.out" | tail -1)" fsm)
echo "HLR answered $hlr_n SendRoutingInfoForSM, MSC $msc_n MT-ForwardSM"
check "every direct SMS succeeded" test "${res[direct.ok]:-0}" = "$SMS" -a "${res[direct.failed]:-1}" = 0
check "every SMS through np700 succeeded" test "${res[np700.ok]:-0}" = "$SMS" -a "${res[np700.failed]:-1}" = 0
check "the HLR and the MSC each answered every SMS of both runs" test "$hlr_n" = $((2 * SMS)) -a "$msc_n" = $((2 * SMS))
finish
