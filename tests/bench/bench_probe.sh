#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
#
# bench_probe.sh - how fast `vxoff probe --all` is on a namespace with many VXLAN devices,
# against the tools it replaces. A benchmark that prints figures, not a test.
#
#   sudo tests/bench/bench_probe.sh [-b BUILD_DIR] [-n DEVICES] [-r RUNS] [-k]
#
# Builds namespace vxoff-b<pid> with a veth pair and DEVICES (1000) VXLAN devices (VNI 1..N,
# dstport 4789, dev veth0), then runs, interleaved so that noise hits all alike, RUNS (5)
# times each:
#   vxoff      vxoff probe -n NS --all -j > /dev/null          (the full default probe)
#   vxoff-r    the same restricted to link, features, tunnel ports and verdict, when the
#              CLI can restrict items (and vxoff-n: every item but sysfs)
#   ip         ip -n NS -d -j link show > /dev/null            (one dump)
#   ethtool    ip netns exec NS sh -c 'for d in ...; do ethtool -k $d; done' > /dev/null
# and reports median and min-max in ms of wall-clock and of CPU time (user + system, with
# descendants), the peak RSS of the vxoff run (wait4 ru_maxrss = GNU time's %M, checked once
# against /usr/bin/time -f %M), the ratios ethtool/vxoff (goal >= 30) and vxoff/ip
# (goal <= 1.5) and RSS (goal < 16 MiB), for the issue's probe (link, features, tunnel ports,
# verdict: the restricted run), with the other two runs' ratios beside them.
# Then bench_probe (the C helper) times vxoff_probe_all() per item subset and
# vxoff_devlist_json() inside one process, to show where the time goes.
# -k keeps the namespace for inspection (removed at the next run's start if stale).
# The namespace is always removed on exit, error, Ctrl-C or TERM.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
NDEV=1000
RUNS=5
KEEP=0
while getopts "b:n:r:kh" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	n) NDEV=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	k) KEEP=1 ;;
	*) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 2 ;;
	esac
done
VXOFF=${VXOFF:-$BUILD/vxoff}
BENCH=${BENCH_PROBE:-$BUILD/tests/bench/bench_probe}
NS=vxoff-b$$
TMP=$(mktemp -d /tmp/vxoff-bench.XXXXXX)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$KEEP" = 1 ] && [ $rc = 0 ]; then
		echo "namespace $NS kept (ip netns del $NS)"
	elif [ -e "/run/netns/$NS" ]; then
		ip netns del "$NS" 2>/dev/null || true
		if ip netns list | grep -q "^$NS\b"; then
			echo "bench_probe.sh: could not remove namespace $NS" >&2
		fi
	fi
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "bench_probe.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (creates a network namespace)"
command -v ip >/dev/null || die "ip (iproute2) is missing"
command -v ethtool >/dev/null || die "ethtool is missing"
[ -x "$VXOFF" ] || die "no vxoff binary at $VXOFF (build first, or -b BUILD_DIR / VXOFF=...)"
[ -x "$BENCH" ] || die "no bench_probe at $BENCH (build first, or BENCH_PROBE=...)"
if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time for the RSS figure..."
	apt-get install -y -qq time >/dev/null 2>&1 || die "/usr/bin/time missing (apt-get install time)"
fi

