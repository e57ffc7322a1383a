# shellcheck shell=bash disable=SC2034
# Helpers for the MAP/SMS end-to-end tests (tests/uml/map_*_test.sh), sourced after lib.sh.
#
# The MAP nodes (gmsc, hlr, msc, smsc, hlrb) are long-lived ss7-sim processes (SI=3) driven
# through a FIFO, like the ISUP switches of isup_lib.sh. A TCAP answer must carry the dtid of
# the Begin it answers, so canned `auto` answers do not do: a responder loop per node decodes
# every received SCCP message with tests/sim/map_msg, appends the decoded line to
# $SCRATCH/dec-NAME.txt and answers according to $SCRATCH/mode-NAME:
#   hlr, hlrb:  ok (SRI-SM result: IMSI 46000 + last 10 digits of the MSISDN, MSC GT) | error CODE
#               | silent
#   msc:        ok (empty result; in a Continue while more messages are announced) | error CODE [CAUSE] | silent | refuse-v3 (U-ABORT ACN not
#               supported offering v2 to a v3 Begin, result to v2)
#   smsc:       silent (it only records) | ok (empty result: the answer to an MO-ForwardSM) | error CODE [CAUSE]
#   gmsc:       silent (it only records)
#
#   map_config                    np700_config plus GT routes to the MAP nodes, X -> np700, map
#                                 peer-timeout and forward-timeout MAP_PEER_TIMEOUT (10 s times WAIT_SCALE: the responders
#                                 are bash loops, slow when the host is busy),
#                                 DMAP debug logging
#   map_filter                    a config on stdin with those GT routes and peer-timeout (no
#                                 debug logging: for tests that only need SMS to flow)
#   map_sim_start NAME [MODE]     start node NAME and its responder
#   map_mode NAME MODE...         change the responder's mode
#   map_send NAME HEX             NAME sends the SCCP message HEX to np700
#   map_mo SENDER TP-DA TEXT [OPTS...]  the MSC sends an MO-ForwardSM (map_msg OPTS) to np700's GT for
#                                 the SMSC SMSC_GT; sets MO_OTID and MO_ANS (the MSC's decoded answer,
#                                 waited for MO_WAIT s, default MAP_PEER_TIMEOUT + 5)
#   map_sms X SENDER TEXT [OPTS...]  the SMSC's SRI-SM for X and MT-ForwardSM (map_msg OPTS); sets
#                                 SRI_ANS and ANS; transaction ids from the test's _otid
#   map_msg ARGS...               tests/sim/map_msg
#   map_wait NAME REGEX [SECS]    wait for a decoded line of NAME matching REGEX; print it
#   dfield LINE KEY               a field of a decoded line
#   map_rx_hex NAME REGEX [SUB]   the hex of the last message NAME received whose decoded line matches
#                                 (only messages whose hex contains SUB are decoded: processes are slow in UML)

MAP_MSG=${MAP_MSG:-$NP700_BUILD/tests/sim/map_msg}
MAP_PEER_TIMEOUT=$((10 * ${WAIT_SCALE:-1}))
NP700_GT=8613900001
SMSC_GT=8613100004
MSC_GT=8613200003
GMSC_GT=8613300001
declare -A _map_fd

map_config() {
	np700_config | map_filter | sed 's|^\( *logging level set-all notice\)$|\1\n logging level map debug|'
}

map_filter() {
	local r routes=" gt-route 86131 pc 1.2.4 ssn 8\n gt-route 86132 pc 1.2.3 ssn 8\n gt-route 86133 pc 1.2.1 ssn 8"
	r="$routes\n gt-route 86138 pc 1.2.2 ssn 6\n gt-route 86137 pc 1.2.5 ssn 6\n gt-route 700 pc 1.1.1 ssn 0"
	sed -e "s|^ local-ssn 8\$| local-ssn 8\n$r|" \
		-e "s|^ peer-timeout .*| peer-timeout $MAP_PEER_TIMEOUT\n forward-timeout $MAP_PEER_TIMEOUT|" \
		-e "/^ forward-timeout 30\$/d"
}

map_msg() {
	"$MAP_MSG" "$@"
}

map_mode() {
	local name=$1
	shift
	echo "$*" >"$SCRATCH/mode-$name.tmp" && mv "$SCRATCH/mode-$name.tmp" "$SCRATCH/mode-$name"
}

map_send() {
	echo "sccp np700 $2" >&"${_map_fd[$1]}"
}

_mo_otid=$((0x61000000))
map_mo() {
	local sender=$1 da=$2 text=$3
	shift 3
	_mo_otid=$((_mo_otid + 1))
	MO_OTID=$(printf %08x $_mo_otid)
	map_send msc "$(map_msg -o "$MO_OTID" "$@" mo-fsm "$NP700_GT" 8 "$MSC_GT" 8 "$sender" "$da" "$text")"
	MO_ANS=$(map_wait msc "dtid=$MO_OTID" "${MO_WAIT:-$((MAP_PEER_TIMEOUT + 5))}")
}

