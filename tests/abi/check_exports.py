#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
"""Exports = version script = header declarations (abi-and-style.md 6.2), and Since: = node.

usage: check_exports.py LIBRARY MAP CC INCLUDE_DIR... -- HEADER...

  1. `nm -D --defined-only LIBRARY`: only type T (D/B/R/V/... are exported data: fail), each
     symbol versioned name@@VXOFF_x.y;
  2. the map's global names, node by node; only the first node has `local: *;`, each later
     node inherits the one before;
  3. the first vxoff_*( after each VXOFF_EXPORT_MARK in
     `CC -E -P -DVXOFF_API=VXOFF_EXPORT_MARK -I... include/vxoff/vxoff.h`;
  4. each public function's doc comment (in the HEADERs) says `Since: x.y` = its map node.
The three sorted lists must be equal; each symbol's nm node must equal its map node.
"""
import re
import subprocess
import sys

errors = []


def fail(msg):
    errors.append(msg)


def nm_exports(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        typ, name = parts[-2], parts[-1]
        base, _, ver = name.partition("@")
        ver = ver.lstrip("@")
        if typ == "A" and re.fullmatch(r"VXOFF_\d+\.\d+", base):
            continue  # the version node's own definition
        if typ != "T":
            fail("nm: %s has type %s: only functions (T) may be exported%s" %
                 (name, typ, " (exported data)" if typ in "DdBbRrVvGgSs" else ""))
            continue
        if not ver:
            fail("nm: %s has no symbol version (is it in lib/libvxoff.map?)" % base)
            continue
        if "@@" not in name:
            fail("nm: %s is not the default version (%s)" % (base, name))
        syms[base] = ver.replace("VXOFF_", "", 1)
    return syms


def map_globals(path):
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"#[^\n]*", "", text)
    nodes = list(re.finditer(
        r"VXOFF_(\d+\.\d+)\s*\{(.*?)\}\s*(VXOFF_(\d+\.\d+))?\s*;", text, flags=re.S))
    if not nodes:
        fail("%s: no VXOFF_x.y node" % path)
    syms, prev = {}, None
    for i, m in enumerate(nodes):
        node, body, parent = m.group(1), m.group(2), m.group(4)
        if i == 0 and parent:
            fail("map: the first node VXOFF_%s inherits VXOFF_%s" % (node, parent))
        if i > 0 and parent != prev:
            fail("map: node VXOFF_%s must inherit VXOFF_%s, not %s" % (node, prev, parent))
        has_local = re.search(r"local\s*:\s*\*\s*;", body) is not None
        if has_local != (i == 0):
            fail("map: node VXOFF_%s %s `local: *;` (only the first node has it)" %
                 (node, "has" if has_local else "lacks"))
        g = re.search(r"global\s*:(.*?)(local\s*:|$)", body, flags=re.S)
        for name in re.findall(r"([A-Za-z_]\w*)\s*;", g.group(1) if g else ""):
            if name in syms:
                fail("map: %s is listed in VXOFF_%s and VXOFF_%s" % (name, syms[name], node))
            syms[name] = node
        if prev and tuple(map(int, node.split("."))) <= tuple(map(int, prev.split("."))):
            fail("map: node VXOFF_%s does not follow VXOFF_%s" % (node, prev))
        prev = node
    return syms


def header_decls(cc, incdirs):
    cmd = cc.split() + ["-E", "-P", "-DVXOFF_API=VXOFF_EXPORT_MARK"]
    cmd += ["-I" + d for d in incdirs]
    cmd += ["-x", "c", "-"]
    out = subprocess.run(cmd, input="#include <vxoff/vxoff.h>\n", check=True,
                         capture_output=True, text=True).stdout
    names = []
    for chunk in out.split("VXOFF_EXPORT_MARK")[1:]:
        m = re.search(r"\b(vxoff_\w+)\s*\(", chunk)
        if not m:
            fail("headers: no vxoff_*( after a VXOFF_API marker: %r" % chunk[:80])
            continue
        names.append(m.group(1))
    dup = {n for n in names if names.count(n) > 1}
    for n in sorted(dup):
        fail("headers: %s is declared with VXOFF_API more than once" % n)
    return set(names)


def since_tags(headers):
    """name -> 'x.y' from the doc comment right before each VXOFF_API declaration."""
    tags = {}
    for h in headers:
        text = open(h).read()
        for m in re.finditer(r"^VXOFF_API\b[^;{]*?\b(vxoff_\w+)\s*\(", text, flags=re.M):
            name = m.group(1)
            before = text[:m.start()].rstrip()
            if not before.endswith("*/"):
                fail("%s: %s has no doc comment" % (h, name))
                continue
            doc = before[before.rfind("/*"):]
            s = re.findall(r"Since:\s*(\d+\.\d+)", doc)
            if len(s) != 1:
                fail("%s: the doc comment of %s needs exactly one `Since: x.y` (found %d)" %
                     (h, name, len(s)))
                continue
            tags[name] = s[0]
    return tags


def main(argv):
    if "--" not in argv or len(argv) < 5:
        sys.exit(__doc__)
    sep = argv.index("--")
    lib, mapfile, cc = argv[1], argv[2], argv[3]
    incdirs, headers = argv[4:sep], argv[sep + 1:]

    nm = nm_exports(lib)
    mp = map_globals(mapfile)
    hd = header_decls(cc, incdirs)
    since = since_tags(headers)

    for name in sorted(set(nm) | set(mp) | hd):
        where = [w for w, s in (("exported", nm), ("in the map", mp), ("declared", hd))
                 if name in s]
        if len(where) != 3:
            fail("%s is only %s" % (name, " and ".join(where)))
    for name in sorted(set(nm) & set(mp)):
        if nm[name] != mp[name]:
            fail("%s is exported at VXOFF_%s but listed in map node VXOFF_%s" %
                 (name, nm[name], mp[name]))
    for name in sorted(since):
        if name in mp and since[name] != mp[name]:
            fail("%s: doc comment says Since: %s, the map puts it in VXOFF_%s" %
                 (name, since[name], mp[name]))
    for name in sorted(hd - set(since)):
        if not any(name in e for e in errors):
            fail("%s: no `Since:` found in its doc comment" % name)

    if errors:
        for e in errors:
            print("FAIL: " + e)
        print("%d problem(s); exported %d, map %d, declared %d" %
              (len(errors), len(nm), len(mp), len(hd)))
        return 1
    print("ok: %d functions exported = in lib/libvxoff.map = declared, Since: tags match" %
          len(nm))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
