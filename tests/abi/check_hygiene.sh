#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Hygiene (abi-and-style.md 6.5, 7, 9).
#
# usage: check_hygiene.sh symbols LIBRARY    no printing, exiting, aborting, environment or
#                                            signal functions among the undefined symbols
#        check_hygiene.sh statics OBJECT...  no writable static data in lib/ objects
#        check_hygiene.sh includes SRCDIR    no cross-capability include in lib/
#        check_hygiene.sh spdx SRCDIR        every source, header, CMake, script and map file
#                                            carries the SPDX line (first line, or second
#                                            after a shebang)
set -euo pipefail

SPDX='SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause'
mode=${1:?usage: check_hygiene.sh symbols|statics|includes|spdx ARGS}
shift
bad=0

case $mode in
symbols)
	lib=$1
	# a library never prints, exits, aborts, asserts, reads the environment or takes signals
	forbidden='stdin stdout stderr printf vprintf __printf_chk __vprintf_chk puts putchar
		perror psignal psiginfo error error_at_line err errx warn warnx verr verrx vwarn
		vwarnx syslog vsyslog __syslog_chk __vsyslog_chk openlog abort exit _exit _Exit
		quick_exit atexit at_quick_exit __assert_fail __assert_perror_fail __assert
		getenv secure_getenv setenv putenv unsetenv clearenv signal sigaction bsd_signal
		sysv_signal sigset'
	undefined=$(nm -D --undefined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u)
	for s in $forbidden; do
		if grep -qx -- "$s" <<<"$undefined"; then
			echo "FAIL: $lib uses $s"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok: $(wc -l <<<"$undefined") undefined symbols, none forbidden"
	;;
statics)
	# static const tables sit in .rodata/.data.rel.ro and pass; anything writable fails:
	# .data, .bss, .data.rel(.local), thread-locals, common symbols
	# ctest passes each $<TARGET_OBJECTS:...> as one ;-separated argument
	objs=()
	for a in "$@"; do
		IFS=';' read -ra parts <<<"$a"
		objs+=("${parts[@]}")
	done
	n=0
	for o in "${objs[@]}"; do
		n=$((n + 1))
		hits=$(objdump -t "$o" | grep -E '[[:space:]]O[[:space:]]+(\.(data|bss|tdata|tbss)(\.[^[:space:]]*)?|\*COM\*)[[:space:]]' |
			grep -vE '[[:space:]]\.data\.rel\.ro(\.[^[:space:]]*)?[[:space:]]' || true)
		if [ -n "$hits" ]; then
			echo "FAIL: writable static data in $o:"
			echo "$hits"
			bad=1
		fi
	done
	[ "$n" -gt 0 ] || { echo "FAIL: no object files given"; exit 1; }
	[ "$bad" -eq 0 ] && echo "ok: $n objects, no writable statics"
	;;
includes)
	src=$1
	# each capability includes its own headers and lib/netlink/ only; netlink includes no
	# capability; nobody climbs out with "../"
	caps=$(cd "$src/lib" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
	while IFS= read -r f; do
		cap=$(cut -d/ -f1 <<<"${f#"$src"/lib/}")
		while IFS=: read -r line inc; do
			target=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/' <<<"$inc")
			case $target in
			../*)
				echo "FAIL: ${f#"$src"/}:$line: $inc (cross-capability include)"
				bad=1
				continue
				;;
			esac
			first=${target%%/*}
			[ "$first" = "$target" ] && continue # same folder
			if grep -qx -- "$first" <<<"$caps" && [ "$first" != "$cap" ] &&
				[ "$first" != netlink ]; then
				echo "FAIL: ${f#"$src"/}:$line: $inc (lib/$cap may use lib/netlink/ only)"
				bad=1
			fi
		done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" || true)
	done < <(find "$src/lib" -type f \( -name '*.c' -o -name '*.h' \) | sort)
	[ "$bad" -eq 0 ] && echo "ok: no cross-capability includes in lib/"
	;;
spdx)
	src=$1
	cd "$src"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# tracked and new (not ignored) files
		files=$(git ls-files --cached --others --exclude-standard)
	else
		files=$(find . -path ./.git -prune -o -path './build*' -prune -o -type f -print |
			sed 's|^\./||')
	fi
	# CMake build trees inside the source tree are not sources, whatever their name
	builds=$(find . -maxdepth 3 -path ./.git -prune -o -name CMakeCache.txt -printf '%h/\n' |
		sed 's|^\./||')
	n=0
	while IFS= read -r f; do
		[ -f "$f" ] || continue # deleted in the work tree
		skip=0
		while IFS= read -r b; do
			[ -n "$b" ] && [ "${f#"$b"}" != "$f" ] && skip=1
		done <<<"$builds"
		[ "$skip" -eq 0 ] || continue
		case $f in
		tests/replay/* | tests/fuzz/corpus/* | tests/fuzz/crashes/*) continue ;; # data
		esac
		case $f in
		*.c | *.h | *.h.in | *.cmake | *.cmake.in | CMakeLists.txt | */CMakeLists.txt | \
			*.sh | *.py | *.map | *.pc.in) ;;
		*)
			# other files count when they are scripts
			head -c2 "$f" | grep -q '^#!' || continue
			;;
		esac
		n=$((n + 1))
		first=$(sed -n 1p "$f")
		line=$first
		case $first in '#!'*) line=$(sed -n 2p "$f") ;; esac
		if [[ $line != *"$SPDX"* ]]; then
			echo "FAIL: $f: the SPDX line is not on line 1 (or 2 after a shebang)"
			bad=1
		fi
	done <<<"$files"
	[ "$bad" -eq 0 ] && echo "ok: $n files carry '$SPDX'"
	;;
*)
	echo "unknown mode $mode" >&2
	exit 2
	;;
esac
exit "$bad"
