/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The layout of every public struct, frozen (abi-and-style.md 3), LP64. Appending a field adds
 * its AT() line and moves the struct's NO_PAD() to it; no other line is ever edited: a moved
 * field or new padding is an ABI break. tests/abi/check_layout.py fails when a public struct,
 * field or *_SZ_0_1 constant has no line here.
 */
#include <stddef.h>
#include <stdio.h>

#include <vxoff/vxoff.h>

#if defined(__LP64__)

#define END(T, m) (offsetof(struct T, m) + sizeof(((struct T *)0)->m))
#define AT(T, m, off) _Static_assert(offsetof(struct T, m) == (off), #T "." #m " moved")
#define NO_PAD(T, m) _Static_assert(sizeof(struct T) == END(T, m), #T ": padding")

AT(vxoff_ctx_opts, sz, 0);
AT(vxoff_ctx_opts, flags, 4);
AT(vxoff_ctx_opts, netns, 8);
AT(vxoff_ctx_opts, netns_fd, 16);
AT(vxoff_ctx_opts, reserved0, 20);
AT(vxoff_ctx_opts, sysfs_root, 24);
AT(vxoff_ctx_opts, procfs_root, 32);
NO_PAD(vxoff_ctx_opts, procfs_root);
_Static_assert(VXOFF_CTX_OPTS_SZ_0_1 == 40u, "0.1 size");
_Static_assert(VXOFF_CTX_OPTS_SZ_0_1 == END(vxoff_ctx_opts, procfs_root), "0.1 size");

AT(vxoff_error, sz, 0);
AT(vxoff_error, err, 4);
AT(vxoff_error, reason, 8);
AT(vxoff_error, nl_attr_offset, 12);
AT(vxoff_error, nl_attr_type, 16);
AT(vxoff_error, reserved0, 20);
AT(vxoff_error, msg, 24);
AT(vxoff_error, kernel_msg, 32);
NO_PAD(vxoff_error, kernel_msg);

AT(vxoff_warning, sz, 0);
AT(vxoff_warning, code, 4);
AT(vxoff_warning, requested, 8);
AT(vxoff_warning, applied, 16);
AT(vxoff_warning, what, 24);
AT(vxoff_warning, msg, 32);
NO_PAD(vxoff_warning, msg);

AT(vxoff_probe_opts, sz, 0);
AT(vxoff_probe_opts, flags, 4);
AT(vxoff_probe_opts, items, 8);
AT(vxoff_probe_opts, reserved0, 12);
NO_PAD(vxoff_probe_opts, reserved0);
_Static_assert(VXOFF_PROBE_OPTS_SZ_0_1 == 16u, "0.1 size");
_Static_assert(VXOFF_PROBE_OPTS_SZ_0_1 == END(vxoff_probe_opts, reserved0), "0.1 size");

AT(vxoff_item_status, sz, 0);
AT(vxoff_item_status, cap, 4);
AT(vxoff_item_status, err, 8);
AT(vxoff_item_status, reserved0, 12);
AT(vxoff_item_status, msg, 16);
NO_PAD(vxoff_item_status, msg);

AT(vxoff_link_info, sz, 0);
AT(vxoff_link_info, present, 4);
AT(vxoff_link_info, ifindex, 8);
AT(vxoff_link_info, parent_ifindex, 12);
AT(vxoff_link_info, underlay_ifindex, 16);
AT(vxoff_link_info, master_ifindex, 20);
AT(vxoff_link_info, link_netnsid, 24);
AT(vxoff_link_info, flags, 28);
AT(vxoff_link_info, operstate, 32);
AT(vxoff_link_info, arptype, 36);
AT(vxoff_link_info, mtu, 40);
AT(vxoff_link_info, min_mtu, 44);
AT(vxoff_link_info, max_mtu, 48);
AT(vxoff_link_info, gso_max_size, 52);
AT(vxoff_link_info, gso_max_segs, 56);
AT(vxoff_link_info, gro_max_size, 60);
AT(vxoff_link_info, gso_ipv4_max_size, 64);
AT(vxoff_link_info, gro_ipv4_max_size, 68);
AT(vxoff_link_info, tso_max_size, 72);
AT(vxoff_link_info, tso_max_segs, 76);
AT(vxoff_link_info, num_tx_queues, 80);
AT(vxoff_link_info, num_rx_queues, 84);
AT(vxoff_link_info, vxlan_vni, 88);
AT(vxoff_link_info, vxlan_port, 92);
AT(vxoff_link_info, vxlan_family, 96);
AT(vxoff_link_info, reserved0, 100);
AT(vxoff_link_info, ifname, 104);
AT(vxoff_link_info, kind, 112);
AT(vxoff_link_info, address, 120);
AT(vxoff_link_info, driver, 128);
AT(vxoff_link_info, bus_info, 136);
AT(vxoff_link_info, fw_version, 144);
NO_PAD(vxoff_link_info, fw_version);

