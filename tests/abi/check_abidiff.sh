#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# abidiff against the committed baseline (abi-and-style.md 6.1): the RelWithDebInfo build,
# installed into a temporary prefix, must have exactly the ABI of tests/abi/libvxoff.so.0.abi.
# Any non-zero abidiff exit fails: 1/3 nothing was compared, 4 the ABI changed (added
# symbols, layout changes), 12 incompatible (removed symbols, ...).
# An intended change lands with a regenerated baseline: tests/abi/update-baseline.sh.
#
# usage: check_abidiff.sh BUILD_DIR SRC_DIR LIBDIR INCLUDEDIR BUILD_TYPE
set -euo pipefail

build=$1 src=$2 libdir=$3 incdir=$4 btype=${5:-} # CMake drops an empty build type
baseline=$src/tests/abi/libvxoff.so.0.abi

case $btype in
RelWithDebInfo) ;;
*)
	echo "SKIP: abidiff compares the RelWithDebInfo build (this one is '${btype:-none}')"
	exit 77
	;;
esac
case $libdir$incdir in /*)
	echo "SKIP: absolute CMAKE_INSTALL_LIBDIR/INCLUDEDIR cannot be installed elsewhere"
	exit 77
	;;
esac
if [ ! -f "$baseline" ]; then
	echo "FAIL: no baseline $baseline; create it with tests/abi/update-baseline.sh"
	exit 1
fi

if command -v xmllint >/dev/null && ! xmllint --noout "$baseline"; then
	echo "FAIL: $baseline is not well-formed XML"
	exit 1
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake --install "$build" --prefix "$T" >/dev/null

set +e
abidiff --fail-no-debug-info --drop-private-types --hd2 "$T/$incdir/vxoff" \
	"$baseline" "$T/$libdir/libvxoff.so.0"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	what=
	[ $((rc & 1)) -ne 0 ] && what="$what tool-error"
	[ $((rc & 2)) -ne 0 ] && what="$what usage-error"
	[ $((rc & 4)) -ne 0 ] && what="$what abi-changed"
	[ $((rc & 8)) -ne 0 ] && what="$what INCOMPATIBLE"
	echo "abidiff exit $rc ($what ) against tests/abi/libvxoff.so.0.abi"
	if [ $((rc & 8)) -eq 0 ] && [ $((rc & 3)) -eq 0 ]; then
		echo "If the change is intended (new symbols in a new map node, appended fields),"
		echo "regenerate the baseline with tests/abi/update-baseline.sh and commit it."
	fi
	exit 1
fi
echo "ok: libvxoff.so.0 has the ABI of the committed baseline"
