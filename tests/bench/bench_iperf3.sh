#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
#
# vxoff bench against iperf3 on the same veth pair (and a VXLAN over it), in two throwaway
# namespaces: single TCP stream, MTU 1500 and 9000, plain and VXLAN, RUNS interleaved runs of
# each tool. Not a ctest: run it by hand, as root, on an otherwise idle machine.
#
# Both tools get the same system-wide accounting from outside: /proc/stat is sampled when the
# warm-up ends (OMIT s after the client starts) and DURATION s later, so the busy CPU-seconds
# of the whole machine (user + nice + system + irq + softirq, both ends share it) over the
# measured window are divided by the bytes each tool says it received in its measured window:
# CPU-s/GB = busy_s / (bytes / 1e9). Throughput is each tool's own figure for that window.
# Each pair of runs alternates which tool goes first (vxoff, iperf3 / iperf3, vxoff, ...).
#
# Environment (defaults in brackets):
#   VXOFF     the vxoff binary            [build/vxoff next to this checkout]
#   IPERF3    the iperf3 binary           [/usr/bin/iperf3]
#   DURATION  measured seconds per run    [10]
#   OMIT      warm-up seconds per run     [2]
#   RUNS      runs of each tool per case  [5]
#   MTUS      underlay MTUs               ["1500 9000"]
#   PATHS     "plain vxlan"
#   OUT       where raw results go        [/tmp/vxoff-bench-iperf3-PID]
#
# Quick check:  DURATION=3 OMIT=1 RUNS=3 sudo tests/bench/bench_iperf3.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
VXOFF=${VXOFF:-$here/../../build/vxoff}
IPERF3=${IPERF3:-/usr/bin/iperf3}
DURATION=${DURATION:-10}
OMIT=${OMIT:-2}
RUNS=${RUNS:-5}
MTUS=${MTUS:-"1500 9000"}
PATHS=${PATHS:-"plain vxlan"}
OUT=${OUT:-/tmp/vxoff-bench-iperf3-$$}
PORT_VX=$((20000 + $$ % 20000))
PORT_IP=$((PORT_VX + 1))
NC=vxoff-t$$-ipc
NS=vxoff-t$$-ips
HZ=$(getconf CLK_TCK)

