#!/bin/bash
# Run a test script inside User-Mode Linux, which has the kernel SCTP the host lacks.
#
#   uml_run.sh [-t SECONDS] [-m MEM] [-k] TEST [ARGS...]
#
# UML boots with the host's / as its root (hostfs: writes go to the host's files), mounts proc,
# sys and fresh tmpfs on /run and /dev/shm (inside UML only), loads SCTP, brings lo up and runs
# TEST with ARGS under a timeout. TEST sees:
#   SCRATCH      a fresh per-run directory on the host (also its working directory); files
#                written there survive the run (kept with -k or UML_KEEP=1, else removed).
#                Put every file a test writes here: the rest of / is the host's.
#   TMPDIR       $SCRATCH/tmp, a tmpfs inside UML; HOME is $SCRATCH/home
#   NP700_SRC    the source tree (default: two levels above this script)
#   NP700_BUILD  the build tree (default: $NP700_SRC/build/normal)
#   and every other NP700_* variable of the caller.
# uml_run.sh prints TEST's output (stdout and stderr) and exits with TEST's exit code;
# 124 if TEST ran out of time, 125 if UML failed to produce a result, 77 if UML is missing.
#
# Environment: UML_TIMEOUT (seconds for TEST, default 300), UML_MEM (default 512M), UML_KEEP=1,
# UML_LINUX (default /usr/bin/linux.uml), UML_SCRATCH_BASE (default $TMPDIR or /tmp).
set -u

here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${UML_TIMEOUT:-300}
mem=${UML_MEM:-512M}
keep=${UML_KEEP:-0}
linux=${UML_LINUX:-/usr/bin/linux.uml}

while getopts "t:m:kh" opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	k) keep=1 ;;
	*) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ]; then
	echo "usage: uml_run.sh [-t SECONDS] [-m MEM] [-k] TEST [ARGS...]" >&2
	exit 2
fi
test_script=$(readlink -f "$1")
shift
if [ ! -f "$test_script" ]; then
	echo "uml_run.sh: test script '$test_script' not found" >&2
	exit 2
fi

if [ ! -x "$linux" ]; then
	echo "uml_run.sh: User-Mode Linux kernel '$linux' not found (Debian package user-mode-linux)" >&2
	exit 77
fi
# the modules must match the kernel: ask it, fall back to the newest module tree
uml_ver=$(timeout 10 "$linux" --version </dev/null 2>/dev/null | head -1)
[ -n "$uml_ver" ] && [ -d "/usr/lib/uml/modules/$uml_ver" ] \
	|| uml_ver=$(ls /usr/lib/uml/modules 2>/dev/null | sort -V | tail -1)
moddir=/usr/lib/uml/modules/$uml_ver/kernel
if [ -z "$uml_ver" ] || [ ! -f "$moddir/net/sctp/sctp.ko" ]; then
	echo "uml_run.sh: UML kernel modules (sctp.ko) not found under /usr/lib/uml/modules" >&2
	exit 77
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null; then
	echo "uml_run.sh: a C compiler ('$cc') is needed for the UML helpers" >&2
	exit 77
fi

