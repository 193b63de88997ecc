#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Install test (abi-and-style.md 6.6): cmake --install into a temporary prefix holds exactly
# the public headers, the library, vxoff.pc, the CMake package (and the vxoff command); then
# a pkg-config consumer, a find_package() consumer and a Python ctypes binding run against it.
#
# usage: check_install.sh BUILD_DIR SRC_DIR BINDIR LIBDIR INCLUDEDIR VERSION CC
set -euo pipefail

build=$1 src=$2 bindir=$3 libdir=$4 incdir=$5 version=$6 cc=$7
here=$src/tests/abi
case $bindir$libdir$incdir in /*)
	echo "SKIP: absolute install dirs cannot be installed into a temporary prefix"
	exit 77
	;;
esac

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake --install "$build" --prefix "$T/prefix" >/dev/null
P=$T/prefix
fail() {
	echo "FAIL: $*"
	exit 1
}

# ---- exactly the expected files ----
{
	for h in "$src"/include/vxoff/*.h; do echo "$incdir/vxoff/$(basename "$h")"; done
	echo "$incdir/vxoff/version.h"
	echo "$libdir/libvxoff.so"
	echo "$libdir/libvxoff.so.0"
	echo "$libdir/libvxoff.so.$version"
	echo "$libdir/pkgconfig/vxoff.pc"
	for f in vxoffConfig vxoffConfigVersion vxoffTargets; do
		echo "$libdir/cmake/vxoff/$f.cmake"
	done
} | sort -u >"$T/expected"
(cd "$P" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./||' | sort) >"$T/actual"
# allowed besides: the command, and the per-configuration export file
grep -vxE "$bindir/vxoff|$libdir/cmake/vxoff/vxoffTargets-[a-z]+\.cmake" "$T/actual" \
	>"$T/actual.core" || true
if ! diff -u "$T/expected" "$T/actual.core"; then
	fail "the installed tree differs from the expected files (- missing, + unexpected)"
fi
[ "$(readlink "$P/$libdir/libvxoff.so")" = libvxoff.so.0 ] || fail "libvxoff.so -> libvxoff.so.0"
[ "$(readlink "$P/$libdir/libvxoff.so.0")" = "libvxoff.so.$version" ] ||
	fail "libvxoff.so.0 -> libvxoff.so.$version"
soname=$(objdump -p "$P/$libdir/libvxoff.so.$version" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libvxoff.so.0 ] || fail "SONAME is '$soname'"
echo "ok: installed files: $(wc -l <"$T/actual") ($(tr '\n' ' ' <"$T/actual"))"

# ---- pkg-config ----
# vxoff.pc names the configured prefix; a copy names the temporary one (--define-variable
# would also move libmnl's and json-c's prefix)
mkdir "$T/pc"
sed "s|^prefix=.*|prefix=$P|" "$P/$libdir/pkgconfig/vxoff.pc" >"$T/pc/vxoff.pc"
diff <(grep -v '^prefix=' "$P/$libdir/pkgconfig/vxoff.pc") <(grep -v '^prefix=' "$T/pc/vxoff.pc")
export PKG_CONFIG_PATH=$T/pc
pc=(pkg-config)
pkg-config --validate vxoff || fail "pkg-config --validate vxoff"
[ "$("${pc[@]}" --modversion vxoff)" = "$version" ] || fail "vxoff.pc version"
read -ra cflags < <("${pc[@]}" --cflags vxoff)
read -ra libs < <("${pc[@]}" --libs vxoff)
"$cc" -std=c99 -Wall -Wextra -Werror -o "$T/consumer-pc" "$here/consumer/consumer.c" \
	"${cflags[@]}" "${libs[@]}" -Wl,-rpath,"$P/$libdir"
"$T/consumer-pc"
echo "ok: pkg-config consumer (${cflags[*]} ${libs[*]})"

# --static: Requires.private and Libs.private must resolve. Only the shared libvxoff is
# installed (and Debian 12 ships no libmnl.a), so link dynamically with the static flag set.
"${pc[@]}" --static --libs vxoff >"$T/slibs" || fail "pkg-config --static --libs vxoff"
read -ra slibs <"$T/slibs"
for want in -lvxoff -lmnl -ljson-c -pthread; do
	printf '%s\n' "${slibs[@]}" | grep -qx -- "$want" ||
		fail "pkg-config --static --libs lacks $want: ${slibs[*]}"
done
"$cc" -std=c99 -Wall -Wextra -Werror -o "$T/consumer-static-flags" \
	"$here/consumer/consumer.c" "${cflags[@]}" "${slibs[@]}" -Wl,-rpath,"$P/$libdir"
"$T/consumer-static-flags" >/dev/null
echo "ok: pkg-config --static --libs resolves (${slibs[*]}); linked and ran with it"

# ---- CMake package ----
cmake -S "$here/consumer" -B "$T/cmake-consumer" -DCMAKE_PREFIX_PATH="$P" \
	-DCMAKE_C_COMPILER="$cc" >"$T/cmake.log" 2>&1 || {
	cat "$T/cmake.log"
	fail "find_package(vxoff 0.1) consumer does not configure"
}
cmake --build "$T/cmake-consumer" >"$T/build.log" 2>&1 || {
	cat "$T/build.log"
	fail "find_package(vxoff 0.1) consumer does not build"
}
"$T/cmake-consumer/consumer"
echo "ok: CMake consumer (find_package(vxoff 0.1 REQUIRED), vxoff::vxoff)"
# SameMajorVersion: a 1.x request must not accept 0.x
cat >"$T/major.cmake" <<CMAKE
set(CMAKE_PREFIX_PATH "$P")
find_package(vxoff 1.0 QUIET)
if(vxoff_FOUND)
  message(FATAL_ERROR "find_package(vxoff 1.0) accepted ${version}")
endif()
CMAKE
mkdir -p "$T/major"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(m NONE)\ninclude(%s)\n' \
	"$T/major.cmake" >"$T/major/CMakeLists.txt"
cmake -S "$T/major" -B "$T/major/b" >"$T/major.log" 2>&1 || {
	cat "$T/major.log"
	fail "SameMajorVersion"
}
echo "ok: find_package(vxoff 1.0) rejects $version"

# ---- Python ctypes ----
python3 "$here/ctypes_probe.py" "$P/$libdir/libvxoff.so.0"
