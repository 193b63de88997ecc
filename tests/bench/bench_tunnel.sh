#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
#
# bench_tunnel.sh - create and delete N VXLAN devices (id i, dstport 4789, dev v0, one FDB
# flood entry to 198.18.0.2, up) four ways, RUNS interleaved runs each (the order rotates per
# run), in a throwaway namespace vxoff-b<pid> with a veth underlay; prints median and min-max.
#
#   vxoff   libvxoff: N x vxoff_tunnel_create(), one vxoff_tunnel_delete_many()
#   ipbatch ip -batch (N link add) + bridge -batch (N fdb append) + ip -batch (N link set up);
#           delete: in the first ONE_BY_ONE_RUNS runs ip -batch of N "link del" (one by one,
#           ~17 s for 1000), in the other runs ip -batch "link set group" + "ip link del group"
#   ipproc  one ip/bridge process per command: N x (ip link add, bridge fdb append,
#           ip link set up); delete N x ip link del
#   libnl   libnl-route-3: rtnl_link_add, rtnl_neigh_add, rtnl_link_change, then
#           rtnl_link_delete one by one
#
# Usage (root): tests/bench/bench_tunnel.sh [BUILD_DIR]   (default: build-integ)
#   env: N=1000 RUNS=5 ONE_BY_ONE_RUNS=2
# Not a ctest test; it asserts only that every device was made and removed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-integ}
N=${N:-1000}
RUNS=${RUNS:-5}
ONE_BY_ONE_RUNS=${ONE_BY_ONE_RUNS:-2}
NS=vxoff-b$$
TMP=$(mktemp -d /tmp/vxoff-bench.XXXXXX)
RES=$TMP/results

cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "bench_tunnel: needs root (namespaces, VXLAN devices)" >&2; exit 2; }

# libnl-route-3 for the libnl part
if ! pkg-config --exists libnl-route-3.0; then
	echo "installing libnl-route-3-dev ..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y libnl-route-3-dev >/dev/null
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	cmake -S "$ROOT" -B "$BUILD" -DVXOFF_WERROR=ON >/dev/null
fi
cmake "$BUILD" >/dev/null # picks libnl up if it was just installed
cmake --build "$BUILD" --target bench_tunnel -j2 >/dev/null
BENCH=$BUILD/tests/bench/bench_tunnel

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 198.18.0.1/24 dev v0
ip -n "$NS" addr add 198.18.0.2/24 dev v1
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up

for ((i = 0; i < N; i++)); do
	echo "link add vxb$i type vxlan id $((i + 1)) dstport 4789 dev v0" >>"$TMP/create.ip"
	echo "fdb append 00:00:00:00:00:00 dev vxb$i dst 198.18.0.2 self permanent" >>"$TMP/fdb.br"
	echo "link set dev vxb$i up" >>"$TMP/up.ip"
	echo "link del vxb$i" >>"$TMP/del.ip"
	echo "link set dev vxb$i group 77" >>"$TMP/group.ip"
done

ns_now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'; }
count() { ip -n "$NS" -o link show | grep -c ': vxb' || true; }
record() { echo "$1 $2 $3" >>"$RES"; }
check() { # method, expected count
	local c
	c=$(count)
	if [ "$c" != "$2" ]; then
		echo "bench_tunnel: $1: $c devices, expected $2" >&2
		exit 1
	fi
}

run_vxoff() {
	ip netns exec "$NS" "$BENCH" vxoff "$N" | awk '/^RESULT/ { print $2, $3, $4 }' >>"$RES"
	check vxoff 0
}

run_libnl() {
	if ! ip netns exec "$NS" "$BENCH" libnl "$N" >"$TMP/libnl.out"; then
		echo "bench_tunnel: libnl part failed or not built" >&2
		cat "$TMP/libnl.out" >&2
		exit 1
	fi
	awk '/^RESULT/ { print $2, $3, $4 }' "$TMP/libnl.out" >>"$RES"
	check libnl 0
}

run_ipbatch() { # run number
	local t0 t1 t2 t3
	t0=$(ns_now)
	ip -n "$NS" -batch "$TMP/create.ip"
	bridge -n "$NS" -batch "$TMP/fdb.br"
	ip -n "$NS" -batch "$TMP/up.ip"
	t1=$(ns_now)
	record ipbatch create "$(secs "$t0" "$t1")"
	check ipbatch "$N"
	if [ "$1" -le "$ONE_BY_ONE_RUNS" ]; then
		t2=$(ns_now)
		ip -n "$NS" -batch "$TMP/del.ip"
		t3=$(ns_now)
		record ipbatch delete_one_by_one "$(secs "$t2" "$t3")"
	else
		t2=$(ns_now)
		ip -n "$NS" -batch "$TMP/group.ip"
		local tg
		tg=$(ns_now)
		ip -n "$NS" link del group 77
		t3=$(ns_now)
		record ipbatch delete_group "$(secs "$t2" "$t3")"
		record ipbatch delete_group_only_del "$(secs "$tg" "$t3")"
	fi
	check ipbatch 0
}

