#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
"""Public API shape (abi-and-style.md 2, 3), checked on the headers' text.

usage: check_layout.py TEST_LAYOUT_C HEADER...

  - every field of every public struct has an AT() line in test_layout.c, every struct a
    NO_PAD() on its last field, every *_SZ_0_1 constant a _Static_assert;
  - every public struct starts with `uint32_t sz;` and one more 32-bit field;
  - no bool, long, enum, union, off_t, bitfield, flexible array or variadic function;
  - headers include only <stddef.h>, <stdint.h> and <vxoff/...>.
"""
import re
import sys

errors = []


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    layout = open(argv[1]).read()
    at = set(re.findall(r"^AT\((\w+),\s*(\w+),", layout, flags=re.M))
    nopad = dict(re.findall(r"^NO_PAD\((\w+),\s*(\w+)\)", layout, flags=re.M))
    nstructs = 0
    for h in argv[2:]:
        raw = open(h).read()
        for inc in re.findall(r"^\s*#\s*include\s+(\S+)", raw, flags=re.M):
            if inc not in ("<stddef.h>", "<stdint.h>") and not inc.startswith("<vxoff/"):
                errors.append("%s includes %s: public headers include only <stddef.h>, "
                              "<stdint.h> and <vxoff/...>" % (h, inc))
        text = strip_comments(raw).replace("\\\n", " ")  # macros on one line
        code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        for word in ("bool", "_Bool", "long", "enum", "union", "off_t"):
            if re.search(r"\b%s\b" % word, code):
                errors.append("%s uses `%s` outside a macro (not FFI-safe)" % (h, word))
        if re.search(r"\.\.\.\s*\)", code):
            errors.append("%s declares a variadic function" % h)
        for m in re.finditer(r"^struct\s+(vxoff_\w+)\s*\{(.*?)\};", text, flags=re.S | re.M):
            name, body = m.group(1), m.group(2)
            nstructs += 1
            fields = [f.strip() for f in body.split(";") if f.strip()]
            names = []
            for f in fields:
                if re.search(r":\s*\d+$", f):
                    errors.append("%s: bitfield `%s`" % (name, f))
                if re.search(r"\[\s*\]$", f):
                    errors.append("%s: flexible array `%s`" % (name, f))
                fm = re.search(r"(\w+)\s*(\[[^\]]*\])?$", f)
                names.append(fm.group(1) if fm else f)
            if len(fields) < 2 or not re.fullmatch(r"uint32_t\s+sz", fields[0]) or \
                    not re.fullmatch(r"u?int32_t\s+\w+", fields[1]):
                errors.append("%s must start with `uint32_t sz;` and one more 32-bit field" %
                              name)
            for n in names:
                if (name, n) not in at:
                    errors.append("test_layout.c: no AT(%s, %s, ...) line" % (name, n))
            if names and nopad.get(name) != names[-1]:
                errors.append("test_layout.c: needs NO_PAD(%s, %s) (its last field), has %s" %
                              (name, names[-1], nopad.get(name)))
        for c in re.findall(r"^\s*#\s*define\s+(VXOFF_\w+_SZ_0_1)\b", raw, flags=re.M):
            if not re.search(r"_Static_assert\(%s\b" % c, layout):
                errors.append("test_layout.c: no _Static_assert for %s" % c)
    if errors:
        for e in errors:
            print("FAIL: " + e)
        return 1
    print("ok: %d public structs pinned in test_layout.c; API shape rules hold" % nstructs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
