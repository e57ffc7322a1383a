#!/bin/bash
# ss7-sim's own behaviour, run INSIDE User-Mode Linux by tests/uml/uml_run.sh: commands from stdin,
# canned and hex auto answers, expect/expect-none, SCCP (SI=3) traffic, exit codes.
set -u
. "$NP700_SRC/tests/uml/lib.sh"

stp_start
sim_start gmsc -e 'auto UDT hex:0900'
sim_start swb -e 'auto IAM CPG ACM'

# shellcheck disable=SC2016
check "a simulator driven through stdin" bash -c '{
	echo "iam swb 5 13800138000"; sleep 0.5
	echo "expect CPG"; echo "expect ACM cic=5 opc=swb"; echo "expect-none ANM 300"
	echo "sccp gmsc 0981030e1904430100020443020003020102"; echo "expect UDT opc=gmsc"
} | "$SS7_SIM" -N "$NODES" -n swa -s - -t 10 | tee -a "$SCRATCH/sim-swa.out"; exit ${PIPESTATUS[1]}'
check "the CPG came back on CIC 5" grep -q ' cic=5 ' <<<"$(rx_lines swa CPG)"
check "the ACM came back on CIC 5" grep -q ' cic=5 ' <<<"$(rx_lines swa ACM)"
check "gmsc received the UDT byte-identical" grep -q 'hex=0981030e1904430100020443020003020102$' \
	"$SCRATCH/sim-gmsc.out"
check "an unmet expect exits 1" bash -c '"$SS7_SIM" -N "$NODES" -n swc -e "expect ANM timeout=300" >/dev/null; test $? = 1'
check "a script error exits 2" bash -c '"$SS7_SIM" -N "$NODES" -n swc -e "bogus line" >/dev/null 2>&1; test $? = 2'
check "an unknown node exits 2" bash -c '"$SS7_SIM" -N "$NODES" -n nosuch >/dev/null 2>&1; test $? = 2'
finish
