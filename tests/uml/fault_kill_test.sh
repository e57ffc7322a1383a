#!/bin/bash
# Fault injection (issue 6 item 3 b-d), run INSIDE User-Mode Linux by tests/uml/uml_run.sh:
# - the call records directory is a tiny tmpfs, filled up: np700 logs a clear error, counts the
#   lost records (show records) and signalling runs on;
# - np700 is SIGKILLed during a provisioning bulk load, a call load, an SMS load (SMSC -> np700 ->
#   HLR, MSC) and three held calls, and restarted: the store opens, every acknowledged binding is
#   there, both switches receive GRS for all their circuits, new calls translate, SMS are
#   delivered again;
# - a peer (switch B) disappears in the middle of an answered call: T1 repeats the REL, T5 resets
#   the circuit (RSC) and frees it; nothing stays busy.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"
. "$NP700_SRC/tests/uml/map_lib.sh"

X=700123456780021
GRA_31=2901051e00000000
KILL_N=${FAULT_KILL_N:-20000}
# the SMS load: SMS j goes from SMS_A + j to SMS_X + j (-> SMS_B + j, in the HLR's range 86138)
SMS_PAIRS=20
SMS_X=700123456780101
SMS_A=8613700137100
SMS_B=8613800138100

# sms_load NAME SMS [OPTIONS]: the SMSC simulator NAME (node smsc) sends SMS SMS through np700,
# 4 at a time, in the background; its MAPLOAD summary line ends up in sim-NAME.out
sms_load() {
	local name=$1 n=$2
	shift 2
	"$SS7_SIM" -N "$NODES" -n smsc -q -S 3 -t 300 \
		-e "map-load np700 $n 4 $SMS_X $SMS_A count=$SMS_PAIRS route=86132:msc,$NP700_GT:np700 $*" \
		</dev/null >"$SCRATCH/sim-$name.out" 2>"$SCRATCH/sim-$name.err" &
	_track $!
	SMS_LOAD_PID=$!
}

ctr_ge() {
	[ "$(np700_ctr "$1")" -ge "$2" ] 2>/dev/null
}

busy_circuits() {
	np700_vty "show circuits" | awk '/circuit-group/ { n += $(NF - 3) } END { print n + 0 }'
}

log "records directory: a 64 KiB tmpfs, filled"
mkdir -p "$SCRATCH/records"
mount -t tmpfs -o size=64k tmpfs "$SCRATCH/records" || die "cannot mount tmpfs"
dd if=/dev/zero of="$SCRATCH/records/filler" bs=4k count=64 2>/dev/null
df -k "$SCRATCH/records" | tail -1 | sed 's/^/  /'

stp_start
isup_config | map_filter |
	sed 's|^ timer T35 3$|&\n timer T22 2\n timer T1 1\n timer T5 4|' >"$SCRATCH/np700.cfg"
sw_start swa 'IAM ACM ANM'
sw_start swb 'IAM ACM ANM'
sim_start hlr -q -S 3 -e "map-respond hlr nnn=$MSC_GT"
sim_start msc -q -S 3 -e 'map-respond msc'
np700_start "$SCRATCH/np700.cfg"
sw swa "isup np700 1 $GRA_31"
sw swb "isup np700 1 $GRA_31"
check "AXB binding" test -n "$(ctl_id create --customer 1 --mode AXB --x $X --a 86$A_NUM --b 86$B_NUM --expires +1h)"
awk -v n="$SMS_PAIRS" -v x="$SMS_X" -v a="$SMS_A" -v b="$SMS_B" 'BEGIN {
	for (j = 0; j < n; j++)
		printf "create,AXB,1,sms-%d,%.0f,,%.0f,%.0f,+1d,voice+sms\n", j, x + j, a + j, b + j
}' | "$NP700_CTL" -u demo -q -f csv bulk >"$SCRATCH/sms-bindings.out" 2>&1
check "$SMS_PAIRS AXB bindings for SMS" test "$(ctl_acked "$SCRATCH/sms-bindings.out")" -eq $SMS_PAIRS

log "full records disk: calls go on, records are counted lost"
for cic in 2 3 4 5 6; do
	sw_mark swa swb
	sw swa "iam np700 $cic $X $A_NUM"
	check "call on CIC $cic answered" sw_got swa ANM $cic
	sw swa "isup np700 $cic REL"
	check "  released" sw_got swa RLC $cic
done
sleep 1.5
rec=$(np700_vty "show records" | grep 'Records written')
echo "  $rec"
check "lost records counted" test "$(sed -n 's/.*lost: \([0-9]*\).*/\1/p' <<<"$rec")" -ge 1
check "the log says why" grep -qE 'DCDR .*(Record lost|Flushing .* failed).*(No space|record)' "$SCRATCH/np700.log"
grep -E 'DCDR' "$SCRATCH/np700.log" | head -2 | sed 's/^/  log: /'
rm -f "$SCRATCH/records/filler"

