#!/bin/bash
# End-to-end provisioning test: np700 with a config derived from doc/examples/np700.cfg in a
# temp dir; np700-ctl single operations, refused cases, a bulk CSV load, a bulk load killed
# with SIGKILL half-way, restart, and every acknowledged binding must be found again.
# Prints PASS/FAIL lines; exits 0 when all passed, 1 otherwise.
#   env: NP700_SRC (source tree), NP700_BUILD (build tree), E2E_BULK (default 20000),
#        E2E_KILL_LOAD (default 300000), E2E_KEEP=1 keeps the temp dir
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
BUILD=${NP700_BUILD:-$SRC/build/normal}
NP700=$BUILD/src/np700
CTL=$BUILD/src/np700-ctl
BULK_N=${E2E_BULK:-20000}
KILL_N=${E2E_KILL_LOAD:-300000}

for f in "$NP700" "$CTL"; do
	[ -x "$f" ] || { echo "FAIL: $f is not built"; exit 1; }
done

# shellcheck source=tests/e2e/lib/host.sh
. "$here/lib/host.sh"

# free-looking ports, so that a running np700 (or a parallel test) is not disturbed
base=$((20000 + RANDOM % 20000))
VTYPORT=$base
NBPORT=$((base + 1))

# The example config with our paths and ports; without the cs7 instance (no SCTP here); with
# one more client that may only connect from an address we do not have.
awk -v t="$T" -v vp="$VTYPORT" -v np="$NBPORT" '
	/^[^ !]/ { sect = $0; skip = (sect ~ /^cs7 instance/) }
	skip { next }
	sect == "line vty" && $1 == "bind" { print " bind 127.0.0.1 " vp; next }
	sect == "provisioning" && $1 == "bind" {
		print " bind 127.0.0.1 " np
		print " client faraway"
		print "  source 192.0.2.1"
		print "  customer 1"
		next
	}
	$1 == "store" && $2 == "path" { print " store path " t "/store"; next }
	sect == "records" && $1 == "directory" { print " directory " t "/records"; next }
	{ print }
' "$SRC/doc/examples/np700.cfg" > "$T/np700.cfg"
mkdir -p "$T/store" "$T/records"

start_np700() {
	"$NP700" -c "$T/np700.cfg" >>"$T/np700.log" 2>&1 &
	np_pid=$!
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$NBPORT") 2>/dev/null; then
			return 0
		fi
		kill -0 "$np_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "np700 did not come up; its log:"
	tail -30 "$T/np700.log"
	return 1
}

CTLA=("$CTL" -p "$NBPORT" -u demo -t 20)

# the value of a JSON key in a one-line answer (np700-ctl writes flat JSON objects)
jget() {	# key < line
	sed -n -E "s/.*\"$1\":\"?([^\",}]*)\"?.*/\1/p" | head -1
}

if ! start_np700; then
	nok "np700 starts with the example config"
	exit 1
fi
ok "np700 starts with the example config"

# --- single operations
out=$("${CTLA[@]}" create --customer 1 --mode AXB --x 700123456780001 --a 8613800138000 --b 8613900139000 \
	--expires +1d --order e2e-1 --max-duration 600)
rc=$?
id1=$(echo "$out" | jget id)
check "create AXB (exit 0, id assigned)" test "$rc" = 0 -a -n "$id1"

out=$("${CTLA[@]}" get --id "$id1")
check "get returns the binding" test "$(echo "$out" | jget x)" = 700123456780001 -a \
	"$(echo "$out" | jget b)" = 8613900139000 -a "$(echo "$out" | jget order)" = e2e-1

out=$("${CTLA[@]}" update --id "$id1" --max-calls 3 --services voice)
check "update (exit 0)" test $? = 0
out=$("${CTLA[@]}" get --id "$id1")
check "update took effect, the rest unchanged" test "$(echo "$out" | jget max_calls)" = 3 -a \
	"$(echo "$out" | jget services)" = voice -a "$(echo "$out" | jget max_duration)" = 600

"${CTLA[@]}" create --customer 1 --mode AXN --x 700123456780002 --a 8613800138000 --b 8613900139000 \
	--expires +1h >"$T/axn.out"
check "create AXN" test $? = 0
"${CTLA[@]}" create --customer 1 --mode AX --x 700123456780003 --a 8613800138000 --expires never \
	--callback yes --callback-window 3600 >"$T/ax.out"
check "create AX without expiry, with call-back" test $? = 0
"${CTLA[@]}" create --customer 1 --mode AXYB --x 700123456780004 --y 700123456780005 --a 8613800138000 \
	--b 8613900139000 --expires +1h >"$T/axyb.out"
check "create AXYB" test $? = 0
"${CTLA[@]}" -f csv create --customer 2 --mode AXB --x 700999000000001 --a 8613800138000 --b 8613900139000 \
	--expires +1h >"$T/csv.out"
check "create for customer 2, CSV output with header" \
	grep -q '^req,op,result,cause,field,text,id,' "$T/csv.out"

