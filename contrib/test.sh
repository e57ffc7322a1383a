#!/bin/bash
# Build np700 from a clean tree and run every test: the expected-output unit tests (normal and
# ASan/UBSan builds), VTY transcripts, tshark cross-checks, end-to-end scenarios (User-Mode Linux
# with real SCTP and osmo-stp; the host ones also on the ASan/UBSan build, and three UML ones with
# np700 under valgrind: tests/e2e/uml_valgrind.sh) and short fuzz runs. Ends with "N passed, N failed".
#
# Environment: NP700_FUZZ_SECONDS (default 10) per fuzz target; NP700_SKIP_ASAN=1 to skip the
# sanitizer build (not in CI).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/contrib/deps.sh" || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failures=()
LOGDIR="$top/build/logs"

result() {	# name rc
	if [ "$2" = 0 ]; then
		passed=$((passed + 1)); echo "PASS: $1"
	else
		failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"
	fi
}

build() {	# dir configure-args...
	local dir=$1; shift
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	(cd "$dir" && "$top/configure" -q --enable-werror "$@" && make -j"$(nproc)" >make.log 2>&1) \
		|| { tail -40 "$dir/make.log" 2>/dev/null; return 1; }
}

# autotest: count each test group of the testsuite
run_autotest() {	# label builddir
	local label=$1 dir=$2 out=$LOGDIR/autotest-$1.log
	# a hung test must not hold the whole run: the testsuite is stopped after 30 min
	timeout 1800 make -C "$dir" check TESTSUITEFLAGS="-j$(nproc)" >"$out" 2>&1
	local n=0
	while IFS='|' read -r name status; do
		n=$((n + 1))
		[ "$status" = ok ] && result "$label: $name" 0 || result "$label: $name" 1
	done < <(sed -n -E -e 's/^ *[0-9]+: (.*[^ ]) +ok$/\1|ok/p' \
		-e 's/^ *[0-9]+: (.*[^ ]) +(FAILED|skipped|expected failure).*$/\1|\2/p' "$out")
	if [ $n = 0 ]; then
		tail -30 "$out"; result "$label: testsuite ran" 1
	fi
	[ -d "$dir/tests/testsuite.dir" ] && cp -r "$dir/tests/testsuite.dir" "$LOGDIR/testsuite-$label.dir" 2>/dev/null
}

run_script() {	# name script [args...]
	local name=$1; shift
	local log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
	if timeout 900 "$@" >"$log" 2>&1; then
		result "$name" 0
	else
		tail -40 "$log"; result "$name" 1
	fi
}

# A UML scenario runs a whole network (kernel, osmo-stp, simulators, np700) on two shared cores;
# one that fails is run once more so that a starved boot does not fail the suite, but the retry
# is reported, and its first log kept, so that flakiness stays visible.
# The outer limit is a last resort: every scenario has its own (tests/e2e/uml_*.sh, generous,
# as UML on a busy host runs several times slower), uml_valgrind.sh three of 600 s.
retried=()
run_uml() {	# name script
	local name=$1; shift
	local log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
	if timeout 2000 "$@" >"$log" 2>&1; then
		result "$name" 0
		return
	fi
	mv "$log" "$log.first"
	echo "RETRY: $name (first attempt failed: $(grep -m1 -E 'FAIL|not ok' "$log.first" | cut -c1-100))"
	retried+=("$name")
	if timeout 2000 "$@" >"$log" 2>&1; then
		result "$name" 0
	else
		tail -40 "$log"; result "$name" 1
	fi
}

