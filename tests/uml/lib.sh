# shellcheck shell=bash disable=SC2120
# Helpers for end-to-end tests that run INSIDE User-Mode Linux (source this from a script run by
# tests/uml/uml_run.sh). Everything a test writes goes to $SCRATCH; every process started here is
# stopped (by its pid) when the script exits. See tests/uml/README.md.
#
#   stp_start                     osmo-stp with tests/uml/osmo-stp.cfg; waits for its M3UA port
#   sim_start NAME [ARGS...]      ss7-sim as node NAME in the background (-w: stays, answers with its
#                                 auto rules); output in $SCRATCH/sim-NAME.out; waits for READY
#   sim_run NAME [ARGS...]        ss7-sim in the foreground (script via -e/-s); output also in
#                                 $SCRATCH/sim-NAME.out (appended); returns its exit code
#   sim_stop NAME
#   np700_config [FILE]           print doc/examples/np700.cfg made fit for the test: store, records
#                                 in $SCRATCH, DISUP/DSCCP/DMAIN logging at debug
#   np700_start [CFG]             np700 in the background, log in $SCRATCH/np700.log; waits for
#                                 its VTY and for its ASP to be active in osmo-stp
#   np700_launch [CFG]            the same without waiting for the ASP (osmo-stp not running yet)
#   load_start X A B              for a call load A -> X -> B: np700 (notice-level logging, 512
#                                 CICs per group), an AXB binding X (A, B), switch B (swb)
#                                 answering every call and release
#   stp_vty CMD... / np700_vty CMD...   VTY commands, answers on stdout
#   np700_ctr NAME                a rate counter's value (show rate-counters; the first group with
#                                 NAME, e.g. mt:delivered, call:shed)
#   asp_state NAME                the ASP's state in osmo-stp (ASP_ACTIVE, ASP_DOWN, ...)
#   wait_asp_active NAME [SECS]
#   capture_start / capture_stop  dumpcap on lo into $SCRATCH/lo.pcapng ($PCAP)
#   pcap_fields FILTER FIELD...   tshark on $PCAP: one line per matching frame, fields tab-separated
#                                 (TSHARK_OPTS, e.g. "-o mtp3.standard:CHINESE-ITU" for 24-bit PCs)
#   rx_lines NAME [TYPE]          the RX lines of a simulator's output (optionally of one type)
#   field LINE KEY                the value of KEY=... in an RX/TX line
#   wait_line FILE REGEX [SECS]   wait until FILE has a line matching REGEX
#   check DESCRIPTION CMD...      run CMD; print "ok"/"FAIL" with DESCRIPTION; count failures
#   np700_stop                    SIGTERM to np700: it must exit 0; checks the valgrind logs (if any)
#   finish                        np700_stop, summary; exit 1 if any check failed
#
# np700 under a checker (opt-in, variables passed through uml_run.sh):
#   NP700_VALGRIND=1     np700 runs under valgrind memcheck, one log per process in
#                        $SCRATCH/valgrind-np700.PID.log; np700_stop (finish) checks: no error, no
#                        definite leak, and the stopped np700's leak check ran. Waits scale by 6.
#   NP700_WRAP=CMD       any command prefix for np700 (word-split; overrides the valgrind command)
#   NP700_WAIT_SCALE=N   multiplies the waits of wait_for, wait_line, the VTY time-outs and sw_none
#                        (default 1): np700 under valgrind is 10-30 times slower. Only waits grow.

: "${SCRATCH:?run this through tests/uml/uml_run.sh}"
: "${NP700_SRC:?}"
: "${NP700_BUILD:?}"

UML_DIR=$NP700_SRC/tests/uml
NODES=$UML_DIR/nodes.txt
SS7_SIM=${SS7_SIM:-$NP700_BUILD/tests/sim/ss7-sim}
NP700_BIN=${NP700_BIN:-$NP700_BUILD/src/np700}
STP_VTY_PORT=4239
NP700_VTY_PORT=4290
PCAP=$SCRATCH/lo.pcapng
export UML_DIR NODES SS7_SIM NP700_BIN PCAP

if [ "${NP700_VALGRIND:-0}" = 1 ]; then
	# definite leaks only: talloc hands out pointers past its chunk header, so every talloc block
	# still referenced looks "possibly lost"
	NP700_WRAP=${NP700_WRAP:-valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=30 \
--suppressions=$UML_DIR/valgrind.supp --log-file=$SCRATCH/valgrind-np700.%p.log}
	NP700_WAIT_SCALE=${NP700_WAIT_SCALE:-6}
fi
WAIT_SCALE=${NP700_WAIT_SCALE:-1}

declare -A _sim_pid
declare -a _pids
_failures=0
_checks=0