n=$("${CTLA[@]}" list-number --x 700123456780001 | grep -c '"result":"item"')
check "list-number finds the binding" test "$n" = 1
n=$("${CTLA[@]}" list-customer --customer 1 | grep -c '"result":"item"')
check "list-customer finds the 4 bindings of customer 1" test "$n" = 4

id_axn=$(jget id <"$T/axn.out")
"${CTLA[@]}" delete --id "$id_axn" >/dev/null
check "delete (exit 0)" test $? = 0
out=$("${CTLA[@]}" get --id "$id_axn")
rc=$?
check "get after delete: unknown-binding, exit 1" test "$rc" = 1 -a "$(echo "$out" | jget cause)" = unknown-binding

# --- refused
"$CTL" -p "$NBPORT" -u nobody get --id "$id1" >"$T/nobody.out" 2>"$T/nobody.err"
rc=$?
check "unknown unit name: connection refused, exit 2" test "$rc" = 2
check "unknown unit name: np700 logs why" grep -q "unknown unit name 'nobody'" "$T/np700.log"
"$CTL" -p "$NBPORT" -u faraway get --id "$id1" >/dev/null 2>&1
check "known unit name from a source address not allowed: refused, exit 2" test $? = 2

out=$("${CTLA[@]}" create --customer 3 --mode AX --x 700123456780010 --a 8613800138000 --expires +1h)
rc=$?
check "customer not allowed for the client: not-authorised, exit 1" \
	test "$rc" = 1 -a "$(echo "$out" | jget cause)" = not-authorised
out=$("${CTLA[@]}" create --customer 1 --mode AXB --x 70012345678001 --a 8613800138000 --b 8613900139000 \
	--expires +1h)
check "X of 14 digits: invalid-field naming x" \
	test "$(echo "$out" | jget cause)" = invalid-field -a "$(echo "$out" | jget field)" = x
out=$("${CTLA[@]}" create --customer 1 --mode AXB --x 700123456780011 --a 013800138000 --b 8613900139000 \
	--expires +1h)
check "A not canonical E.164: invalid-field naming a" \
	test "$(echo "$out" | jget cause)" = invalid-field -a "$(echo "$out" | jget field)" = a
out=$("${CTLA[@]}" create --customer 1 --mode AXB --x 700999000000002 --a 8613800138000 --b 8613900139000 \
	--expires +1h)
check "X of another customer's pool: pool-violation naming x" \
	test "$(echo "$out" | jget cause)" = pool-violation -a "$(echo "$out" | jget field)" = x
out=$("${CTLA[@]}" create --customer 1 --mode AXB --x 700123456780001 --a 8613800138000 --b 8613900139001 \
	--expires +1h)
check "pair (X, A) bound twice: exists" test "$(echo "$out" | jget cause)" = exists
out=$("${CTLA[@]}" create --customer 1 --mode AXB --x 700123456780012 --a 8613800138000 --expires +1h)
check "AXB without B: missing-ie naming b" \
	test "$(echo "$out" | jget cause)" = missing-ie -a "$(echo "$out" | jget field)" = b

# malformed requests on the wire: answered, connection stays; a framing error closes only its
# own connection
if command -v python3 >/dev/null; then
	python3 - "$NBPORT" >"$T/wire.out" 2>&1 <<'EOF'
import socket, struct, sys
port = int(sys.argv[1])
def ipa(proto, payload): return struct.pack('>HB', len(payload), proto) + payload
def nb(body): return ipa(0xee, bytes([0x70]) + body)
def tlv(t, v): return bytes([t, len(v)]) + v
def conn():
    s = socket.create_connection(('127.0.0.1', port)); s.settimeout(5)
    rx(s)
    s.sendall(ipa(0xfe, bytes([0x05]) + struct.pack('>HB', 6, 0x01) + b'demo\0'))
    assert rx(s) == (0xfe, b'\x06'), 'no ID_ACK'
    return s
def rx(s):
    h = b''
    while len(h) < 3:
        d = s.recv(3 - len(h))
        if not d: raise EOFError()
        h += d
    l, p = struct.unpack('>HB', h)
    d = b''
    while len(d) < l: d += s.recv(l - len(d))
    return p, d
a = conn(); b = conn()
a.sendall(nb(bytes([0x10]) + tlv(1, struct.pack('>I', 7)) + bytes([0x10, 0x08, 0, 0])))
p, d = rx(a)
print('truncated IE:', d.hex())
a.sendall(nb(bytes([0x10]) + tlv(1, struct.pack('>I', 8)) + tlv(0x10, struct.pack('>Q', 1)) + tlv(0x10, struct.pack('>Q', 2))))
p, d = rx(a)
print('duplicate IE:', d.hex())
a.sendall(nb(bytes([0x10]) + tlv(1, struct.pack('>I', 9)) + tlv(0x10, struct.pack('>Q', 1))))
p, d = rx(a)
print('still usable:', d[:2].hex())
a.sendall(b'\xff\xff\xee\x70')
try:
    r = a.recv(100)
    print('after framing error:', 'closed' if r == b'' else r.hex())
except ConnectionResetError:
    print('after framing error: closed')
