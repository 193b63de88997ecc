#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
"""Load the installed libvxoff.so.0 with ctypes, as a hand-written binding would, and probe lo.

usage: ctypes_probe.py PATH/libvxoff.so.0
"""
import ctypes as C
import errno
import socket
import sys

CAP_YES = 2
ITEM_LINK = 0
REASON_NO_DEVICE = 4


class ItemStatus(C.Structure):
    _fields_ = [("sz", C.c_uint32), ("cap", C.c_uint32), ("err", C.c_int32),
                ("reserved0", C.c_uint32), ("msg", C.c_char_p)]


class LinkInfo(C.Structure):
    _fields_ = [(n, C.c_uint32) for n in (
        "sz", "present", "ifindex", "parent_ifindex", "underlay_ifindex", "master_ifindex")] + \
        [("link_netnsid", C.c_int32)] + [(n, C.c_uint32) for n in (
            "flags", "operstate", "arptype", "mtu", "min_mtu", "max_mtu", "gso_max_size",
            "gso_max_segs", "gro_max_size", "gso_ipv4_max_size", "gro_ipv4_max_size",
            "tso_max_size", "tso_max_segs", "num_tx_queues", "num_rx_queues", "vxlan_vni",
            "vxlan_port", "vxlan_family", "reserved0")] + \
        [(n, C.c_char_p) for n in ("ifname", "kind", "address", "driver", "bus_info",
                                   "fw_version")]


class Error(C.Structure):
    _fields_ = [("sz", C.c_uint32), ("err", C.c_int32), ("reason", C.c_uint32),
                ("nl_attr_offset", C.c_uint32), ("nl_attr_type", C.c_uint32),
                ("reserved0", C.c_uint32), ("msg", C.c_char_p), ("kernel_msg", C.c_char_p)]


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def main(path):
    lib = C.CDLL(path)
    lib.vxoff_version.restype = C.c_uint32
    lib.vxoff_version_string.restype = C.c_char_p
    lib.vxoff_ctx_new.argtypes = [C.c_void_p, C.POINTER(C.c_void_p)]
    lib.vxoff_ctx_free.argtypes = [C.c_void_p]
    lib.vxoff_ctx_last_error.argtypes = [C.c_void_p, C.POINTER(Error)]
    lib.vxoff_probe_device.argtypes = [C.c_void_p, C.c_char_p, C.c_uint32, C.c_void_p,
                                       C.POINTER(C.c_void_p)]
    lib.vxoff_devinfo_item.argtypes = [C.c_void_p, C.c_uint32, C.c_void_p]
    lib.vxoff_devinfo_link.argtypes = [C.c_void_p, C.c_void_p]
    lib.vxoff_devinfo_free.argtypes = [C.c_void_p]

    # the layout this binding was written from (tests/abi/test_layout.c)
    check(C.sizeof(ItemStatus) == 24 and C.sizeof(LinkInfo) == 152 and C.sizeof(Error) == 40,
          "ctypes layout differs from test_layout.c")

    v = lib.vxoff_version()
    check(v >> 16 == 0, "vxoff_version() major is %d" % (v >> 16))
    s = lib.vxoff_version_string().decode()
    check(s == "%d.%d.%d" % (v >> 16, v >> 8 & 0xff, v & 0xff),
          "vxoff_version_string() %s vs vxoff_version() 0x%06x" % (s, v))

    ctx = C.c_void_p()
    r = lib.vxoff_ctx_new(None, C.byref(ctx))
    check(r == 0 and ctx.value, "vxoff_ctx_new: %d" % r)

    di = C.c_void_p()
    r = lib.vxoff_probe_device(ctx, b"lo", 0, None, C.byref(di))
    check(r == 0 and di.value, "vxoff_probe_device(lo): %d" % r)

    st = ItemStatus(sz=C.sizeof(ItemStatus))
    r = lib.vxoff_devinfo_item(di, ITEM_LINK, C.byref(st))
    check(r == 0 and st.cap == CAP_YES and st.err == 0,
          "link item: r %d cap %d err %d msg %s" % (r, st.cap, st.err, st.msg))

    li = LinkInfo(sz=C.sizeof(LinkInfo))
    r = lib.vxoff_devinfo_link(di, C.byref(li))
    check(r == 0 and li.ifname == b"lo", "vxoff_devinfo_link: %d ifname %r" % (r, li.ifname))
    check(li.ifindex == socket.if_nametoindex("lo"), "lo ifindex %d" % li.ifindex)
    check(li.sz == C.sizeof(LinkInfo), "sz rewritten to %d" % li.sz)

    # an older binding knows 8 bytes: nothing past them is written
    old = (C.c_uint8 * 32)(*([0xAA] * 32))
    C.memmove(old, C.byref(C.c_uint32(8)), 4)
    r = lib.vxoff_devinfo_link(di, old)
    check(r == 0 and bytes(old[8:]) == b"\xaa" * 24, "sz 8: wrote past the caller's size")
    # a newer binding knows 16 more bytes: they read 0 (= unknown)
    new = (C.c_uint8 * (C.sizeof(LinkInfo) + 16))(*([0xAA] * (C.sizeof(LinkInfo) + 16)))
    C.memmove(new, C.byref(C.c_uint32(C.sizeof(LinkInfo) + 16)), 4)
    r = lib.vxoff_devinfo_link(di, new)
    check(r == 0 and bytes(new[C.sizeof(LinkInfo):]) == b"\0" * 16,
          "sz > ours: the tail is not zeroed")

    # a failure: -ENODEV, ret untouched, the reason in the last error
    di2 = C.c_void_p()
    r = lib.vxoff_probe_device(ctx, b"vxoff-nodev0", 0, None, C.byref(di2))
    check(r == -errno.ENODEV and not di2.value, "absent device: %d" % r)
    e = Error(sz=C.sizeof(Error))
    check(lib.vxoff_ctx_last_error(ctx, C.byref(e)) == 0 and e.err == -errno.ENODEV and
          e.reason == REASON_NO_DEVICE and e.msg, "last error %d reason %d" % (e.err, e.reason))

    msg = e.msg.decode()  # owned by ctx: copy it before vxoff_ctx_free()
    ifindex, mtu = li.ifindex, li.mtu  # li's strings are owned by di
    lib.vxoff_devinfo_free(di)
    lib.vxoff_ctx_free(ctx)
    print("ctypes ok: %s %s, lo ifindex %d, mtu %d; ENODEV: %s" % (path, s, ifindex, mtu, msg))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
