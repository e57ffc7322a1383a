#!/bin/bash
# A full SCTP send buffer (issue 5, src/stream_send.c), run INSIDE User-Mode Linux by
# tests/uml/uml_run.sh: np700 writes an M3UA message at once when nothing is queued before it,
# and leaves it to libosmo-netif's queue when the kernel does not take it. With every SCTP send
# buffer at 8 KiB (a few messages), a call load through np700 makes both happen; every call must
# still complete at switch A, answered by switch B (a message lost or sent out of order fails
# the call there), and np700 must log no send error.
set -u
. "$NP700_SRC/tests/uml/lib.sh"

CALLS=${SNDBUF_CALLS:-600}
WINDOW=30
A_NUM=13800138000
B_NUM=13900139000
X=700123456780041

# before any socket is made: the default buffers of every socket (SCTP sockets start from
# these, not from net.sctp.sctp_wmem)
check "socket send and receive buffers of 8 KiB" sysctl -q -w net.core.wmem_default=8192 \
	net.core.rmem_default=8192
stp_start
STP_PID=${_pids[-1]}
load_start $X $A_NUM $B_NUM

log "$CALLS calls, $WINDOW at a time, A -> np700 (X -> B) -> B"
"$SS7_SIM" -N "$NODES" -n swa -q -t 300 -e "load np700 1 $WINDOW $CALLS $X $A_NUM timeout=200000" \
	2>>"$SCRATCH/sim-swa.err" >"$SCRATCH/load.out" &
load_pid=$!
# osmo-stp stops reading for a moment: what np700 still relays fills its association
for i in 1 2 3; do
	sleep 0.5
	kill -STOP "$STP_PID"
	sleep 0.3
	kill -CONT "$STP_PID"
done
wait $load_pid
line=$(grep '^LOAD ' "$SCRATCH/load.out")
echo "  $line"
check "every call completed" test "$(field "$line" done)" = "$CALLS" -a "$(field "$line" failed)" = 0
direct=$(np700_ctr tx:direct)
full=$(np700_ctr tx:full)
queued=$(np700_ctr tx:queued)
echo "  np700's M3UA messages: $direct written at once, $full queued for a full buffer, $queued queued behind others"
check "messages were written at once ($direct)" test "${direct:-0}" -gt 0
check "messages met a full send buffer and were queued ($full)" test "${full:-0}" -gt 0
check "np700 logged no send error" eval '! grep -q "error .* to send\|dropping data" "$SCRATCH/np700.log"'
finish
