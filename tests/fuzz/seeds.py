#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
"""Seed inputs for the fuzz targets (input formats: tests/fuzz/README.md).

  seeds.py reply OUTDIR            hand-made netlink replies (committed in corpus/reply)
  seeds.py cpulist OUTDIR          CPU lists and masks (committed in corpus/cpulist)
  seeds.py nlrec OUTDIR FILE...    replay recordings (tests/replay/*.nlrec) as fuzz_reply inputs
"""
import os
import struct
import sys

SEP_SECTION = b"\xf0VXS"
SEP_DATAGRAM = b"\xf0VXD"

NLMSG_ERROR, NLMSG_DONE = 2, 3
RTM_NEWLINK = 16
GENL_ID_CTRL = 16
NLM_F_MULTI, NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x2, 0x100, 0x200
NLA_F_NESTED = 0x8000

IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK = 1, 3, 4, 5
IFLA_OPERSTATE, IFLA_LINKINFO = 16, 18
IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES = 31, 32
IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE = 40, 41
IFLA_MIN_MTU, IFLA_MAX_MTU = 50, 51
IFLA_GRO_MAX_SIZE, IFLA_TSO_MAX_SIZE, IFLA_TSO_MAX_SEGS = 58, 59, 60
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_VXLAN_ID, IFLA_VXLAN_GROUP, IFLA_VXLAN_LINK, IFLA_VXLAN_PORT = 1, 2, 3, 15


def align4(n):
    return (n + 3) & ~3


def attr(t, payload):
    hdr = struct.pack("=HH", 4 + len(payload), t)
    return hdr + payload + b"\0" * (align4(len(payload)) - len(payload))


def u8(t, v):
    return attr(t, struct.pack("=B", v))


def u16(t, v):
    return attr(t, struct.pack("=H", v))


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def be16(t, v):
    return attr(t, struct.pack(">H", v))


def strz(t, s):
    return attr(t, s.encode() + b"\0")


def nest(t, *attrs):
    return attr(t | NLA_F_NESTED, b"".join(attrs))


def msg(mtype, flags, payload):
    # seq and port id are rewritten by the replay transport
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, 0, 0) + payload + \
        b"\0" * (align4(len(payload)) - len(payload))


def newlink(index, name, kind=None, data=b"", parent=0, flags=0x11043, multi=False):
    ifi = struct.pack("=BBHiII", 0, 0, 1, index, flags, 0)
    attrs = [strz(IFLA_IFNAME, name), u32(IFLA_MTU, 1500), u32(IFLA_MIN_MTU, 68),
             u32(IFLA_MAX_MTU, 65535), u32(IFLA_NUM_TX_QUEUES, 4), u32(IFLA_NUM_RX_QUEUES, 4),
             u32(IFLA_GSO_MAX_SIZE, 65536), u32(IFLA_GSO_MAX_SEGS, 65535),
             u32(IFLA_GRO_MAX_SIZE, 65536), u32(IFLA_TSO_MAX_SIZE, 524280),
             u32(IFLA_TSO_MAX_SEGS, 65535), u8(IFLA_OPERSTATE, 6),
             attr(IFLA_ADDRESS, bytes([2, 0, 0, 0, 0, index & 0xff]))]
    if parent:
        attrs.append(u32(IFLA_LINK, parent))
    if kind:
        inner = [strz(IFLA_INFO_KIND, kind)]
        if data:
            inner.append(nest(IFLA_INFO_DATA, data))
        attrs.append(nest(IFLA_LINKINFO, *inner))
    return msg(RTM_NEWLINK, NLM_F_MULTI if multi else 0, ifi + b"".join(attrs))


def vxlan_data(vni=42, link=3, port=4789):
    return u32(IFLA_VXLAN_ID, vni) + u32(IFLA_VXLAN_LINK, link) + \
        attr(IFLA_VXLAN_GROUP, bytes([198, 18, 0, 2])) + be16(IFLA_VXLAN_PORT, port)


def ack(err=0, text=None, offs=None):
    flags = NLM_F_CAPPED
    tlvs = b""
    if text is not None:
        tlvs += strz(1, text)
    if offs is not None:
        tlvs += u32(2, offs)
    if tlvs:
        flags |= NLM_F_ACK_TLVS
    echoed = struct.pack("=IHHII", 32, RTM_NEWLINK, 5, 0, 0)
    return msg(NLMSG_ERROR, flags, struct.pack("=i", err) + echoed + tlvs)