AT(vxoff_feature, sz, 0);
AT(vxoff_feature, flags, 4);
AT(vxoff_feature, name, 8);
NO_PAD(vxoff_feature, name);

AT(vxoff_channels, sz, 0);
AT(vxoff_channels, present, 4);
AT(vxoff_channels, rx_max, 8);
AT(vxoff_channels, tx_max, 12);
AT(vxoff_channels, other_max, 16);
AT(vxoff_channels, combined_max, 20);
AT(vxoff_channels, rx_count, 24);
AT(vxoff_channels, tx_count, 28);
AT(vxoff_channels, other_count, 32);
AT(vxoff_channels, combined_count, 36);
NO_PAD(vxoff_channels, combined_count);

AT(vxoff_rings, sz, 0);
AT(vxoff_rings, present, 4);
AT(vxoff_rings, rx_max, 8);
AT(vxoff_rings, rx_mini_max, 12);
AT(vxoff_rings, rx_jumbo_max, 16);
AT(vxoff_rings, tx_max, 20);
AT(vxoff_rings, rx, 24);
AT(vxoff_rings, rx_mini, 28);
AT(vxoff_rings, rx_jumbo, 32);
AT(vxoff_rings, tx, 36);
AT(vxoff_rings, rx_buf_len, 40);
AT(vxoff_rings, tcp_data_split, 44);
AT(vxoff_rings, cqe_size, 48);
AT(vxoff_rings, tx_push, 52);
AT(vxoff_rings, rx_push, 56);
AT(vxoff_rings, tx_push_buf_len, 60);
AT(vxoff_rings, tx_push_buf_len_max, 64);
AT(vxoff_rings, hds_thresh, 68);
AT(vxoff_rings, hds_thresh_max, 72);
AT(vxoff_rings, reserved0, 76);
NO_PAD(vxoff_rings, reserved0);

AT(vxoff_rss, sz, 0);
AT(vxoff_rss, present, 4);
AT(vxoff_rss, hfunc, 8);
AT(vxoff_rss, input_xfrm, 12);
AT(vxoff_rss, indir_size, 16);
AT(vxoff_rss, key_size, 20);
AT(vxoff_rss, udp4_fields, 24);
AT(vxoff_rss, udp6_fields, 28);
AT(vxoff_rss, tcp4_fields, 32);
AT(vxoff_rss, tcp6_fields, 36);
AT(vxoff_rss, hfunc_name, 40);
NO_PAD(vxoff_rss, hfunc_name);

AT(vxoff_tunnel_table, sz, 0);
AT(vxoff_tunnel_table, size, 4);
AT(vxoff_tunnel_table, types, 8);
AT(vxoff_tunnel_table, port_count, 12);
NO_PAD(vxoff_tunnel_table, port_count);

AT(vxoff_tunnel_port, sz, 0);
AT(vxoff_tunnel_port, table, 4);
AT(vxoff_tunnel_port, port, 8);
AT(vxoff_tunnel_port, type, 12);
NO_PAD(vxoff_tunnel_port, type);

AT(vxoff_queue_info, sz, 0);
AT(vxoff_queue_info, type, 4);
AT(vxoff_queue_info, id, 8);
AT(vxoff_queue_info, present, 12);
AT(vxoff_queue_info, napi_id, 16);
AT(vxoff_queue_info, irq, 20);
AT(vxoff_queue_info, napi_pid, 24);
AT(vxoff_queue_info, defer_hard_irqs, 28);
AT(vxoff_queue_info, gro_flush_timeout_ns, 32);
AT(vxoff_queue_info, rps_flow_cnt, 40);
AT(vxoff_queue_info, reserved0, 44);
AT(vxoff_queue_info, rps_cpus, 48);
AT(vxoff_queue_info, xps_cpus, 56);
AT(vxoff_queue_info, xps_rxqs, 64);
NO_PAD(vxoff_queue_info, xps_rxqs);

AT(vxoff_napi_info, sz, 0);
AT(vxoff_napi_info, threaded, 4);
AT(vxoff_napi_info, gro_flush_timeout_ns, 8);
AT(vxoff_napi_info, napi_defer_hard_irqs, 16);
AT(vxoff_napi_info, present, 20);
NO_PAD(vxoff_napi_info, present);

AT(vxoff_vxlan_verdict, sz, 0);
AT(vxoff_vxlan_verdict, verdict, 4);
AT(vxoff_vxlan_verdict, reason_count, 8);
AT(vxoff_vxlan_verdict, checked_ifindex, 12);
NO_PAD(vxoff_vxlan_verdict, checked_ifindex);

AT(vxoff_vxlan_reason, sz, 0);
AT(vxoff_vxlan_reason, code, 4);
AT(vxoff_vxlan_reason, severity, 8);
AT(vxoff_vxlan_reason, reserved0, 12);
AT(vxoff_vxlan_reason, name, 16);
AT(vxoff_vxlan_reason, text, 24);
NO_PAD(vxoff_vxlan_reason, text);

