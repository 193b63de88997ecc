#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Old nodes untouched (abi-and-style.md 6.3): for every release tag v*, the map as released is
# a byte prefix of the current lib/libvxoff.map. No tags yet passes.
#
# usage: check_map_history.sh SRC_DIR
set -euo pipefail

src=$1
map=lib/libvxoff.map
cd "$src"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "SKIP: $src is not a git checkout: no release tags to compare"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
while IFS= read -r tag; do
	[ -n "$tag" ] || continue
	if ! git show "$tag:$map" >"$tmp/old" 2>/dev/null; then
		echo "note: $tag has no $map"
		continue
	fi
	n=$((n + 1))
	size=$(stat -c %s "$tmp/old")
	if ! head -c "$size" "$map" | cmp -s - "$tmp/old"; then
		echo "FAIL: $map no longer starts with the map released in $tag:"
		diff -u "$tmp/old" <(head -c "$size" "$map") || true
		bad=1
	fi
done < <(git tag --list 'v*')
[ "$bad" -eq 0 ] || exit 1
echo "ok: $map extends the map of all $n release tag(s)"
