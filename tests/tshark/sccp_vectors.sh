#!/bin/sh
# Cross-check np700's SCCP codec against tshark: every "tshark-vector" line of sccp_codec_test.ok
# (NAME VARIANT HEX, then called/calling digits, PCs (decimal) and SSNs as np700 decoded them, "-" for
# none) is wrapped into an M3UA DATA message (SI=3), written to a pcap with text2pcap, and decoded by tshark;
# what tshark reports for both addresses must equal np700's.  Exit 0 when all agree, 1 if not,
# 77 (autotest "skip") when tshark or text2pcap is missing.
# usage: sccp_vectors.sh [path/to/sccp_codec_test.ok]
set -u
here=$(cd "$(dirname "$0")" && pwd)
ok=${1:-$here/../sccp_codec_test.ok}
command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1 || { echo "tshark/text2pcap missing"; exit 77; }
[ -r "$ok" ] || { echo "cannot read $ok"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# M3UA DATA: common header, Protocol Data (OPC 1, DPC 2, SI 3, NI 2, MP 0, SLS 0), padded to 4 octets
m3ua_hex() {
	sccp=$1
	slen=$((${#sccp} / 2))
	plen=$((4 + 12 + slen))
	pad=$(( (4 - plen % 4) % 4 ))
	total=$((8 + plen + pad))
	printf '01000101%08x' "$total"
	printf '0210%04x' "$plen"
	printf '000000010000000203020000'
	printf '%s' "$sccp"
	i=0; while [ $i -lt $pad ]; do printf '00'; i=$((i + 1)); done
}

# a GTI-2 GT has no odd/even indicator; tshark shows the 0xf filler of an odd count as "ST"
strip_st() { case $1 in *ST) printf '%s' "${1%ST}" ;; *) printf '%s' "$1" ;; esac; }

fail=0 n=0
grep '^tshark-vector ' "$ok" > "$tmp/vectors" || { echo "no tshark-vector lines in $ok"; exit 1; }
while read -r _ name variant hex called calling cd_pc cg_pc cd_ssn cg_ssn; do
	n=$((n + 1))
	m3ua_hex "$hex" | sed 's/../& /g; s/^/000000 /' > "$tmp/$name.txt"
	text2pcap -q -S 2905,2905,3 "$tmp/$name.txt" "$tmp/$name.pcap" >/dev/null 2>&1 || {
		echo "FAIL $name: text2pcap"; fail=1; continue; }
	if [ "$variant" = china ]; then
		opt="-o mtp3.standard:CHINESE-ITU" pcf=chinese_pc
	else
		opt="" pcf=pc
	fi
	# shellcheck disable=SC2086
	tshark -n $opt -r "$tmp/$name.pcap" -T fields -E separator='|' -E occurrence=f \
		-e sccp.called.digits -e sccp.calling.digits -e sccp.called.$pcf -e sccp.calling.$pcf \
		-e sccp.called.ssn -e sccp.calling.ssn >"$tmp/out" 2>"$tmp/err"
	# "-" for an absent field; a China PC reads "18-52-86" (network-cluster-member): made decimal
	got=$(awk -F'|' '{ for (i = 1; i <= 6; i++) { v = $i; if (v == "") v = "-";
		if ((i == 3 || i == 4) && split(v, p, "-") == 3) v = p[1] * 65536 + p[2] * 256 + p[3];
		printf "%s ", v } }' "$tmp/out")
	set -- $got
	got_cd=$(strip_st "$1") got_cg=$(strip_st "$2")
	want="$called $calling $cd_pc $cg_pc $cd_ssn $cg_ssn"
	have="$got_cd $got_cg $3 $4 $5 $6"
	if [ "$have" = "$want" ]; then
		echo "ok   $name ($variant): $have"
	else
		echo "FAIL $name ($variant): tshark '$have', np700 '$want'"
		grep -v 'Running as user' "$tmp/err"
		fail=1
	fi
done < "$tmp/vectors"
echo "$n vectors checked"
exit $fail
