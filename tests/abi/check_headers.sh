#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Headers stand alone (abi-and-style.md 6.4): each public header, included twice, compiles
# with one compiler and language standard, -Wall -Wextra -Werror -pedantic (+ -Wpadded for
# gcc/g++). vxoff.h is also used the way a consumer would (VXOFF_OPTS, VXOFF_OUT, versions).
#
# usage: check_headers.sh COMPILER STD SRC_INCLUDE_DIR BUILD_INCLUDE_DIR
#   COMPILER: gcc, clang, g++ or clang++; STD: c89, c99, c11, c++11, c++17
set -euo pipefail

cc=$1 std=$2 srcinc=$3 bininc=$4
if ! command -v "$cc" >/dev/null; then
	echo "SKIP: $cc is not installed (scripts/dev deps installs it)"
	exit 77
fi
flags=(-std="$std" -Wall -Wextra -Werror -pedantic -I"$srcinc" -I"$bininc")
if ! "$cc" --version | grep -qi clang; then
	flags+=(-Wpadded) # gcc and g++: any hole in a public struct
fi
lang=c
case $std in c++*) lang=c++ ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0
headers=("$srcinc"/vxoff/*.h "$bininc"/vxoff/version.h)
for h in "${headers[@]}"; do
	name=vxoff/$(basename "$h")
	src=$tmp/t.$lang
	{
		printf '#include <%s>\n#include <%s>\n' "$name" "$name"
		# an empty translation unit is not ISO C
		printf 'int vxoff_header_check(void);\n'
		if [ "$name" = vxoff/vxoff.h ]; then
			cat <<'USE'
#if VXOFF_VERSION_AT_LEAST(0, 1, 0)
int vxoff_header_check(void)
{
#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
	VXOFF_OPTS(vxoff_probe_opts, o, .items = 1u << VXOFF_ITEM_LINK);
	VXOFF_OUT(vxoff_error, e);

	return (int)(o.sz + e.sz) + (vxoff_version() >= VXOFF_VERSION_NUM);
#else
	struct vxoff_probe_opts o = { 0, 0, 0, 0 };

	o.sz = (uint32_t)sizeof(o);
	return (int)o.sz + (vxoff_version() >= VXOFF_VERSION_NUM);
#endif
}
#endif
USE
		fi
	} >"$src"
	n=$((n + 1))
	if ! out=$("$cc" "${flags[@]}" -x "$lang" -c "$src" -o "$tmp/t.o" 2>&1); then
		echo "FAIL: $name with $cc -std=$std:"
		echo "$out"
		fails=$((fails + 1))
	fi
done
if [ "$fails" -ne 0 ]; then
	echo "$fails of $n headers do not stand alone with $cc -std=$std ${flags[*]:1}"
	exit 1
fi
echo "ok: $n headers stand alone with $cc -std=$std"