AT(vxoff_fdb_entry, sz, 0);
AT(vxoff_fdb_entry, flags, 4);
AT(vxoff_fdb_entry, mac, 8);
AT(vxoff_fdb_entry, reserved0, 14);
AT(vxoff_fdb_entry, dst_family, 16);
AT(vxoff_fdb_entry, dst, 20);
AT(vxoff_fdb_entry, vni, 36);
AT(vxoff_fdb_entry, port, 40);
AT(vxoff_fdb_entry, ifindex, 44);
AT(vxoff_fdb_entry, src_vni, 48);
AT(vxoff_fdb_entry, reserved1, 52);
NO_PAD(vxoff_fdb_entry, reserved1);

AT(vxoff_tunnel_addr, sz, 0);
AT(vxoff_tunnel_addr, family, 4);
AT(vxoff_tunnel_addr, addr, 8);
AT(vxoff_tunnel_addr, prefixlen, 24);
AT(vxoff_tunnel_addr, reserved0, 28);
NO_PAD(vxoff_tunnel_addr, reserved0);

AT(vxoff_tunnel_opts, sz, 0);
AT(vxoff_tunnel_opts, flags, 4);
AT(vxoff_tunnel_opts, set, 8);
AT(vxoff_tunnel_opts, on, 16);
AT(vxoff_tunnel_opts, vni, 24);
AT(vxoff_tunnel_opts, port, 28);
AT(vxoff_tunnel_opts, srcport_min, 32);
AT(vxoff_tunnel_opts, srcport_max, 36);
AT(vxoff_tunnel_opts, ttl, 40);
AT(vxoff_tunnel_opts, tos, 44);
AT(vxoff_tunnel_opts, df, 48);
AT(vxoff_tunnel_opts, label, 52);
AT(vxoff_tunnel_opts, label_policy, 56);
AT(vxoff_tunnel_opts, ageing, 60);
AT(vxoff_tunnel_opts, maxaddr, 64);
AT(vxoff_tunnel_opts, mtu, 68);
AT(vxoff_tunnel_opts, underlay_ifindex, 72);
AT(vxoff_tunnel_opts, local_family, 76);
AT(vxoff_tunnel_opts, local, 80);
AT(vxoff_tunnel_opts, remote_family, 96);
AT(vxoff_tunnel_opts, group_family, 100);
AT(vxoff_tunnel_opts, remote, 104);
AT(vxoff_tunnel_opts, group, 120);
AT(vxoff_tunnel_opts, reserved_bits, 136);
AT(vxoff_tunnel_opts, mac, 144);
AT(vxoff_tunnel_opts, reserved0, 150);
AT(vxoff_tunnel_opts, target_netns_fd, 152);
AT(vxoff_tunnel_opts, fdb_count, 156);
AT(vxoff_tunnel_opts, underlay, 160);
AT(vxoff_tunnel_opts, target_netns, 168);
AT(vxoff_tunnel_opts, fdb, 176);
AT(vxoff_tunnel_opts, addrs, 184);
AT(vxoff_tunnel_opts, fdb_entry_sz, 192);
AT(vxoff_tunnel_opts, addr_count, 196);
AT(vxoff_tunnel_opts, addr_entry_sz, 200);
AT(vxoff_tunnel_opts, reserved1, 204);
NO_PAD(vxoff_tunnel_opts, reserved1);

AT(vxoff_tunnel_info, sz, 0);
AT(vxoff_tunnel_info, ifindex, 4);
AT(vxoff_tunnel_info, mtu, 8);
AT(vxoff_tunnel_info, flags, 12);
AT(vxoff_tunnel_info, unknown_attrs, 16);
AT(vxoff_tunnel_info, reserved0, 20);
AT(vxoff_tunnel_info, name, 24);
AT(vxoff_tunnel_info, mac, 32);
NO_PAD(vxoff_tunnel_info, mac);
_Static_assert(VXOFF_FDB_ENTRY_SZ_0_1 == 56u, "0.1 size");
_Static_assert(VXOFF_FDB_ENTRY_SZ_0_1 == END(vxoff_fdb_entry, reserved1), "0.1 size");
_Static_assert(VXOFF_TUNNEL_ADDR_SZ_0_1 == 32u, "0.1 size");
_Static_assert(VXOFF_TUNNEL_ADDR_SZ_0_1 == END(vxoff_tunnel_addr, reserved0), "0.1 size");
_Static_assert(VXOFF_TUNNEL_OPTS_SZ_0_1 == 208u, "0.1 size");
_Static_assert(VXOFF_TUNNEL_OPTS_SZ_0_1 == END(vxoff_tunnel_opts, reserved1), "0.1 size");

int main(void)
{
	puts("layout ok: 20 public structs as frozen");
	return 0;
}

#else

int main(void)
{
	puts("layout frozen for LP64 only: skipped");
	return 77;
}

#endif