# Namespaces of earlier runs killed hard (SIGKILL): vxoff-b<pid> whose pid is gone.
for n in $(ip netns list | awk '{print $1}' | grep -E '^vxoff-b[0-9]+$' || true); do
	pid=${n#vxoff-b}
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "removing stale namespace $n"
		ip netns del "$n" || true
	fi
done

now_ns() { date +%s%N; }

median_minmax() { # numbers on stdin (ms) -> "median (min-max)"
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f (%.1f-%.1f)", m, v[1], v[NR] }'
}
median() { sort -g | awk '{ v[NR] = $1 } END {
	if (NR == 0) { print "nan"; exit }
	print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# ---- the namespace --------------------------------------------------------------------------
echo "building namespace $NS with $NDEV VXLAN devices..."
t0=$(now_ns)
ip netns add "$NS"
{
	echo "link add veth0 type veth peer name veth1"
	echo "link set veth0 up"
	echo "link set veth1 up"
	for i in $(seq 1 "$NDEV"); do
		echo "link add vxb$i type vxlan id $i dstport 4789 dev veth0"
	done
} >"$TMP/batch"
ip -n "$NS" -batch "$TMP/batch" || die "ip -batch failed (no vxlan module?)"
ip -n "$NS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' >"$TMP/devs"
ndevs=$(wc -l <"$TMP/devs")
echo "  $ndevs devices in $(( ($(now_ns) - t0) / 1000000 )) ms"
[ "$ndevs" -ge "$NDEV" ] || die "expected at least $NDEV devices, found $ndevs"

# ---- sanity: each tool works before we time it -----------------------------------------------
"$VXOFF" probe -n "$NS" --all -j >"$TMP/out.json" || die "vxoff probe -n $NS --all -j failed"
if command -v python3 >/dev/null; then
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["devices"]))' \
		"$TMP/out.json") || die "vxoff output is not the expected JSON"
	[ "$n" = "$ndevs" ] || die "vxoff reported $n devices, ip $ndevs"
fi
echo "  vxoff JSON output: $(wc -c <"$TMP/out.json") bytes for $ndevs devices"

# A way to restrict items? (--items LIST or -i LIST; probed from the help text)
RESTRICT=()
help=$("$VXOFF" probe --help 2>&1 || true)
for opt in --items --item -i; do
	if grep -qE -- "(^|[ ,])$opt([ =]|$)" <<<"$help"; then
		for list in link,features,tunnel_ports,vxlan link,features,tunnel-ports,vxlan; do
			if "$VXOFF" probe -n "$NS" --all -j "$opt" "$list" >/dev/null 2>&1; then
				RESTRICT=("$opt" "$list")
				break 2
			fi
		done
	fi
