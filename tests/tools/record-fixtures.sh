#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
#
# record-fixtures.sh [BUILD_DIR]  (root)
#
# Record replay fixtures of virtual devices on this kernel into tests/replay/:
#   virtual-<major.minor>.nlrec        vxoff_probe_all() of the namespace
#   virtual-<major.minor>-<dev>.nlrec  vxoff_probe_device(<dev>), one per device
# inside a throwaway namespace vxoff-t<pid>-rec holding lo, a veth pair (vxt-v0 with GRO on,
# vxt-v1), vxt-vx (vxlan VNI 42, dstport 4789, dev vxt-v0, remote 198.18.0.2), vxt-br (bridge),
# vxt-mv (macvlan on vxt-v0), vxt-ifb and vxt-tun. Addresses only from 198.18.0.0/15. The
# namespace is deleted on every exit path. Nothing outside it is recorded: the fixtures hold
# the test devices' data (names, MACs, NAPI ids) and the kernel's version number only.
#
# BUILD_DIR (default: build-unit) must hold tests/tools/vxoff-record:
#   cmake --build BUILD_DIR --target vxoff-record
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build-unit}
rec=$build/tests/tools/vxoff-record
out=$top/tests/replay
kver=$(uname -r | cut -d. -f1-2)
ns=vxoff-t$$-rec

if [ "$(id -u)" != 0 ]; then
	echo "record-fixtures.sh: needs root (creates a network namespace)" >&2
	exit 77
fi
if [ ! -x "$rec" ]; then
	echo "record-fixtures.sh: no $rec; build it: cmake --build $build --target vxoff-record" >&2
	exit 2
fi
if grep -q STUB "$top/lib/probe/ethtool.c" "$top/lib/probe/netdev.c"; then
	echo "record-fixtures.sh: lib/probe/ethtool.c or netdev.c is still a stub: nothing to record" >&2
	exit 2
fi
command -v ip >/dev/null && command -v ethtool >/dev/null || {
	echo "record-fixtures.sh: needs ip and ethtool" >&2
	exit 77
}

cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	rm -f "$out"/*.nlrec.tmp
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

n() { ip -n "$ns" "$@"; }

ip netns add "$ns"
n link set lo up
n link add vxt-v0 type veth peer name vxt-v1
n addr add 198.18.0.1/24 dev vxt-v0
n addr add 198.18.0.2/24 dev vxt-v1
n link add vxt-vx type vxlan id 42 dstport 4789 dev vxt-v0 remote 198.18.0.2
n link add vxt-br type bridge
n link add vxt-mv link vxt-v0 type macvlan mode bridge
n link add vxt-ifb type ifb
n tuntap add dev vxt-tun mode tun
for d in vxt-v0 vxt-v1 vxt-vx vxt-br vxt-mv vxt-ifb vxt-tun; do
	n link set "$d" up
done
# GRO on one veth end: that gives it NAPIs (the other keeps the default, off)
ip netns exec "$ns" ethtool -K vxt-v0 gro on

why="recorded by tests/tools/record-fixtures.sh in a throwaway namespace: lo, veth vxt-v0 (gro on)/vxt-v1, vxlan vxt-vx (VNI 42, 4789, dev vxt-v0, remote 198.18.0.2), bridge vxt-br, macvlan vxt-mv, ifb vxt-ifb, tun vxt-tun"
rc=0
"$rec" -n "$ns" -o "$out/virtual-$kver.nlrec" -a -c "$why" || rc=1
for d in lo vxt-v0 vxt-v1 vxt-vx vxt-br vxt-mv vxt-ifb vxt-tun; do
	"$rec" -n "$ns" -o "$out/virtual-$kver-$d.nlrec" -d "$d" -c "$why" >/dev/null || rc=1
done

# what must not be there: this host's name or the namespace's (it carries our pid), as text
# or hex-encoded inside a message
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
host=$(hostname)
if grep -l -e "$host" -e "$(hex "$host")" -e "$ns" -e "$(hex "$ns")" \
	"$out"/virtual-"$kver"*.nlrec 2>/dev/null; then
	echo "record-fixtures.sh: host data in the fixtures above" >&2
	rc=1
fi
[ $rc = 0 ] && echo "recorded: $(ls "$out"/virtual-"$kver"*.nlrec | wc -l) fixtures in $out"
exit $rc