run_ipproc() {
	local t0 t1 t2 t3 i
	t0=$(ns_now)
	for ((i = 0; i < N; i++)); do
		ip -n "$NS" link add "vxb$i" type vxlan id $((i + 1)) dstport 4789 dev v0
		bridge -n "$NS" fdb append 00:00:00:00:00:00 dev "vxb$i" dst 198.18.0.2 self permanent
		ip -n "$NS" link set dev "vxb$i" up
	done
	t1=$(ns_now)
	record ipproc create "$(secs "$t0" "$t1")"
	check ipproc "$N"
	t2=$(ns_now)
	for ((i = 0; i < N; i++)); do
		ip -n "$NS" link del "vxb$i"
	done
	t3=$(ns_now)
	record ipproc delete "$(secs "$t2" "$t3")"
	check ipproc 0
}

echo "bench_tunnel: N=$N RUNS=$RUNS (one-by-one ip -batch delete in $ONE_BY_ONE_RUNS of them)," \
	"kernel $(uname -r), $(nproc) CPUs, namespace $NS" >&2
methods=(vxoff ipbatch ipproc libnl)
for ((run = 1; run <= RUNS; run++)); do
	for ((k = 0; k < 4; k++)); do
		m=${methods[$(((k + run - 1) % 4))]}
		echo "  run $run/$RUNS: $m" >&2
		case $m in
		vxoff) run_vxoff ;;
		ipbatch) run_ipbatch "$run" ;;
		ipproc) run_ipproc ;;
		libnl) run_libnl ;;
		esac
	done
done

# median, min, max, samples per method/phase; totals (create + delete) per run
stats() { # method phase -> "median min max n"
	awk -v m="$1" -v p="$2" '$1 == m && $2 == p { print $3 }' "$RES" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "nan nan nan 0"; exit }
			med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.4f %.4f %.4f %d\n", med, v[1], v[NR], NR }'
}
# per-run totals: pair the i-th create with the i-th delete of a method
for m in vxoff ipproc libnl; do
	paste -d' ' <(awk -v m=$m '$1 == m && $2 == "create" { print $3 }' "$RES") \
		<(awk -v m=$m '$1 == m && $2 == "delete" { print $3 }' "$RES") |
		awk -v m=$m '{ printf "%s total %.4f\n", m, $1 + $2 }' >>"$RES"
done

printf '\n%-10s %-22s %10s %21s %4s\n' method phase "median s" "min-max s" runs
for mp in "vxoff create" "vxoff delete" "vxoff total" "ipbatch create" \
	"ipbatch delete_one_by_one" "ipbatch delete_group" "ipbatch delete_group_only_del" \
	"ipproc create" "ipproc delete" "ipproc total" "libnl create" "libnl delete" \
	"libnl total"; do
	read -r med lo hi n < <(stats $mp)
	printf '%-10s %-22s %10s %10s-%-10s %4s\n' $mp "$med" "$lo" "$hi" "$n"
done

med() { stats "$1" "$2" | awk '{ print $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "inf" }'; }
goal() { # label, vxoff, other, want-factor
	local r
	r=$(ratio "$2" "$3")
	local ok
	ok=$(awk -v r="$r" -v w="$4" 'BEGIN { print (r >= w) ? "met" : "MISSED" }')
	printf '%-58s %8ss vs %8ss  = %6sx  (goal >= %sx: %s)\n' "$1" "$2" "$3" "$r" "$4" "$ok"
}
echo
goal "vxoff create vs ip -batch create (+bridge -batch, ups)" "$(med vxoff create)" \
	"$(med ipbatch create)" 1
goal "vxoff delete_many vs ip -batch one-by-one link del" "$(med vxoff delete)" \
	"$(med ipbatch delete_one_by_one)" 20
goal "vxoff delete_many vs one ip process per link del" "$(med vxoff delete)" \
	"$(med ipproc delete)" 20
goal "vxoff delete_many vs ip link del group (after set group)" "$(med vxoff delete)" \
	"$(med ipbatch delete_group)" 1
goal "vxoff total vs one ip process per command total" "$(med vxoff total)" \
	"$(med ipproc total)" 10
goal "vxoff create vs libnl3 create" "$(med vxoff create)" "$(med libnl create)" 1
goal "vxoff delete vs libnl3 delete (one by one)" "$(med vxoff delete)" "$(med libnl delete)" 1
goal "vxoff total vs libnl3 total" "$(med vxoff total)" "$(med libnl total)" 1