die() { echo "bench_iperf3: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (namespaces, veth, VXLAN)"
[ -x "$VXOFF" ] || die "VXOFF=$VXOFF is not the vxoff binary"
[ -x "$IPERF3" ] || die "IPERF3=$IPERF3 is not the iperf3 binary"
command -v python3 > /dev/null || die "python3 is needed to read the JSON"
mkdir -p "$OUT"

cleanup() {
	# only what this script started: its servers by pid, its namespaces by name
	for f in "$OUT"/*.pid; do
		if [ -f "$f" ]; then kill "$(cat "$f")" 2> /dev/null || true; fi
		rm -f "$f"
	done
	ip netns del "$NC" 2> /dev/null || true
	ip netns del "$NS" 2> /dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- testbed (measurement-and-tuning.md section 4) ----
ip netns add "$NC"
ip netns add "$NS"
ip -n "$NC" link add va type veth peer name vb netns "$NS"
ip -n "$NC" addr add 198.18.0.1/30 dev va
ip -n "$NS" addr add 198.18.0.2/30 dev vb
for n in "$NC" "$NS"; do ip -n "$n" link set lo up; done
ip -n "$NC" link set va up
ip -n "$NS" link set vb up
ip -n "$NC" link add xa type vxlan id 42 local 198.18.0.1 remote 198.18.0.2 dstport 4789 dev va
ip -n "$NS" link add xb type vxlan id 42 local 198.18.0.2 remote 198.18.0.1 dstport 4789 dev vb
ip -n "$NC" addr add 198.19.0.1/24 dev xa
ip -n "$NS" addr add 198.19.0.2/24 dev xb

set_mtu() {
	# raise the underlay before the overlay, both ends
	ip -n "$NC" link set va mtu "$1"
	ip -n "$NS" link set vb mtu "$1"
	ip -n "$NC" link set xa mtu $(($1 - 50)) up
	ip -n "$NS" link set xb mtu $(($1 - 50)) up
}

# busy ticks of the whole machine (user + nice + system + irq + softirq)
stat_busy() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# Start a server in the background, its pid in $OUT/NAME.pid; wait until it listens.
start_server() { # NAME PORT CMD...
	local name=$1 port=$2
	shift 2
	"$@" > "$OUT/$name.srv" 2>&1 &
	echo $! > "$OUT/$name.pid"
	for _ in $(seq 100); do
		ip netns exec "$NS" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.05
	done
	die "$name server did not listen: $(cat "$OUT/$name.srv")"
}

stop_server() { # NAME
	local pid
	pid=$(cat "$OUT/$1.pid" 2> /dev/null || true)
	[ -n "$pid" ] && { wait "$pid" 2> /dev/null || kill "$pid" 2> /dev/null || true; }
	rm -f "$OUT/$1.pid"
}

# One run: TOOL PATH MTU N -> appends "tool path mtu n bps bytes busy_s" to $OUT/runs.txt
run_one() {
	local tool=$1 path=$2 mtu=$3 n=$4 host json b0 b1 cpid
	host=198.18.0.2
	[ "$path" = vxlan ] && host=198.19.0.2
	json="$OUT/$tool-$path-$mtu-$n.json"
	if [ "$tool" = vxoff ]; then
		start_server vx "$PORT_VX" "$VXOFF" bench server -n "$NS" -p "$PORT_VX" --once
		"$VXOFF" bench client "$host" -n "$NC" -p "$PORT_VX" -t "$DURATION" -O "$OMIT" -j \
			> "$json" &
	else
		start_server ip "$PORT_IP" ip netns exec "$NS" "$IPERF3" -s -1 -p "$PORT_IP"
		ip netns exec "$NC" "$IPERF3" -c "$host" -p "$PORT_IP" -t "$DURATION" -O "$OMIT" -J \
			> "$json" &
	fi
	cpid=$!
	# the same window from outside for both tools: after the warm-up, DURATION seconds
	sleep "$OMIT"
	b0=$(stat_busy)
	sleep "$DURATION"
	b1=$(stat_busy)
	wait "$cpid" || die "$tool client failed on $path MTU $mtu (run $n): $(head -c 400 "$json")"
	if [ "$tool" = vxoff ]; then stop_server vx; else stop_server ip; fi
	python3 - "$tool" "$json" "$path" "$mtu" "$n" "$((b1 - b0))" "$HZ" \
		>> "$OUT/runs.txt" << 'EOF'
import json, sys
tool, path, mtu, n, ticks, hz = sys.argv[1], sys.argv[3], sys.argv[4], sys.argv[5], \
	int(sys.argv[6]), int(sys.argv[7])
d = json.load(open(sys.argv[2]))
if tool == "vxoff":
	bps, nbytes = d["throughput_bps"], d["bytes_received"]
	own = d["cpu"]["server"]["cpu_s_per_gb"] if d["cpu"]["server"] else float("nan")
else:
	r = d["end"]["sum_received"]
	bps, nbytes, own = r["bits_per_second"], r["bytes"], float("nan")
busy = ticks / hz
print(tool, path, mtu, n, bps, nbytes, busy, busy / (nbytes / 1e9), own)
EOF
}

: > "$OUT/runs.txt"
for mtu in $MTUS; do
	set_mtu "$mtu"
	for n in $(seq "$RUNS"); do
		for path in $PATHS; do
			# alternate which tool goes first, pair by pair
			if [ $((n % 2)) = 1 ]; then order="vxoff iperf3"; else order="iperf3 vxoff"; fi
			for tool in $order; do
				echo "MTU $mtu run $n/$RUNS $path: $tool" >&2
				run_one "$tool" "$path" "$mtu" "$n"
			done
		done
	done
done

python3 - "$OUT/runs.txt" "$DURATION" "$OMIT" "$RUNS" << 'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
cases = {}
for tool, path, mtu, n, bps, nbytes, busy, cpb, own in rows:
	cases.setdefault((path, int(mtu), tool), []).append((float(bps), float(cpb), float(own)))
print(f"single TCP stream, {sys.argv[4]} interleaved runs per tool, {sys.argv[2]} s after "
      f"{sys.argv[3]} s warm-up; CPU-s/GB = whole-machine busy CPU-s over the window / GB")
print(f"{'tool':7} {'path':6} {'MTU':>5}  {'Gbit/s median [min-max]':28} "
      f"{'CPU-s/GB median [min-max]':28} {'vxoff/iperf3 Gbit/s':>19} {'CPU-s/GB':>9}")
for (path, mtu, tool) in sorted(cases, key=lambda k: (k[1], k[0], k[2] != "vxoff")):
	v = cases[(path, mtu, tool)]
	t = [x[0] / 1e9 for x in v]
	c = [x[1] for x in v]
	tm, cm = statistics.median(t), statistics.median(c)
	ratio = ""
	if tool == "vxoff" and (path, mtu, "iperf3") in cases:
		o = cases[(path, mtu, "iperf3")]
		ot = statistics.median([x[0] / 1e9 for x in o])
		oc = statistics.median([x[1] for x in o])
		ratio = f"{tm / ot:19.3f} {cm / oc:9.3f}"
	print(f"{tool:7} {path:6} {mtu:5}  {tm:7.2f} [{min(t):6.2f} - {max(t):6.2f}]{'':6} "
	      f"{cm:7.3f} [{min(c):6.3f} - {max(c):6.3f}]{'':6} {ratio}")
EOF
echo "raw results: $OUT" >&2