_cleanup() {
	local p
	for p in "${_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
}
trap _cleanup EXIT

_track() {
	_pids+=("$1")
}

log() {
	echo "== $*"
}

die() {
	echo "FAIL: $*"
	exit 1
}

# wait_for SECS CMD...: poll every 0.1 s until CMD succeeds, at most SECS (times WAIT_SCALE) seconds
wait_for() {
	local deadline=$(($(date +%s) + $1 * WAIT_SCALE))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# true while the process is alive
_alive() {
	kill -0 "$1" 2>/dev/null
}

wait_line() {
	wait_for "${3:-10}" grep -qE "$2" "$1"
}

check() {
	local desc=$1
	shift
	_checks=$((_checks + 1))
	if "$@"; then
		echo "ok: $desc"
	else
		echo "FAIL: $desc"
		_failures=$((_failures + 1))
	fi
}

finish() {
	np700_stop
	echo "$((_checks - _failures)) of $_checks checks passed"
	[ "$_failures" = 0 ]
	exit $?
}

stp_vty() {
	python3 "$UML_DIR/vty_cmd.py" --timeout "${VTY_TIMEOUT:-10}" "$STP_VTY_PORT" "$@"
}

np700_vty() {
	python3 "$UML_DIR/vty_cmd.py" --timeout "$((${VTY_TIMEOUT:-10} * WAIT_SCALE))" "$NP700_VTY_PORT" "$@"
}

np700_ctr() {
	np700_vty "show rate-counters" | awk -v k="$1:" '$1 == k { print $2; exit }'
}

# one quick attempt, for polling
_vty_up() {
	python3 "$UML_DIR/vty_cmd.py" --timeout "$WAIT_SCALE" "$1" "show version"
}

_m3ua_listening() {
	# /proc/net/sctp/eps: LADDRS contains the port; 2905 = 0xb59
	grep -q ' 2905 ' /proc/net/sctp/eps 2>/dev/null
}

stp_start() {
	command -v osmo-stp >/dev/null || die "osmo-stp not installed"
	osmo-stp -c "$UML_DIR/osmo-stp.cfg" >"$SCRATCH/stp.log" 2>&1 &
	_track $!
	wait_for 10 _m3ua_listening || { tail -20 "$SCRATCH/stp.log"; die "osmo-stp does not listen on 2905"; }
	wait_for 10 _vty_up "$STP_VTY_PORT" || die "osmo-stp VTY not reachable"
}

sim_start() {
	local name=$1
	shift
	[ -x "$SS7_SIM" ] || die "ss7-sim not built: $SS7_SIM"
	"$SS7_SIM" -N "$NODES" -n "$name" -w -t 3600 "$@" </dev/null >>"$SCRATCH/sim-$name.out" \
		2>>"$SCRATCH/sim-$name.err" &
	_sim_pid[$name]=$!
	_track $!
	wait_line "$SCRATCH/sim-$name.out" '^READY' 10 || { cat "$SCRATCH/sim-$name.err"; die "ss7-sim $name not ready"; }
}

sim_run() {
	local name=$1 rc
	shift
	[ -x "$SS7_SIM" ] || die "ss7-sim not built: $SS7_SIM"
	"$SS7_SIM" -N "$NODES" -n "$name" "$@" </dev/null 2>>"$SCRATCH/sim-$name.err" | tee -a "$SCRATCH/sim-$name.out"
	rc=${PIPESTATUS[0]}
	return "$rc"
}

sim_stop() {
	local p=${_sim_pid[$1]:-}
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	unset "_sim_pid[$1]"
}

np700_config() {
	local cfg=${1:-$NP700_SRC/doc/examples/np700.cfg}
	mkdir -p "$SCRATCH/store" "$SCRATCH/records"
	sed -e "s|/var/lib/np700/store|$SCRATCH/store|" \
	    -e "s|/var/lib/np700/records|$SCRATCH/records|" \
	    -e 's|^\( *logging level set-all notice\)$|\1\n logging level main debug\n logging level isup debug\n logging level sccp debug|' \
	    "$cfg"
}

# np700_launch [CFG]: start np700 and wait for its VTY only (osmo-stp may not run yet)
np700_launch() {
	local cfg=${1:-}
	[ -x "$NP700_BIN" ] || die "np700 not built: $NP700_BIN"
	if [ -z "$cfg" ]; then
		cfg=$SCRATCH/np700.cfg
		np700_config >"$cfg"
	fi
	# shellcheck disable=SC2086
	${NP700_WRAP:-} "$NP700_BIN" -c "$cfg" >>"$SCRATCH/np700.log" 2>&1 &
	_track $!
	NP700_PID=$!
	wait_for 10 _vty_up "$NP700_VTY_PORT" || { tail -20 "$SCRATCH/np700.log"; die "np700 VTY not reachable"; }
	_alive "$NP700_PID" || { tail -20 "$SCRATCH/np700.log"; die "np700 exited"; }
}

load_start() {
	np700_config | grep -v '^ logging level .* debug$' | sed -e 's/^  cic 1 31$/  cic 1 512/' \
		>"$SCRATCH/np700.cfg"
	np700_start "$SCRATCH/np700.cfg"
	"$NP700_BUILD/src/np700-ctl" -u demo -q create --customer 1 --mode AXB --x "$1" --a "86$2" \
		--b "86$3" --expires +1d >/dev/null || die "cannot provision the binding"
	sim_start swb -q -e 'auto IAM ACM ANM' -e 'auto REL RLC'
}

np700_start() {
	np700_launch "$@"
	wait_asp_active np700 15 || { tail -20 "$SCRATCH/np700.log"; die "np700's ASP not active in osmo-stp"; }
}

# running: alive and not a zombie waiting to be reaped
_running() {
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}

np700_stop() {
	local pid=${NP700_PID:-} rc
	[ -n "$pid" ] || return 0
	NP700_PID=
	if _running "$pid"; then
		kill -TERM "$pid"
		if ! wait_for 30 eval "! _running $pid"; then
			kill -KILL "$pid"
			echo "np700 did not stop on SIGTERM; log tail:"
			tail -5 "$SCRATCH/np700.log"
		fi
	fi
	wait "$pid"
	rc=$?
	check "np700 stops on SIGTERM with exit status 0 (got $rc)" test "$rc" = 0
	[ "${NP700_VALGRIND:-0}" = 1 ] && _valgrind_check "$pid"
	return 0
}

# the valgrind logs: every np700 of the test (one killed with SIGKILL leaves a log without a
# summary, but the errors it met are in it); with --show-leak-kinds=definite, a stack trace in a
# log is an error or a definite leak
_valgrind_check() {
	local last=$SCRATCH/valgrind-np700.$1.log logs
	logs=$(ls "$SCRATCH"/valgrind-np700.*.log 2>/dev/null)
	check "valgrind wrote a log for the stopped np700" test -s "$last"
	[ -n "$logs" ] || return 0
	# shellcheck disable=SC2086
	if grep -qE '^==[0-9]+== +(at|by) 0x' $logs; then
		# shellcheck disable=SC2086
		grep -hE -B3 -A30 -m3 '^==[0-9]+== +at 0x' $logs | head -150
	fi
	# shellcheck disable=SC2086
	check "valgrind: no error and no definite leak in np700 ($(echo $logs | wc -w) log(s))" \
		eval "! grep -qE '^==[0-9]+== +(at|by) 0x' $(echo $logs)"
	check "valgrind: the leak check ran at np700's exit, 0 errors" grep -q 'ERROR SUMMARY: 0 errors' "$last"
	grep -hE 'ERROR SUMMARY|definitely lost|possibly lost|in use at exit' "$last" | sed 's/^/  /'
}

asp_state() {
	VTY_TIMEOUT=2 stp_vty "show cs7 instance 0 asp" | awk -v n="$1" '$1 == n { print $3 }'
}

_asp_is_active() {
	[ "$(asp_state "$1")" = ASP_ACTIVE ]
}

wait_asp_active() {
	wait_for "${2:-10}" _asp_is_active "$1"
}

capture_start() {
	command -v dumpcap >/dev/null || { echo "dumpcap not installed: no capture"; return 1; }
	dumpcap -q -i lo -w "$PCAP" >"$SCRATCH/dumpcap.log" 2>&1 &
	_track $!
	CAPTURE_PID=$!
	wait_for 10 grep -q "Capturing on" "$SCRATCH/dumpcap.log" || wait_for 5 test -s "$PCAP"
}

capture_stop() {
	[ -n "${CAPTURE_PID:-}" ] || return 0
	sleep 0.3
	kill -INT "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	CAPTURE_PID=
}

pcap_fields() {
	local filter=$1 f args=()
	shift
	for f in "$@"; do
		args+=(-e "$f")
	done
	# shellcheck disable=SC2086
	tshark -r "$PCAP" ${TSHARK_OPTS:-} -Y "$filter" -T fields "${args[@]}" 2>/dev/null
}

rx_lines() {
	if [ -n "${2:-}" ]; then
		grep -E "^RX .* type=$2 " "$SCRATCH/sim-$1.out"
	else
		grep -E '^RX ' "$SCRATCH/sim-$1.out"
	fi
}

field() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -1
}
