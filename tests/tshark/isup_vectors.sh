#!/bin/sh
# Independent check of the ISUP codec's test vectors: every "tshark HEX called=.. calling=.."
# line of tests/isup_codec_test.ok is wrapped as M3UA DATA (SI=5) in an SCTP/PPID 3 pcap with
# text2pcap, decoded by tshark, and the called/calling digits tshark reads must equal the ones
# np700's codec read. Exits 0 if all agree, 1 otherwise (2: tools missing).
#   usage: tests/tshark/isup_vectors.sh [path/to/isup_codec_test.ok]
set -u
here=$(cd "$(dirname "$0")" && pwd)
ok=${1:-$here/../isup_codec_test.ok}
for t in tshark text2pcap python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

grep '^tshark ' "$ok" > "$tmp/vectors"
n=$(wc -l < "$tmp/vectors")
[ "$n" -gt 0 ] || { echo "FAIL: no vectors in $ok"; exit 1; }

fail=0
i=0
while read -r _ hex called calling; do
	i=$((i + 1))
	called=${called#called=}
	calling=${calling#calling=}
	# M3UA DATA: common header, then Protocol Data (tag 0x0210): OPC, DPC, SI=5, NI=2, MP=0, SLS=0
	python3 - "$hex" > "$tmp/m3ua.txt" <<'PY'
import sys, struct
isup = bytes.fromhex(sys.argv[1])
pd = struct.pack('>IIBBBB', 1, 2, 5, 2, 0, 0) + isup
plen = 4 + len(pd)
pd_tlv = struct.pack('>HH', 0x0210, plen) + pd + b'\0' * ((4 - plen % 4) % 4)
msg = struct.pack('>BBBBI', 1, 0, 1, 1, 8 + len(pd_tlv)) + pd_tlv
for off in range(0, len(msg), 16):
    print('%06x ' % off + ' '.join('%02x' % b for b in msg[off:off + 16]))
PY
	text2pcap -q -S 2905,2905,3 "$tmp/m3ua.txt" "$tmp/m3ua.pcap" >/dev/null 2>&1 || { echo "FAIL: text2pcap"; exit 1; }
	got=$(tshark -r "$tmp/m3ua.pcap" -T fields -E separator=' ' -e isup.called -e isup.calling 2>/dev/null)
	malformed=$(tshark -r "$tmp/m3ua.pcap" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)
	if [ "$malformed" != 0 ]; then
		echo "FAIL $i: tshark finds the message malformed: $hex"
		fail=1
	fi
	got_called=$(echo "$got" | awk '{print $1}')
	got_calling=$(echo "$got" | awk '{print $2}')
	[ -n "$got_called" ] || got_called=-
	[ -n "$got_calling" ] || got_calling=-
	if [ "$got_called" = "$called" ] && [ "$got_calling" = "$calling" ]; then
		echo "ok $i: called=$called calling=$calling"
	else
		echo "FAIL $i: np700 read called=$called calling=$calling, tshark read called=$got_called calling=$got_calling"
		echo "  $hex"
		fail=1
	fi
done < "$tmp/vectors"
exit $fail
