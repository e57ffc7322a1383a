# shellcheck shell=bash disable=SC2034
# Helpers for the ISUP end-to-end tests (tests/uml/isup_*_test.sh), sourced after lib.sh.
#
# The switches are long-lived ss7-sim processes driven through a FIFO (`-s -`), so that one node
# can both originate and answer calls; nothing is asserted inside the simulators (a failed
# `expect` would end them): the test waits for RX lines in $SCRATCH/sim-NAME.out instead.
#
#   isup_config                   np700_config plus: circuit group msc-c towards swc (CIC 1-31),
#                                 route 86137 -> msc-c, distinct reject causes, T35 = 3 s
#   sw_start NAME [AUTO...]       start switch NAME (swa swb swc) with auto rules (e.g. 'IAM ACM ANM')
#   sw NAME CMD...                send ss7-sim script commands to switch NAME (one per argument)
#   sw_mark NAME...               remember how far the switches' outputs are read
#   sw_wait NAME TYPE [CIC] [SECS]  wait (10 s) for an RX of TYPE (on CIC) after the mark; print its line
#   sw_got NAME TYPE [CIC] [SECS]   the same, quietly (for check)
#   sw_none NAME TYPE [MS]        true if no RX of TYPE arrives after the mark within MS
#   dec LINE|HEX [KEY]            decode an ISUP message (tests/uml/isup_dec.py)
#   ctl ARGS...                   np700-ctl as client 'demo'; prints the JSON answer lines
#   ctl_id ARGS...                np700-ctl create ...: print the new binding's id
#   ctl_acked FILE                creates acknowledged in np700-ctl's CSV output FILE
#   expect_eq DESC GOT WANT       a check that prints both values when they differ
#   calls_idle                    true when np700 has no call in progress (show calls empty)
#   cdr_lines                     every call record written so far (CSV, no header)
#   cdr_count_ge N                true when at least N records are written (they are flushed each second)

A_NUM=13800138000 # switch A's subscribers: 86138... routes to msc-a (1.1.2)
B_NUM=13900139000 # switch B's: 86139... -> msc-b (1.1.3)
C_NUM=13700137000 # switch C's: 86137... -> msc-c (1.1.4), added by isup_config
ISUP_DEC=$UML_DIR/isup_dec.py
NP700_CTL=${NP700_CTL:-$NP700_BUILD/src/np700-ctl}
declare -A _sw_mark _sw_fd

isup_config() {
	np700_config | sed \
		-e 's|^ route 86139 circuit-group msc-b format national$|&\n circuit-group msc-c\n  dpc 1.1.4\n  cic 1 31\n route 86137 circuit-group msc-c format national\n timer T35 3|' \
		-e 's|^ reject-cause caller-not-allowed .*| reject-cause caller-not-allowed 55|' \
		-e 's|^ reject-cause expired .*| reject-cause expired 22|' \
		-e 's|^ reject-cause no-binding .*| reject-cause no-binding 1|'
}

sw_start() {
	local name=$1 fifo fd rule
	fifo=$SCRATCH/sw-$name.in
	shift
	mkfifo "$fifo"
	# read-write open: never blocks, and the simulator sees no EOF while the test lives
	exec {fd}<>"$fifo"
	_sw_fd[$name]=$fd
	"$SS7_SIM" -N "$NODES" -n "$name" -w -t 3600 -s - <"$fifo" >>"$SCRATCH/sim-$name.out" \
		2>>"$SCRATCH/sim-$name.err" &
	_sim_pid[$name]=$!
	_track $!
	for rule in "$@"; do
		sw "$name" "auto $rule"
	done
	sw "$name" "auto REL RLC"
	wait_line "$SCRATCH/sim-$name.out" '^READY' 10 || { cat "$SCRATCH/sim-$name.err"; die "ss7-sim $name not ready"; }
	_sw_mark[$name]=0
}

sw() {
	local name=$1 c
	shift
	for c in "$@"; do
		echo "$c" >&"${_sw_fd[$name]}"
	done
}

sw_mark() {
	local n
	for n in "$@"; do
		_sw_mark[$n]=$(wc -l <"$SCRATCH/sim-$n.out")
	done
}

# the RX lines of switch $1 of type $2 (on CIC $3) after its mark
_sw_rx() {
	tail -n +"$((${_sw_mark[$1]:-0} + 1))" "$SCRATCH/sim-$1.out" |
		grep -E "^RX si=5 .* type=$2 " | { if [ -n "${3:-}" ]; then grep -E " cic=$3 "; else cat; fi; }
}

sw_wait() {
	wait_for "${4:-10}" _sw_has "$1" "$2" "${3:-}" || return 1
	_sw_rx "$1" "$2" "${3:-}" | head -1
}

sw_got() {
	sw_wait "$@" >/dev/null
}

_sw_has() {
	[ -n "$(_sw_rx "$@")" ]
}

sw_none() {
	sleep "$(awk -v ms="${3:-500}" -v k="${WAIT_SCALE:-1}" 'BEGIN { print ms * k / 1000 }')"
	! _sw_has "$1" "$2"
}

dec() {
	if [ -n "${2:-}" ]; then
		python3 "$ISUP_DEC" -f "$2" "$(field "$1" hex)"
	else
		python3 "$ISUP_DEC" "$(field "$1" hex)"
	fi
}

ctl() {
	"$NP700_CTL" -u demo "$@"
}

ctl_id() {
	ctl "$@" | sed -n 's/.*"id": *"\{0,1\}\([0-9][0-9]*\).*/\1/p' | head -1
}

ctl_acked() {
	grep -c '^[0-9]*,create,ok,' "$1"
}

expect_eq() {
	local desc=$1 got=$2 want=$3
	_checks=$((_checks + 1))
	if [ "$got" = "$want" ]; then
		echo "ok: $desc"
	else
		echo "FAIL: $desc: got '$got', want '$want'"
		_failures=$((_failures + 1))
	fi
}

calls_idle() {
	[ -z "$(np700_vty "show calls" | grep -E '^ *call [0-9]')" ]
}

cdr_lines() {
	cat "$SCRATCH"/records/np700-*.csv 2>/dev/null | grep -v '^kind,'
}

cdr_count_ge() {
	[ "$(cdr_lines | wc -l)" -ge "$1" ]
}