# A host end-to-end test again on the ASan/UBSan build. A report from any process (np700, np700-ctl)
# fails it, whether or not the script looks at that process's exit status: ASan and LeakSanitizer
# write to files of their own (log_path); UBSan writes to stderr, so the test's output and the temp
# directory it keeps (np700's log) are searched. LeakSanitizer runs when np700 ends on SIGTERM (the
# scripts stop it so), not after SIGKILL. exitcode 66: a halt never looks like a refusal (exit 1).
run_asan_e2e() {	# name script
	local name=$1 script=$2 rc=0 kept
	local log="$LOGDIR/$(echo "$name" | tr '/ :' '___').log" rep="$LOGDIR/asan-reports-$(basename "$2" .sh)"
	rm -rf "$rep" && mkdir -p "$rep"
	E2E_KEEP=1 NP700_BUILD="$top/build/asan" \
	ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=66:log_path=$rep/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=66" \
		timeout 900 bash "$script" >"$log" 2>&1 || rc=1
	kept=$(sed -n 's|^kept \(/tmp/np700-[^ ]*\)$|\1|p' "$log" | tail -1)
	if [ -n "$(ls -A "$rep")" ] || grep -qE 'runtime error:|ERROR: [A-Za-z]*Sanitizer' "$log" ||
		{ [ -n "$kept" ] && grep -rqE --include='*.log' --include='*.err' --include='*.out' \
			'runtime error:|ERROR: [A-Za-z]*Sanitizer' "$kept"; }; then
		rc=1
		echo "sanitizer reports in $name:"
		cat "$rep"/* 2>/dev/null | head -60
		grep -rhE -A20 'runtime error:|ERROR: [A-Za-z]*Sanitizer' "$log" ${kept:+"$kept"} 2>/dev/null | head -60
	fi
	[ -n "$kept" ] && rm -rf "$kept"
	[ "$rc" = 0 ] || tail -40 "$log"
	result "$name" "$rc"
}

echo "=== autoreconf"
autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$LOGDIR"

echo "=== build (normal)"
build "$top/build/normal"; result "build normal" $?
export NP700_SRC="$top" NP700_BUILD="$top/build/normal"

run_autotest unit "$top/build/normal"

if [ "${NP700_SKIP_ASAN:-0}" != 1 ]; then
	echo "=== build (ASan/UBSan)"
	build "$top/build/asan" --enable-sanitize; result "build asan" $?
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_autotest asan "$top/build/asan"
fi

echo "=== VTY transcripts"
for t in "$top"/tests/vty/*.vty; do
	[ -e "$t" ] || continue
	run_script "vty: $(basename "$t" .vty)" python3 "$top/tests/vty/vty_transcript.py" \
		--np700 "$NP700_BUILD/src/np700" --config "$top/doc/examples/np700.cfg" "$t"
done

run_script "vty: write round trip" python3 "$top/tests/vty/write_roundtrip.py" --np700 "$NP700_BUILD/src/np700" \
	--config "$top/doc/examples/np700.cfg" --commands "$top/tests/vty/write_roundtrip.cmds"

echo "=== tshark cross-checks"
for t in "$top"/tests/tshark/*.sh; do
	[ -e "$t" ] || continue
	run_script "tshark: $(basename "$t" .sh)" bash "$t"
done

echo "=== end-to-end"
for t in "$top"/tests/e2e/*.sh; do
	[ -e "$t" ] || continue
	case "$(basename "$t")" in
	uml_*) run_uml "e2e: $(basename "$t" .sh)" bash "$t" ;;
	*) run_script "e2e: $(basename "$t" .sh)" bash "$t" ;;
	esac
done
if [ "${NP700_SKIP_ASAN:-0}" != 1 ]; then
	echo "=== end-to-end on the host, ASan/UBSan build"
	for t in "$top"/tests/e2e/*.sh; do
		case "$(basename "$t")" in
		uml_*) ;;	# ASan cannot run inside UML ("Shadow memory range interleaves"): uml_valgrind.sh
		*) run_asan_e2e "e2e asan: $(basename "$t" .sh)" "$t" ;;
		esac
	done
fi

echo "=== fuzz (short)"
for t in "$top"/tests/fuzz/*_fuzz.c; do
	[ -e "$t" ] || continue
	run_script "fuzz: $(basename "$t" .c)" bash "$top/tests/fuzz/build_fuzz.sh" "$(basename "$t" .c)" \
		"${NP700_FUZZ_SECONDS:-10}"
done

echo
for f in "${retried[@]}"; do echo "passed only on retry or failed twice: $f"; done
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
