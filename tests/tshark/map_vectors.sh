#!/bin/sh
# Cross-check np700's TCAP/MAP/SMS encodings with an independent decoder (tshark).
# Takes the "vec NAME HEX" lines of tcap_map_test's output (default: tests/tcap_map_test.ok next to
# this script), wraps each TCAP message in SCCP UDT in M3UA DATA, turns them into a pcap with
# text2pcap -S 2905,2905,3 (SCTP, PPID 3) and compares what tshark decodes with the expectations
# below. Exits 0 when every expectation holds, 1 otherwise (77 if tshark/text2pcap are missing).
#   usage: map_vectors.sh [tcap_map_test.ok | -] [-v]
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../tcap_map_test.ok}
verbose=${2:-}
command -v tshark >/dev/null && command -v text2pcap >/dev/null || { echo "tshark/text2pcap missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "NAME HEX" per vector, in order
if [ "$src" = "-" ]; then cat; else cat "$src"; fi | sed -n 's/^vec \([^ ]*\) \([0-9a-f]*\)$/\1 \2/p' > "$tmp/vecs"
[ -s "$tmp/vecs" ] || { echo "no vectors in $src"; exit 1; }

# SCCP address: route on GT (GTI 4, TT 0, E.164, international), with SSN
sccp_addr() { # ssn digits
	d=$2
	if [ $((${#d} % 2)) -eq 1 ]; then es=1; d="${d}0"; else es=2; fi
	bcd=$(echo "$d" | sed 's/\(.\)\(.\)/\2\1/g')
	body=$(printf '12%02x00%x104%s' "$1" "$es" "$bcd")
	printf '%02x%s' $((${#body} / 2)) "$body"
}

# Hex dump of M3UA DATA { OPC 1, DPC 2, SI 3, NI 2 } carrying SCCP UDT class 0 with the TCAP bytes
m3ua_udt() { # tcap_hex
	tcap=$1
	called=$(sccp_addr 8 8613900000700)
	calling=$(sccp_addr 8 8613800100500)
	lc=$((${#called} / 2)); lg=$((${#calling} / 2)); lt=$((${#tcap} / 2))
	sccp=$(printf '0900%02x%02x%02x%s%s%02x%s' 3 $((2 + lc)) $((1 + lc + lg)) "$called" "$calling" "$lt" "$tcap")
	ls=$((${#sccp} / 2))
	pad=$(( (4 - ls % 4) % 4 ))
	padhex=$(printf '%*s' $((pad * 2)) '' | tr ' ' 0)
	pd=$(printf '0210%04x%08x%08x03020000%s%s' $((16 + ls)) 1 2 "$sccp" "$padhex")
	msg=$(printf '01000101%08x%s' $((8 + ${#pd} / 2)) "$pd")
	echo "$msg" | sed 's/../& /g' | fold -w 48 | awk '{ printf "%06x %s\n", (NR - 1) * 16, $0 }'
}

while read -r name hex; do
	m3ua_udt "$hex"
done < "$tmp/vecs" > "$tmp/dump.txt"
text2pcap -q -S 2905,2905,3 "$tmp/dump.txt" "$tmp/vecs.pcap" >/dev/null 2>&1 || { echo "text2pcap failed"; exit 1; }

# One line per frame: field=value;field=value (tshark joins repeated fields with ',')
tshark -r "$tmp/vecs.pcap" -T fields -E separator=';' -E occurrence=a -E aggregator=',' \
	-e gsm_old.localValue -e e212.imsi -e e164.msisdn -e gsm_sms.tp-oa -e gsm_sms.tp-da \
	-e gsm_sms.sms_text -e tcap.application_context_name -e gsm_map.address.digits -e _ws.malformed -e _ws.expert.severity \
	-e gsm_map.dialogue.MAP_DialoguePDU \
	> "$tmp/fields" 2>"$tmp/tshark.err" || { echo "tshark failed"; cat "$tmp/tshark.err"; exit 1; }

# expectations: NAME followed by FIELD~SUBSTRING items (all must hold; '_' stands for a space);
# no frame may be malformed. msisdn = e164.msisdn (international numbers only), digits =
# gsm_map.address.digits (every AddressString, also the national 700 numbers), dlgpdu = the MAP
# dialogue PDU in the user-information (4: map-userAbort)
cat > "$tmp/expect" <<'EXP'
sri-v2 op~22 digits~700123456789012 acn~0.4.0.0.1.0.5.2
sri-res-v2 op~22 imsi~460009999000001 digits~1700123456789012 acn~0.4.0.0.1.0.5.2
sri-sm-v2 op~45 digits~700123456789012 msisdn~8613800100500 acn~0.4.0.0.1.0.20.2
sri-sm-res-v2 op~45 imsi~460009999000001 msisdn~8613900000700 acn~0.4.0.0.1.0.20.2
fwd-sm-mt-v2 op~46 imsi~460009999000001 tp-oa~8613800138000 text~Hello_700 acn~0.4.0.0.1.0.25.2
fwd-sm-mo-v2 op~46 msisdn~8613800138000 tp-da~700123456789012 text~to_X acn~0.4.0.0.1.0.21.2
sri-v3 op~22 digits~700123456789012 msisdn~8613900000999 acn~0.4.0.0.1.0.5.3
sri-res-v3 op~22 imsi~460009999000001 digits~1700123456789012 acn~0.4.0.0.1.0.5.3
sri-sm-v3 op~45 digits~700123456789012 msisdn~8613800100500 acn~0.4.0.0.1.0.20.3
sri-sm-res-v3 op~45 imsi~460009999000001 msisdn~8613900000700 acn~0.4.0.0.1.0.20.3
mt-fwd-sm-v3 op~44 imsi~460009999000001 tp-oa~8613800138000 text~Hello_700 acn~0.4.0.0.1.0.25.3
mo-fwd-sm-v3 op~46 msisdn~8613800138000 tp-da~700123456789012 text~to_X acn~0.4.0.0.1.0.21.3
err-unknown-subscriber op~1
err-absent-subscriber-sm op~6
err-absent-subscriber op~27
err-call-barred op~13
err-teleservice op~11
err-facility op~21
err-system-failure op~34
err-data-missing op~35
err-unexpected-data op~36
err-sm-delivery-failure op~32
abort-acn-not-supported acn~0.4.0.0.1.0.25.2
continue-aare acn~0.4.0.0.1.0.25.3
u-abort dlgpdu~4
indefinite-begin op~44 imsi~460009999000001 tp-oa~8613800138000 text~Hello_700 acn~0.4.0.0.1.0.25.3
long-form-continue op~22 digits~1700123456789012
v1-begin-no-dialogue op~22 msisdn~8613800138000
rewritten imsi~460001234567890 tp-oa~700123456789012 text~Hello_700
mt-fwd-sm-continue-v3 op~44 imsi~460009999000001 tp-oa~8613800138000 text~part_2
mt-fwd-sm-res-continue-v3 acn~0.4.0.0.1.0.25.3
downgraded-v2 op~46 imsi~460009999000001 tp-oa~8613800138000 text~Hello_700 acn~0.4.0.0.1.0.25.2
rewritten-indefinite op~44 imsi~460001234567890 tp-oa~700123456789012 text~Hello_700 acn~0.4.0.0.1.0.25.3
EXP

fail=0
n=0
while read -r name hex; do
	n=$((n + 1))
	line=$(sed -n "${n}p" "$tmp/fields")
	IFS=';' read -r op imsi msisdn tpoa tpda text acn digits malformed severity dlgpdu <<EOF2
$line
EOF2
	[ -n "$verbose" ] && echo "$name: op=$op imsi=$imsi msisdn=$msisdn tp-oa=$tpoa tp-da=$tpda text=$text acn=$acn digits=$digits"
	if [ -n "$malformed" ]; then
		echo "FAIL $name: tshark reports a malformed packet"
		fail=1
	fi
	exp=$(awk -v n="$name" '$1 == n { $1 = ""; print; exit }' "$tmp/expect")
	for item in $exp; do
		f=${item%%~*}
		want=$(echo "${item#*~}" | tr '_' ' ')
		eval "have=\$$(echo "$f" | tr -d '-')"
		case "$have" in
		*"$want"*) ;;
		*) echo "FAIL $name: $f is '$have', expected to contain '$want'"; fail=1 ;;
		esac
	done
done < "$tmp/vecs"
[ $fail -eq 0 ] && echo "tshark agrees on $n vectors"
exit $fail