# map_sms X SENDER TEXT [map_msg options for the MT-ForwardSM]: the SMSC's two dialogues
# (SRI-SM for X, then the MT-ForwardSM to the IMSI and node it got); sets SRI_ANS and ANS (the
# SMSC's decoded answers). The otids come from _otid, which the test sets to a range of its own;
# no subshell, the counter must advance.
map_sms() {
	local x=$1 sender=$2 text=$3 o1 o2 imsi nnn
	shift 3
	_otid=$((_otid + 2))
	o1=$(printf %08x $((_otid - 1)))
	o2=$(printf %08x $_otid)
	map_send smsc "$(map_msg -o "$o1" sri-sm "$x" 6 "$SMSC_GT" 8 "$x")"
	ANS=
	SRI_ANS=$(map_wait smsc "dtid=$o1") || { echo "no SRI-SM answer"; return 1; }
	imsi=$(dfield "$SRI_ANS" imsi)
	nnn=$(dfield "$SRI_ANS" nnn)
	[ -n "$imsi" ] || { echo "$SRI_ANS"; return 1; }
	map_send smsc "$(map_msg -o "$o2" "$@" mt-fsm "$nnn" 8 "$SMSC_GT" 8 "$imsi" "$sender" "$text")"
	ANS=$(map_wait smsc "dtid=$o2" $((MAP_PEER_TIMEOUT + 9)))
}

# the responder of node $1: one decoded line per received message, the answer by the mode file
_map_responder() {
	local name=$1 line hex opc dec mode reply msisdn
	tail -n +1 -F "$SCRATCH/sim-$name.out" 2>/dev/null | while read -r line; do
		case $line in
		"RX si=3 "*) ;;
		*) continue ;;
		esac
		hex=$(field "$line" hex)
		opc=$(field "$line" opc)
		dec=$("$MAP_MSG" decode "$hex" 2>&1)
		echo "$dec" >>"$SCRATCH/dec-$name.txt"
		read -r -a mode <"$SCRATCH/mode-$name" 2>/dev/null || mode=(silent)
		# only Begins and Continues with an Invoke get answers
		case $dec in
		*" tcap=Begin "* | *" tcap=Continue "*"comp=Invoke"*) ;;
		*) continue ;;
		esac
		reply=
		case ${mode[0]} in
		ok)
			case $dec in
			*" op=45 "*)
				msisdn=$(dfield "$dec" msisdn)
				reply=$("$MAP_MSG" reply "$hex" sri-sm-res "46000${msisdn: -10}" "$MSC_GT")
				;;
			*" more=1 "*) reply=$("$MAP_MSG" -o 7c000001 reply "$hex" result-continue) ;;
			*) reply=$("$MAP_MSG" reply "$hex" result) ;;
			esac
			;;
		error)
			if [ -n "${mode[2]:-}" ]; then
				reply=$("$MAP_MSG" -c "${mode[2]}" reply "$hex" error "${mode[1]}")
			else
				reply=$("$MAP_MSG" reply "$hex" error "${mode[1]}")
			fi
			;;
		refuse-v3)
			if [[ $dec == *" v=3 "* ]]; then
				reply=$("$MAP_MSG" reply "$hex" abort-acn 2)
			else
				reply=$("$MAP_MSG" reply "$hex" result)
			fi
			;;
		esac
		if [ -n "$reply" ]; then
			echo "sccp $opc $reply" >"$SCRATCH/sw-$name.in"
			echo "ANSWER ${mode[*]} $("$MAP_MSG" decode "$reply")" >>"$SCRATCH/dec-$name.txt"
		fi
	done
}

map_sim_start() {
	local name=$1 fifo fd
	fifo=$SCRATCH/sw-$name.in
	mkfifo "$fifo"
	exec {fd}<>"$fifo"
	_map_fd[$name]=$fd
	map_mode "$name" "${2:-silent}"
	: >"$SCRATCH/dec-$name.txt"
	"$SS7_SIM" -N "$NODES" -n "$name" -S 3 -w -t 3600 -s - <"$fifo" >>"$SCRATCH/sim-$name.out" \
		2>>"$SCRATCH/sim-$name.err" &
	_sim_pid[$name]=$!
	_track $!
	wait_line "$SCRATCH/sim-$name.out" '^READY' 10 || { cat "$SCRATCH/sim-$name.err"; die "ss7-sim $name not ready"; }
	# setsid: the responder's pipeline gets its own process group, stopped by _map_cleanup
	setsid bash -c "$(declare -f _map_responder field dfield); MAP_MSG=$MAP_MSG SCRATCH=$SCRATCH \
		MSC_GT=$MSC_GT _map_responder $name" </dev/null >>"$SCRATCH/resp-$name.err" 2>&1 &
	_map_resp_pids+=($!)
}

declare -a _map_resp_pids
_map_cleanup() {
	local p
	for p in "${_map_resp_pids[@]}"; do
		kill -- -"$p" 2>/dev/null
	done
	_cleanup
}
trap _map_cleanup EXIT

dfield() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -1
}

map_rx_hex() {
	local line hex
	grep "^RX si=3 .*hex=.*${3:-}" "$SCRATCH/sim-$1.out" | while read -r line; do
		hex=$(field "$line" hex)
		if "$MAP_MSG" decode "$hex" | grep -qE "$2"; then
			echo "$hex"
		fi
	done | tail -1
}

_map_has() {
	grep -qE "$2" "$SCRATCH/dec-$1.txt"
}

map_wait() {
	wait_for "${3:-10}" _map_has "$1" "$2" || return 1
	grep -E "$2" "$SCRATCH/dec-$1.txt" | tail -1
}

# expect_match DESC LINE REGEX: a check that prints the line when it does not match
expect_match() {
	_checks=$((_checks + 1))
	if [[ $2 =~ $3 ]]; then
		echo "ok: $1"
	else
		echo "FAIL: $1: got '$2', want /$3/"
		_failures=$((_failures + 1))
	fi
}
