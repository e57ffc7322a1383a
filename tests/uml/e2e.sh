# Sourced by the tests/e2e/uml_*.sh wrappers: the environment contrib/test.sh passes (NP700_SRC,
# NP700_BUILD; defaults for a run by hand), the check that everything a scenario runs is built,
# and uml_scenario, which boots User-Mode Linux for one scenario of tests/uml/.
#   env: UML_TIMEOUT overrides every scenario's time limit (seconds)
set -u
export NP700_SRC=${NP700_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export NP700_BUILD=${NP700_BUILD:-$NP700_SRC/build/normal}
for _f in "$NP700_BUILD/src/np700" "$NP700_BUILD/src/np700-ctl" "$NP700_BUILD/tests/sim/ss7-sim" \
	"$NP700_BUILD/tests/sim/map_msg"; do
	[ -x "$_f" ] || { echo "$(basename "$0"): $_f is not built"; exit 1; }
done

# uml_scenario SECS SCRIPT [ARGS...]: run tests/uml/SCRIPT inside UML with a limit of SECS seconds
# (UML_TIMEOUT overrides), print the wall clock; returns the scenario's status
uml_scenario() {
	local secs=$1 script=$2 start rc
	shift 2
	start=$(date +%s.%N)
	"$NP700_SRC/tests/uml/uml_run.sh" -t "${UML_TIMEOUT:-$secs}" "$NP700_SRC/tests/uml/$script" "$@"
	rc=$?
	awk -v s="$start" -v e="$(date +%s.%N)" -v n="$script${*:+ $*}" \
		'BEGIN { printf "%s: %.1f s wall clock\n", n, e - s }'
	return $rc
}
