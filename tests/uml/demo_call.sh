#!/bin/bash
# contrib/demo.sh's call, run INSIDE User-Mode Linux by tests/uml/uml_run.sh: switch A calls the
# 700 number X of an AXB binding; np700 translates the IAM and the call arrives at switch B with X
# as the caller; B answers, A hangs up; then the call record. Prints what each side sees.
set -u
. "$NP700_SRC/tests/uml/lib.sh"
. "$NP700_SRC/tests/uml/isup_lib.sh"

X=700123456780001
capture_start >/dev/null || true
stp_start
np700_start
echo "\$ np700-ctl create --customer 1 --mode AXB --x $X --a 86$A_NUM --b 86$B_NUM --expires +1h --order demo-1"
ctl create --customer 1 --mode AXB --x $X --a 86$A_NUM --b 86$B_NUM --expires +1h --order demo-1
sw_start swa
sw_start swb 'IAM ACM ANM'

echo
echo "switch A ($A_NUM) dials $X on CIC 1:"
sw_mark swa swb
sw swa "iam np700 1 $X $A_NUM"
iam=$(sw_wait swb IAM) || die "no IAM reached switch B"
echo "  switch B receives from np700 (PC $(field "$iam" opc)) on CIC $(field "$iam" cic):"
echo "    $(dec "$iam")"
echo "    called $(dec "$iam" called | cut -d: -f2)  calling $(dec "$iam" calling | cut -d: -f2)  <- X, not A's number"
sw_got swa ANM 1 && echo "  switch A receives ACM and ANM: answered"
echo
np700_vty "show calls" | sed 's/^/  np700# show calls: /'
sw swa "isup np700 1 REL"
sw_got swa RLC 1 && echo "  switch A hangs up: REL, RLC; switch B's leg is released too"
wait_for 5 cdr_count_ge 1
echo
echo "call record ($SCRATCH/records):"
cat "$SCRATCH"/records/np700-*.csv | awk -F, 'NR == 1 { split($0, h); next }
	NR == 2 { for (i = 1; i <= NF; i++) if ($i != "") printf "%s=%s ", h[i], $i; print "" }' |
	fold -s -w 100 | sed 's/^/  /'
capture_stop
if [ -s "$PCAP" ]; then
	echo
	echo "tshark, np700's IAM (isup.called, isup.calling):"
	pcap_fields 'isup.message_type == 1 && m3ua.protocol_data_opc == 2057' isup.called isup.calling |
		head -1 | sed 's/^/  /'
fi