export NP700_SRC=${NP700_SRC:-$(cd "$here/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}

scratch_base=${UML_SCRATCH_BASE:-${TMPDIR:-/tmp}}
scratch=$(mktemp -d "$scratch_base/np700-uml.XXXXXX") || exit 125
chmod 755 "$scratch"
cleanup() {
	if [ "$keep" = 1 ]; then
		echo "uml_run.sh: scratch directory kept: $scratch" >&2
	else
		rm -rf "$scratch"
	fi
}
trap cleanup EXIT

# helpers: the ptrace shim (see uml_ptrace_shim.c) and a minimal insmod
"$cc" -O2 -shared -fPIC -o "$scratch/uml_ptrace_shim.so" "$here/uml_ptrace_shim.c" -ldl \
	&& "$cc" -O2 -o "$scratch/uml_insmod" "$here/uml_insmod.c" \
	|| { echo "uml_run.sh: cannot build the UML helpers" >&2; exit 125; }

# the init script: everything it needs is written into it, since UML passes no environment
{
	echo '#!/bin/bash'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'export LANG=C.UTF-8'
	printf 'export SCRATCH=%q TMPDIR=%q HOME=%q\n' "$scratch" "$scratch/tmp" "$scratch/home"
	# NP700_* of the caller, quoted
	while IFS='=' read -r name _; do
		printf 'export %s=%q\n' "$name" "${!name}"
	done < <(env | grep -E '^NP700_[A-Za-z0-9_]*=' | sort)
	printf 'moddir=%q\n' "$moddir"
	printf 'timeout_s=%q\n' "$timeout_s"
	# a script without the executable bit runs with bash
	[ -x "$test_script" ] && printf 'test_cmd=(%q' "$test_script" || printf 'test_cmd=(bash %q' "$test_script"
	for a in "$@"; do printf ' %q' "$a"; done
	echo ')'
	cat <<'EOF'
out=$SCRATCH/output
fail() { echo "uml init: $*" >>"$out"; echo 125 >"$SCRATCH/rc"; sync; echo o >/proc/sysrq-trigger; sleep 60; }
mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sys /sys
mkdir -p "$HOME" "$TMPDIR" && mount -t tmpfs -o mode=1777 tmp "$TMPDIR" || fail "mount $TMPDIR"
mount -t tmpfs run /run
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
# order matters: without hmac the SCTP socket calls fail with ENOSYS
"$SCRATCH/uml_insmod" "$moddir/crypto/hmac.ko" "$moddir/lib/crc-ccitt.ko" "$moddir/net/ipv6/ipv6.ko" \
	"$moddir/net/ipv4/udp_tunnel.ko" "$moddir/net/ipv6/ip6_udp_tunnel.ko" "$moddir/net/sctp/sctp.ko" \
	>>"$out" 2>&1 || fail "loading the SCTP modules failed"
ip link set lo up || fail "lo up"
hostname uml 2>/dev/null
cd "$SCRATCH"
start=$(date +%s.%N)
timeout -k 5 "$timeout_s" "${test_cmd[@]}" </dev/null >>"$out" 2>&1
rc=$?
[ $rc = 124 ] && echo "uml init: test timed out after $timeout_s s" >>"$out"
echo "$start $(date +%s.%N)" >"$SCRATCH/test_time"
echo $rc >"$SCRATCH/rc.tmp" && mv "$SCRATCH/rc.tmp" "$SCRATCH/rc"
umount "$TMPDIR" 2>/dev/null
sync
echo o >/proc/sysrq-trigger
sleep 60
EOF
} >"$scratch/init.sh"
chmod 755 "$scratch/init.sh"
: >"$scratch/output"

t0=$(date +%s.%N)
# con=null/ssl=null: no terminal is touched (CI has none); kernel messages go to console.log.
# uml_dir: UML's mconsole socket lives in the scratch directory, not in $HOME/.uml.
LD_PRELOAD="$scratch/uml_ptrace_shim.so" timeout -k 10 $((timeout_s + 120)) "$linux" \
	mem="$mem" rootfstype=hostfs rootflags=/ rw init="$scratch/init.sh" \
	con=null ssl=null con0=null,fd:2 umid="np700-$$" uml_dir="$scratch/uml" \
	</dev/null >"$scratch/console.log" 2>&1
uml_rc=$?
t1=$(date +%s.%N)

cat "$scratch/output"
if [ ! -s "$scratch/rc" ]; then
	echo "uml_run.sh: UML ended (exit $uml_rc) without a test result; console:" >&2
	grep -v '^ *\[<' "$scratch/console.log" | tail -30 >&2
	exit 125
fi
rc=$(cat "$scratch/rc")
read -r s e <"$scratch/test_time" 2>/dev/null
awk -v n="$(basename "$test_script")" -v rc="$rc" -v t0="$t0" -v t1="$t1" -v s="${s:-0}" -v e="${e:-0}" \
	'BEGIN { printf "uml_run.sh: %s exit %s; UML total %.1f s, test %.1f s\n", n, rc, t1 - t0, e - s }' >&2
exit "$rc"
