#!/bin/bash
# Overload (issue 6 item 4), run INSIDE User-Mode Linux by tests/uml/uml_run.sh: np700 with
# admission limits (isup: max-calls, max-call-rate, overload-cause) holds 4 answered calls, then
# switch A offers a closed-loop call load on 30 circuits, far above the limits. np700 must shed
# the excess with REL cause 42 (counted: call:shed, recorded: outcome rejected, reason overload),
# answer its VTY quickly during the load, and keep the 4 calls that were up.
# Then, limits off, a provisioning flood (np700-ctl bulk creates) and a call load run at the same
# time, each also alone first: every call is answered and every create acknowledged, so neither
# starves the other; the rates alone and together are printed.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X=700123456780031	# A (swa) <-> B (swb): the load
X2=700123456780032	# C (swc) <-> B: the held calls
MAX_CALLS=${OVL_MAX_CALLS:-20}
MAX_RATE=${OVL_MAX_RATE:-100}
LOAD_S=${OVL_SECONDS:-10}
FLOOD_N=${OVL_FLOOD:-30000}	# provisioning flood: creates
FLOOD_CALLS=${OVL_FLOOD_CALLS:-400}

stp_start
isup_config | sed "s|^ timer T35 3\$|&\n max-calls $MAX_CALLS\n max-call-rate $MAX_RATE|" >"$SCRATCH/np700.cfg"
sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM ANM'
sw_start swc 'IAM ACM ANM'
np700_start "$SCRATCH/np700.cfg"
check "the limits are configured" eval 'np700_vty enable "show running-config" | grep -q "max-calls $MAX_CALLS"'
check "AXB binding for the load" test -n "$(ctl_id create --customer 1 --mode AXB --x $X --a 86$A_NUM --b 86$B_NUM --expires +1h)"
check "AXB binding for the held calls" test -n "$(ctl_id create --customer 1 --mode AXB --x $X2 --a 86$C_NUM --b 8613900139002 --expires +1h)"

log "4 calls C -> X2 -> B, answered and held"
held_b=()
for cic in 1 2 3 4; do
	sw_mark swb swc
	sw swc "iam np700 $cic $X2 $C_NUM"
	iam=$(sw_wait swb IAM)
	held_b+=("$(field "$iam" cic)")
	check "held call on C's CIC $cic answered" sw_got swc ANM $cic
done
echo "  their circuits at B: ${held_b[*]}"

# VTY response: one connection, "show calls" (walks every call) every 0.2 s; before and during the load
python3 "$UML_DIR/vty_latency.py" "$NP700_VTY_PORT" 2 0.2 "show calls" >"$SCRATCH/vty-idle.txt"
echo "  VTY round trip before the load: max $(sed -n 's/^max=\([0-9]*\) .*/\1/p' "$SCRATCH/vty-idle.txt") ms"
log "A offers calls on 30 circuits for $LOAD_S s (limits: $MAX_CALLS calls, $MAX_RATE IAM/s)"
sw_mark swa swb swc
sw swa "load np700 1 30 10000000 $X $A_NUM timeout=$((LOAD_S * 1000))"
sleep 0.5
python3 "$UML_DIR/vty_latency.py" "$NP700_VTY_PORT" $((LOAD_S - 2)) 0.2 "show calls" >"$SCRATCH/vty-load.txt"
wait_line "$SCRATCH/sim-swa.out" '^LOAD ' $((LOAD_S + 5))
load=$(grep '^LOAD ' "$SCRATCH/sim-swa.out" | tail -1)
echo "  $load"
max=$(sed -n 's/^max=\([0-9]*\) .*/\1/p' "$SCRATCH/vty-load.txt")
n=$(sed -n 's/.* n=//p' "$SCRATCH/vty-load.txt")
echo "  VTY during the load: $n round trips, median $(grep -v max "$SCRATCH/vty-load.txt" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms, max ${max:-?} ms"
check "VTY answered $n times during the load, slowest ${max:-?} ms (< 1000)" test "${n:-0}" -gt 10 -a "${max:-99999}" -lt 1000

attempts=$(np700_ctr call:attempts)
shed=$(np700_ctr call:shed)
translated=$(np700_ctr call:translated)
answered=$(field "$load" answered)
failed=$(field "$load" failed)
secs=$(field "$load" seconds)
echo "  np700: attempts $attempts, shed $shed, translated $translated"
awk -v a="$answered" -v f="$failed" -v s="$secs" 'BEGIN { printf "  offered %.0f calls/s, held (answered) %.0f calls/s, shed %.0f calls/s\n", (a + f) / s, a / s, f / s }'
check "np700 shed attempts" test "${shed:-0}" -gt 0
check "the calls carried stay within the rate limit (+1 s of slack)" \
	awk -v a="$answered" -v s="$secs" -v m="$MAX_RATE" 'BEGIN { exit !(a <= m * (s + 1) + 4) }'
# not a speed threshold (a busy host slows every call down): the slots of max-calls are freed and
# taken again, many times over, while the load goes on
check "calls carried beyond the first max-calls slots ($answered > 3 x $MAX_CALLS)" test "$answered" -gt $((3 * MAX_CALLS))
check "every failure of the load was a shed attempt" test "$failed" -le "$shed"
check "the shed attempts were released with cause 42" \
	grep -qE 'overload, releasing with cause 42' "$SCRATCH/np700.log"
