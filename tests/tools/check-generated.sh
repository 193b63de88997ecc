#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# check-generated.sh [--update] GEN REPLAY_DIR OUT_DIR VARIANT:FILE...
# Regenerate each NIC fixture into OUT_DIR and compare it with REPLAY_DIR/FILE; with --update,
# copy it over REPLAY_DIR/FILE instead. Exit 1 on any difference (without --update).
set -u
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
[ $# -ge 4 ] || { echo "usage: $0 [--update] GEN REPLAY_DIR OUT_DIR VARIANT:FILE..." >&2; exit 2; }
gen=$1 replay=$2 out=$3
shift 3
mkdir -p "$out" || exit 1
rc=0
for spec in "$@"; do
	variant=${spec%%:*} file=${spec#*:}
	if ! "$gen" "$variant" "$out/$file"; then
		echo "FAIL: gen-nic-fixture $variant" >&2
		rc=1
		continue
	fi
	if [ $update = 1 ]; then
		cp "$out/$file" "$replay/$file" || rc=1
		echo "updated $replay/$file"
	elif [ ! -f "$replay/$file" ]; then
		echo "FAIL: $replay/$file is not committed (cmake --build BUILD --target regen-nic-fixtures)" >&2
		rc=1
	elif ! diff -u "$replay/$file" "$out/$file" >"$out/$file.diff"; then
		echo "FAIL: $file differs from what the library sends now:" >&2
		cut -c1-160 "$out/$file.diff" | head -40 >&2
		echo "(full diff: $out/$file.diff; if the change is intended, regenerate with" \
		     "cmake --build BUILD --target regen-nic-fixtures and review the diff)" >&2
		rc=1
	else
		echo "ok: $file"
	fi
done
exit $rc