b.sendall(nb(bytes([0x10]) + tlv(1, struct.pack('>I', 10)) + tlv(0x10, struct.pack('>Q', 1))))
p, d = rx(b)
print('other connection:', d[:2].hex())
EOF
	check "truncated IE: GET_ERR malformed, TID echoed" grep -q "^truncated IE: 7011010400000007020101" "$T/wire.out"
	check "duplicate IE: GET_ERR duplicate-ie naming the id" \
		grep -q "^duplicate IE: 701101040000000802010503011" "$T/wire.out"
	check "the connection stays usable after malformed requests" grep -q "^still usable: 7012" "$T/wire.out"
	check "a framing error closes that connection" grep -q "^after framing error: closed" "$T/wire.out"
	check "... and only that one" grep -q "^other connection: 7012" "$T/wire.out"
fi

# --- bulk load
awk -v n="$BULK_N" 'BEGIN {
	print "op,mode,customer,order,x,a,b,expires,services"
	for (i = 0; i < n; i++)
		printf "create,AXB,1,bulk-%d,70012345678%04d,86138%08d,86139%08d,+1d,voice+sms\n", i, i % 10000, i, i
}' >"$T/bulk.csv"
"${CTLA[@]}" -f csv bulk <"$T/bulk.csv" >"$T/bulk.out" 2>"$T/bulk.err"
rc=$?
n=$(grep -c '^[0-9]*,create,ok,' "$T/bulk.out")
check "bulk load of $BULK_N bindings: all ok, exit 0" test "$rc" = 0 -a "$n" = "$BULK_N"
check "bulk load: summary on stderr" grep -q "requests in .* ok, 0 failed" "$T/bulk.err"
tail -1 "$T/bulk.err"

# --- a bulk load killed half-way
awk -v n="$KILL_N" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "create,AXB,2,kill-%d,700999000%06d,,86137%08d,86136%08d,+1d\n", i, i % 10000, i, i
}' >"$T/kill.csv"
"${CTLA[@]}" -f csv -w 1000 bulk <"$T/kill.csv" >"$T/kill.out" 2>"$T/kill.err" &
ctl_pid=$!
for i in $(seq 1 3000); do
	[ "$(wc -l <"$T/kill.out")" -ge $((KILL_N / 8)) ] && break
	kill -0 "$ctl_pid" 2>/dev/null || break
	sleep 0.01
done
kill -KILL "$np_pid"
wait "$np_pid" 2>/dev/null
np_pid=
wait "$ctl_pid"
rc=$?
acked=$(grep -c '^[0-9]*,create,ok,' "$T/kill.out")
echo "killed np700 after $acked of $KILL_N acknowledged; np700-ctl: $(tail -1 "$T/kill.err")"
check "np700-ctl notices the lost server: exit 1" test "$rc" = 1
check "the kill came in the middle of the load" test "$acked" -gt 0 -a "$acked" -lt "$KILL_N"

if ! start_np700; then
	nok "np700 restarts on the store of the killed one"
	exit 1
fi
ok "np700 restarts on the store of the killed one"

# every acknowledged binding, from both loads, by id; the answer must carry the X that was sent
awk -F, 'FNR == NR { if (FNR > 1) x[FNR] = $5; next }
	$3 == "ok" { print $7 "," x[$1] }' "$T/bulk.csv" "$T/bulk.out" >"$T/expect.txt"
awk -F, 'FNR == NR { x[FNR] = $5; next }
	$3 == "ok" { print $7 "," x[$1] }' "$T/kill.csv" "$T/kill.out" >>"$T/expect.txt"
{ echo "op,id"; cut -d, -f1 "$T/expect.txt" | sed 's/^/get,/'; } >"$T/get.csv"
"${CTLA[@]}" -f csv -q bulk <"$T/get.csv" >"$T/get.out" 2>"$T/get.err"
rc=$?
awk -F, '$3 == "ok" { print $7 "," $11 }' "$T/get.out" | sort >"$T/found.txt"
sort "$T/expect.txt" >"$T/expect.sorted"
missing=$(comm -23 "$T/expect.sorted" "$T/found.txt" | wc -l)
check "every acknowledged binding ($(wc -l <"$T/expect.txt")) is found after the restart, with its X" \
	test "$rc" = 0 -a "$missing" = 0
out=$("${CTLA[@]}" get --id "$id1")
check "the single-created binding survived too" test "$(echo "$out" | jget max_calls)" = 3

# --- VTY: the clients and their counters
if exec 3<>"/dev/tcp/127.0.0.1/$VTYPORT" 2>/dev/null; then
	# the VTY negotiates telnet options first; a command sent before that is lost
	sleep 0.3
	printf 'show provisioning clients\n' >&3
	sleep 0.3
	printf 'exit\n' >&3
	timeout 3 cat <&3 >"$T/vty.out"
	exec 3>&-
	check "VTY: show provisioning clients lists demo and its counters" \
		grep -q "client demo: 1 source(s), 2 customer(s)" "$T/vty.out"
fi

kill -TERM "$np_pid"
for i in $(seq 1 50); do kill -0 "$np_pid" 2>/dev/null || break; sleep 0.1; done
wait "$np_pid"
check "np700 ends cleanly on SIGTERM" test $? = 0
np_pid=

e2e_finish provision_test
