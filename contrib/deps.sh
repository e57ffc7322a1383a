#!/bin/sh
# Install the Debian bookworm packages np700 needs to build, test and demo (as root).
set -e
PKGS="build-essential autoconf automake libtool pkg-config git
	libosmocore-dev libosmo-sigtran-dev libosmo-netif-dev libosmo-abis-dev libtalloc-dev liblmdb-dev lmdb-utils
	osmo-stp user-mode-linux tshark expect python3 tzdata clang libclang-rt-14-dev valgrind procps iproute2 netcat-openbsd"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "Not root: install these packages first:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