check "the 4 held calls are still up after the load" \
	eval '[ "$(np700_vty "show calls" | grep -cE "^ *call [0-9]+ ANSWERED: in PC 1.1.4 ")" = 4 ]'
# the load stopped at its time limit with some calls still up: A ends them
left=$(np700_vty "show calls" | sed -n 's/^ *call [0-9]* [A-Z]*: in PC 1.1.2 CIC \([0-9]*\) .*/\1/p')
echo "  load calls still up when the load stopped: $(echo $left)"
for c in $left; do
	sw swa "isup np700 $c REL"
done
check "then only the 4 held calls are left" \
	wait_for 5 eval '[ "$(np700_vty "show calls" | grep -cE "^ *call [0-9]")" = 4 ]'
for c in "${held_b[@]}"; do
	check "  no REL reached B on held circuit $c" eval '! _sw_has swb REL '"$c"
done
check "no REL reached C (the held calls' callers)" sw_none swc REL 0
log "the held calls end normally"
for cic in 1 2 3 4; do
	sw_mark swc
	sw swc "isup np700 $cic REL"
	check "held call on C's CIC $cic released: RLC" sw_got swc RLC $cic
done
check "np700 idle" wait_for 5 calls_idle
check "shed attempts recorded (outcome rejected, reason overload)" wait_for 3 eval 'cdr_lines | grep -q ",overload,"'
echo "  records with reason overload: $(cdr_lines | grep -c ',overload,')"

# A provisioning flood and a call load at the same time (limits off): the store's writer thread
# takes the commits, so neither may starve the other. Each runs alone first, for the figures.
log "a provisioning flood ($FLOOD_N creates) and a call load ($FLOOD_CALLS calls) together"
np700_vty enable "configure terminal" "isup" "max-calls 0" "max-call-rate 0" "end" >/dev/null
# flood FILE FIRST: FLOOD_N creates of customer 2 from X number FIRST on; seconds taken on stdout
flood() {
	local t0
	awk -v n="$FLOOD_N" -v f="$2" 'BEGIN { print "op,mode,customer,x,a,b,expires"
		for (i = f; i < f + n; i++)
			printf "create,AXB,2,700999000%06d,86137%08d,86136%08d,+1d\n", i % 10000, i, i }' \
		>"$SCRATCH/$1.csv"
	t0=$(date +%s.%N)
	"$NP700_CTL" -u demo -f csv -w 500 -q bulk <"$SCRATCH/$1.csv" >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err"
	awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", e - s }'
}
# calls_start: FLOOD_CALLS calls from A on 8 circuits; calls_wait: their LOAD line
calls_start() {
	_loads=$(grep -c '^LOAD ' "$SCRATCH/sim-swa.out")
	sw swa "load np700 1 8 $FLOOD_CALLS $X $A_NUM timeout=120000"
}
calls_wait() {
	wait_for 150 eval '[ "$(grep -c "^LOAD " "$SCRATCH/sim-swa.out")" -gt '"$_loads"' ]'
	grep '^LOAD ' "$SCRATCH/sim-swa.out" | tail -1
}
t_alone=$(flood flood-alone 0)
calls_start
c_alone=$(calls_wait)
echo "  alone: $FLOOD_N creates in $t_alone s; calls: $c_alone"
flood flood-both $FLOOD_N >"$SCRATCH/flood-both.time" &
flood_pid=$!
sleep 0.3
calls_start
# still loading when the calls began (else the run proves nothing about starvation)
kill -0 "$flood_pid" 2>/dev/null && overlap=1 || overlap=0
python3 "$UML_DIR/vty_latency.py" "$NP700_VTY_PORT" 2 0.2 "show calls" >"$SCRATCH/vty-flood.txt"
c_both=$(calls_wait)
wait "$flood_pid"
echo "  together: $FLOOD_N creates in $(cat "$SCRATCH/flood-both.time") s; calls: $c_both"
echo "  VTY during both: max $(sed -n 's/^max=\([0-9]*\) .*/\1/p' "$SCRATCH/vty-flood.txt") ms"
awk -v a="$(field "$c_alone" cps)" -v b="$(field "$c_both" cps)" -v ta="$t_alone" \
	-v tb="$(cat "$SCRATCH/flood-both.time")" -v n="$FLOOD_N" 'BEGIN {
	printf "  calls/s %.0f alone, %.0f during the flood; creates/s %.0f alone, %.0f during the calls\n",
		a, b, n / ta, n / tb }'
expect_eq "every call of the load during the flood answered" \
	"$(field "$c_both" answered)/$(field "$c_both" failed)" "$FLOOD_CALLS/0"
expect_eq "every create of the flood during the calls acknowledged" \
	"$(ctl_acked "$SCRATCH/flood-both.out")" "$FLOOD_N"
expect_eq "and of the flood alone" "$(ctl_acked "$SCRATCH/flood-alone.out")" "$FLOOD_N"
expect_eq "the call load began while the flood was still going on" "$overlap" 1
check "np700 idle" wait_for 5 calls_idle
finish