def done(err=0):
    return msg(NLMSG_DONE, NLM_F_MULTI, struct.pack("=i", err))


def genl_family(name="ethtool", fid=20, ops=(1, 2, 3, 12, 14, 16, 20, 22, 38)):
    opattrs = [nest(i + 1, u32(1, op), u32(2, 0x1e)) for i, op in enumerate(ops)]
    payload = struct.pack("=BBH", 1, 2, 0) + u16(1, fid) + strz(2, name) + nest(6, *opattrs)
    return msg(GENL_ID_CTRL, 0, payload)


def fuzz_input(op, items, ioctl, sections):
    out = bytes([op]) + struct.pack("<H", items) + ioctl
    for datagrams in sections:
        out += SEP_SECTION + SEP_DATAGRAM.join(datagrams)
    return out


def drvinfo():
    # struct ethtool_drvinfo after its cmd word: driver, version, fw, bus, erom, reserved, counts
    f = [b"virtio_net", b"1.0.0", b"", b"0000:00:03.0", b""]
    body = b"".join(s.ljust(32, b"\0") for s in f) + b"\0" * 12 + struct.pack("=5I", 0, 0, 0, 0, 0)
    return b"\x00" + body


def write(outdir, name, data):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def reply_seeds(outdir):
    vx = newlink(2, "eth0", "vxlan", vxlan_data())
    under = newlink(3, "ens3", "veth", parent=4)
    dump = [newlink(1, "lo", multi=True) + newlink(2, "eth0", "vxlan", vxlan_data(), multi=True) +
            newlink(3, "ens3", "veth", parent=4, multi=True), done()]
    write(outdir, "device-vxlan", fuzz_input(0, 0, b"", [[vx, ack()], [under, ack()],
                                                         [newlink(2, "eth0", "vxlan", vxlan_data(),
                                                                  multi=True), done()]]))
    write(outdir, "device-ifindex", fuzz_input(1, 0, drvinfo(), [[under + ack()]]))
    write(outdir, "all", fuzz_input(2, 0, drvinfo(), [dump]))
    write(outdir, "device-then-all", fuzz_input(3, 0, b"", [[vx, ack()], dump]))
    write(outdir, "enodev-extack", fuzz_input(0, 0, b"", [[ack(-19, "no such device", 20)]]))
    write(outdir, "items-link-only", fuzz_input(8 | 4, 1, b"", [[vx + ack()]]))
    write(outdir, "genl-family", fuzz_input(3, 0, drvinfo(), [[vx, ack()], [genl_family(), ack()],
                                                              dump]))
    write(outdir, "dump-error", fuzz_input(2, 0, b"", [[done(-95)]]))
    write(outdir, "ack-warning", fuzz_input(0, 0, b"", [[vx, ack(0, "attribute ignored")]]))


def cpulist_seeds(outdir):
    cases = ["0-3,8,10-20:2", "ff,00000001", "0", "", " 1 , 2 ", "00000000,00000000",
             "1-2:3", "0-4095", "fffffffF", "1-2:18446744073709551615"]
    for i, s in enumerate(cases):
        write(outdir, "seed-%02d" % i, b"\xff\x00" + s.encode())


def nlrec_seeds(outdir, files):
    """Each exchange of a recording becomes a section; each request of the fuzzed calls gets
    the next one, so a recording of the same call sequence replays as it was recorded."""
    for path in files:
        sections, ioctl = [], b""
        with open(path) as f:
            for line in f:
                w = line.split()
                if not w or w[0].startswith("#"):
                    continue
                if w[0] == "req":
                    sections.append([])
                elif w[0] == "rep" and sections:
                    sections[-1].append(bytes.fromhex(w[2] if len(w) > 2 else ""))
                elif w[0] == "ioctl" and not ioctl and len(w) > 3:
                    data = bytes.fromhex(w[3])
                    ioctl = bytes([(-int(w[2])) & 0xff]) + data[4:]
        base = os.path.splitext(os.path.basename(path))[0]
        for op in range(4):
            write(outdir, "%s-op%d" % (base, op), fuzz_input(op, 0, ioctl, sections))


def main(argv):
    if len(argv) >= 3 and argv[1] == "reply":
        reply_seeds(argv[2])
    elif len(argv) >= 3 and argv[1] == "cpulist":
        cpulist_seeds(argv[2])
    elif len(argv) >= 3 and argv[1] == "nlrec":
        nlrec_seeds(argv[2], argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