done
NOSYSFS=()
if [ ${#RESTRICT[@]} = 0 ]; then
	echo "  the CLI has no item restriction option: vxoff-r skipped (see bench_probe 'restricted')"
else
	NOSYSFS=("${RESTRICT[0]}" link,drvinfo,features,channels,rings,coalesce,rss,tunnel_ports,queues,vxlan)
	"$VXOFF" probe -n "$NS" --all -j "${NOSYSFS[@]}" >/dev/null 2>&1 || NOSYSFS=()
fi

DEVLIST=$(tr '\n' ' ' <"$TMP/devs")
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
ip netns exec "$NS" sh -c "ethtool -k veth0" >/dev/null || die "ethtool -k fails in $NS"

# ---- interleaved runs ------------------------------------------------------------------------
# Each run goes through `bench_probe -t`: wall ms, CPU ms (user + system of the command and
# its descendants, from wait4), peak RSS KiB. CPU time is the steadier figure on a busy box.
echo "timing: $RUNS interleaved runs of each..."
for f in vxoff vxoffr vxoffn ip ethtool; do : >"$TMP/$f"; done
tm() { # file command... -> appends "wall cpu rss status"
	local f=$1; shift
	"$BENCH" -t -- "$@" >>"$TMP/$f"
	[ "$(tail -n1 "$TMP/$f" | awk '{print $4}')" = 0 ] || die "failed: $*"
}
col() { awk -v c="$2" '{print $c}' "$TMP/$1"; }
for r in $(seq 1 "$RUNS"); do
	tm vxoff "$VXOFF" probe -n "$NS" --all -j
	if [ ${#RESTRICT[@]} != 0 ]; then
		tm vxoffr "$VXOFF" probe -n "$NS" --all -j "${RESTRICT[@]}"
	fi
	if [ ${#NOSYSFS[@]} != 0 ]; then
		tm vxoffn "$VXOFF" probe -n "$NS" --all -j "${NOSYSFS[@]}"
	fi
	tm ip ip -n "$NS" -d -j link show
	tm ethtool ip netns exec "$NS" sh -c "for d in $DEVLIST; do ethtool -k \$d; done"
	printf "  run %d: vxoff %s ms, ip %s ms, ethtool loop %s ms (wall)\n" "$r" \
		"$(col vxoff 1 | tail -n1)" "$(col ip 1 | tail -n1)" "$(col ethtool 1 | tail -n1)"
done
# the RSS figure as GNU time reports it, once, as a cross-check of wait4's ru_maxrss
gnu_rss=$(/usr/bin/time -f %M "$VXOFF" probe -n "$NS" --all -j 2>&1 >/dev/null | tail -n1)

iw=$(col ip 1 | median); ic=$(col ip 2 | median)
ew=$(col ethtool 1 | median); ec=$(col ethtool 2 | median)
rss=$(col vxoff 3 | median)
echo
echo "== $ndevs devices ($NDEV VXLAN, down, dev veth0), $RUNS runs; $(uname -r), $(nproc) CPUs"
echo "   ms: median (min-max); load average before: $LOAD0"
printf "%-36s %-24s %s\n" "" "wall" "cpu (user+sys)"
row() { printf "%-36s %-24s %s\n" "$1" "$(col "$2" 1 | median_minmax)" "$(col "$2" 2 | median_minmax)"; }
row "vxoff probe --all -j (all items)" vxoff
if [ ${#RESTRICT[@]} != 0 ]; then row "vxoff ... ${RESTRICT[0]} (restricted)" vxoffr; fi
if [ ${#NOSYSFS[@]} != 0 ]; then row "vxoff ... ${NOSYSFS[0]} (all but sysfs)" vxoffn; fi
row "ip -d -j link show" ip
row "ethtool -k loop ($ndevs execs)" ethtool
printf "%-36s %s KiB (%s; GNU time %%M: %s KiB)\n" "vxoff peak RSS (all items)" "$rss" \
	"$(col vxoff 3 | sort -n | awk '{v[NR]=$1} END {printf "%d-%d", v[1], v[NR]}')" "$gnu_rss"
verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "MISSED"; fi; }
ratio() { echo "scale=2; $1 / $2" | bc; }
# The goals are for the issue's probe: link, features, tunnel ports and verdict (the
# restricted run); the full default probe adds per-queue sysfs files and is reported beside.
gf=vxoff
[ -s "$TMP/vxoffr" ] && gf=vxoffr
gw=$(col $gf 1 | median); gc=$(col $gf 2 | median); grss=$(col $gf 3 | median)
r1w=$(ratio "$ew" "$gw"); r1c=$(ratio "$ec" "$gc")
r2w=$(ratio "$gw" "$iw"); r2c=$(ratio "$gc" "$ic")
echo "goals, for ${RESTRICT[*]:-every item}:"
printf "%-36s wall %6sx  cpu %6sx  (goal >= 30x: %s)\n" "  ethtool-loop / vxoff" "$r1w" "$r1c" \
	"$(verdict "$(echo "$r1w >= 30" | bc)")"
printf "%-36s wall %6sx  cpu %6sx  (goal <= 1.5x: %s)\n" "  vxoff / ip-dump" "$r2w" "$r2c" \
	"$(verdict "$(echo "$r2w <= 1.5" | bc)")"
printf "%-36s %.1f MiB  (goal < 16 MiB: %s)\n" "  vxoff peak RSS" \
	"$(echo "scale=2; $grss / 1024" | bc)" "$(verdict "$(echo "$grss < 16384" | bc)")"
echo "beside them:"
for v in vxoff:"every item (default)" vxoffn:"all but sysfs"; do
	f=${v%%:*}
	[ -s "$TMP/$f" ] || continue
	rw=$(col "$f" 1 | median); rc=$(col "$f" 2 | median)
	printf "%-36s ethtool/vxoff %sx (cpu %sx), vxoff/ip %sx (cpu %sx), RSS %s KiB\n" \
		"  ${v#*:}" "$(ratio "$ew" "$rw")" "$(ratio "$ec" "$rc")" "$(ratio "$rw" "$iw")" \
		"$(ratio "$rc" "$ic")" "$(col "$f" 3 | median)"
done
echo "restricted = ${RESTRICT[*]:-(none)}"

# ---- inside the library ----------------------------------------------------------------------
echo
echo "== inside the library: bench_probe -n $NS -r $RUNS"
"$BENCH" -n "$NS" -r "$RUNS"
