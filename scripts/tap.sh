# shellcheck shell=bash
# TAP for the host's test scripts (install-test, deb-test): source it,
# set tap_prefix, call tap_plan N, one ok per case, then tap_end.

n=0 failed=0 plan=0
: "${tap_prefix:?set tap_prefix before sourcing tap.sh}"

tap_plan() {
	plan=$1
	echo "TAP version 13"
	echo "1..$plan"
}

# ok NAME CMD...: one case; CMD's output is shown (its last 60 lines,
# as TAP comments) only when it fails.
ok() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n $tap_prefix.$name"
	else
		failed=$((failed + 1))
		printf '%s\n' "$out" | tail -n 60 | sed 's/^/# /'
		echo "not ok $n $tap_prefix.$name"
	fi
}

# Exit status 0 when every planned case ran and passed.
tap_end() {
	[ "$n" -eq "$plan" ] || echo "# planned $plan, ran $n"
	[ "$n" -eq "$plan" ] && [ "$failed" -eq 0 ]
}
