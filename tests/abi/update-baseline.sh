#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Regenerate tests/abi/libvxoff.so.0.abi from a RelWithDebInfo build (abi-and-style.md 6.1),
# so review sees the XML diff beside the header diff. Refuses an incompatible change (abidiff
# exit with bit 8: that needs libvxoff.so.1) and a tool error.
#
# usage: tests/abi/update-baseline.sh [BUILD_DIR]     (default: build-abi, configured here)
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$src/build-abi}
baseline=$src/tests/abi/libvxoff.so.0.abi

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVXOFF_WERROR=ON >/dev/null
cmake --build "$build" --target vxoff vxoff_cli -j"$(nproc)" >/dev/null # what install copies

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake --install "$build" --prefix "$T" >/dev/null
lib=$(find "$T" -name libvxoff.so.0 -print -quit)
hdrs=$(dirname "$(find "$T" -path '*/vxoff/vxoff.h' -print -quit)")

if [ -f "$baseline" ]; then
	set +e
	abidiff --fail-no-debug-info --drop-private-types --hd2 "$hdrs" "$baseline" "$lib"
	rc=$?
	set -e
	if [ $((rc & 8)) -ne 0 ]; then
		echo "REFUSED: abidiff exit $rc: an incompatible ABI change (removed symbol, changed" >&2
		echo "layout of a released struct...). 0.x must stay compatible; fix the change." >&2
		exit 1
	fi
	if [ $((rc & 3)) -ne 0 ]; then
		echo "REFUSED: abidiff exit $rc: tool or usage error, nothing was compared" >&2
		exit 1
	fi
	[ "$rc" -eq 0 ] && echo "The ABI did not change; rewriting the baseline anyway."
fi

# No absolute paths (the baseline is the same from any checkout), but locations must stay:
# abidiff --hd2 tells public from private types by their header file, and a type without a
# location counts as private, so every change to it would be filtered out silently.
abidw --drop-private-types --type-id-style hash --headers-dir "$hdrs" \
	--no-corpus-path --no-comp-dir-path --short-locs --out-file "$baseline" "$lib"
# the new baseline must compare clean against the library it came from
abidiff --fail-no-debug-info --drop-private-types --hd2 "$hdrs" "$baseline" "$lib"
echo "wrote ${baseline#"$src"/}; review 'git diff tests/abi/' and commit it with the change"