log "held calls, a call load, an SMS load and a provisioning bulk load; then np700 is SIGKILLed"
for cic in 21 22 23; do
	sw_mark swa swb
	sw swa "iam np700 $cic $X $A_NUM"
	check "held call on CIC $cic answered" sw_got swa ANM $cic
done
awk -v n="$KILL_N" 'BEGIN { print "op,mode,customer,x,a,b,expires"
	for (i = 0; i < n; i++) printf "create,AXB,2,700999000%06d,86137%08d,86136%08d,+1d\n", i % 10000, i, i }' >"$SCRATCH/kill.csv"
"$NP700_CTL" -u demo -f csv -w 500 -q bulk <"$SCRATCH/kill.csv" >"$SCRATCH/kill.out" 2>"$SCRATCH/kill.err" &
ctl_pid=$!
sw swa "load np700 1 16 1000000 $X $A_NUM timeout=3000"
# more SMS than can pass before the kill; each dialogue gives up after 2 s, so the SMSC runs on
sms_load sms-kill 1000000 dlg-timeout=2000 timeout=200000
acks_ge() {
	[ "$(ctl_acked "$SCRATCH/kill.out")" -ge "$1" ]
}
wait_for 20 acks_ge 2000
check "SMS are being delivered during the loads" wait_for 20 ctr_ge mt:delivered 20
sms_before=$(np700_ctr mt:delivered)
sw_mark swa swb
kill -9 "$NP700_PID"
wait "$NP700_PID" 2>/dev/null
wait "$ctl_pid" 2>/dev/null
acked=$(ctl_acked "$SCRATCH/kill.out")
echo "  killed with $acked of $KILL_N bindings acknowledged, $(grep -c 'TX .*type=IAM' "$SCRATCH/sim-swa.out") IAMs sent by A, $sms_before or more SMS delivered"
check "the kill came in the middle of the bulk load" test "$acked" -gt 0 -a "$acked" -lt "$KILL_N"

log "np700 restarted"
t0=$(date +%s.%N)
np700_start "$SCRATCH/np700.cfg"
awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "  ASP active %.1f s after the restart\n", e - s }'
check "GRS to swa for CIC 1-31" sw_got swa GRS 1 10
check "GRS to swb for CIC 1-31" sw_got swb GRS 1 10
sw swa "isup np700 1 $GRA_31"
sw swb "isup np700 1 $GRA_31"
awk -F, 'NR == FNR { next } $3 == "ok" { print "get," $7 }' "$SCRATCH/kill.csv" "$SCRATCH/kill.out" |
	sed '1i op,id' >"$SCRATCH/get.csv"
"$NP700_CTL" -u demo -f csv -w 500 -q bulk <"$SCRATCH/get.csv" >"$SCRATCH/get.out" 2>&1
found=$(grep -c '^[0-9]*,get,ok,' "$SCRATCH/get.out")
expect_eq "every acknowledged binding is in the store after the restart" "$found" "$acked"
expect_eq "no circuit busy" "$(busy_circuits)" 0

log "SMS after the restart: the SMSC that was loading np700 stops; a new one sends 50 SMS"
kill "$SMS_LOAD_PID" 2>/dev/null
wait "$SMS_LOAD_PID" 2>/dev/null
sleep 2.5	# the old load's last dialogues time out at the SMSC (dlg-timeout 2 s)
d0=$(np700_ctr mt:delivered)
sms_load sms-after 50 timeout=60000
wait "$SMS_LOAD_PID"
line=$(grep '^MAPLOAD' "$SCRATCH/sim-sms-after.out")
echo "  $line"
expect_eq "all 50 SMS delivered through the restarted np700" "$(field "$line" ok)/$(field "$line" failed)" 50/0
expect_eq "np700 counted them" "$(($(np700_ctr mt:delivered) - d0))" 50

log "new calls translate; then switch B disappears during an answered call"
sw_mark swa swb
sw swa "iam np700 7 $X $A_NUM"
iam=$(sw_wait swb IAM)
expect_eq "B sees calling = X" "$(dec "$iam" calling)" 3:$X
check "answered" sw_got swa ANM 7
sim_stop swb
sw_mark swa
sw swa "isup np700 7 REL"
check "A's REL confirmed" sw_got swa RLC 7
check "np700 repeats the REL (T1) and resets the circuit (T5 = 4 s)" wait_for 8 grep -q 'T5 expired' "$SCRATCH/np700.log"
check "then no call and no busy circuit" wait_for 3 calls_idle
expect_eq "no circuit busy" "$(busy_circuits)" 0
grep -cE 'T1 expired' "$SCRATCH/np700.log" | sed 's/^/  T1 expiries: /'
umount "$SCRATCH/records" 2>/dev/null
finish
