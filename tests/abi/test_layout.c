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

AT(vxoff_bench_server_opts, sz, 0);
AT(vxoff_bench_server_opts, flags, 4);
AT(vxoff_bench_server_opts, bind, 8);
AT(vxoff_bench_server_opts, port, 16);
AT(vxoff_bench_server_opts, max_duration_s, 20);
AT(vxoff_bench_server_opts, log, 24);
AT(vxoff_bench_server_opts, log_user, 32);
AT(vxoff_bench_server_opts, log_level, 40);
AT(vxoff_bench_server_opts, reserved0, 44);
NO_PAD(vxoff_bench_server_opts, reserved0);

AT(vxoff_bench_server_stats, sz, 0);
AT(vxoff_bench_server_stats, reserved0, 4);
AT(vxoff_bench_server_stats, accepted, 8);
AT(vxoff_bench_server_stats, tests, 16);
AT(vxoff_bench_server_stats, rejected, 24);
AT(vxoff_bench_server_stats, protocol_errors, 32);
AT(vxoff_bench_server_stats, aborted, 40);
AT(vxoff_bench_server_stats, open_fds, 48);
AT(vxoff_bench_server_stats, port, 52);
NO_PAD(vxoff_bench_server_stats, port);

AT(vxoff_bench_opts, sz, 0);
AT(vxoff_bench_opts, flags, 4);
AT(vxoff_bench_opts, host, 8);
AT(vxoff_bench_opts, port, 16);
AT(vxoff_bench_opts, streams, 20);
AT(vxoff_bench_opts, duration_ms, 24);
AT(vxoff_bench_opts, omit_ms, 28);
AT(vxoff_bench_opts, interval_ms, 32);
AT(vxoff_bench_opts, len, 36);
AT(vxoff_bench_opts, rate_bps, 40);
AT(vxoff_bench_opts, sndbuf, 48);
AT(vxoff_bench_opts, rcvbuf, 52);
AT(vxoff_bench_opts, congestion, 56);
AT(vxoff_bench_opts, cpus, 64);
AT(vxoff_bench_opts, server_cpus, 72);
AT(vxoff_bench_opts, timeout_ms, 80);
AT(vxoff_bench_opts, reserved0, 84);
NO_PAD(vxoff_bench_opts, reserved0);

AT(vxoff_bench_summary, sz, 0);
AT(vxoff_bench_summary, flags, 4);
AT(vxoff_bench_summary, streams, 8);
AT(vxoff_bench_summary, intervals, 12);
AT(vxoff_bench_summary, duration_ns, 16);
AT(vxoff_bench_summary, omit_ns, 24);
AT(vxoff_bench_summary, bytes_sent, 32);
AT(vxoff_bench_summary, bytes_received, 40);
AT(vxoff_bench_summary, total_sent, 48);
AT(vxoff_bench_summary, total_received, 56);
AT(vxoff_bench_summary, throughput_bps, 64);
AT(vxoff_bench_summary, retransmits, 72);
AT(vxoff_bench_summary, udp_packets, 80);
AT(vxoff_bench_summary, udp_lost, 88);
AT(vxoff_bench_summary, udp_out_of_order, 96);
AT(vxoff_bench_summary, udp_jitter_ms, 104);
AT(vxoff_bench_summary, cycles_state, 112);
AT(vxoff_bench_summary, cycles_err, 116);
AT(vxoff_bench_summary, cycles_per_byte, 120);
AT(vxoff_bench_summary, congestion, 128);
AT(vxoff_bench_summary, server_congestion, 144);
NO_PAD(vxoff_bench_summary, server_congestion);

AT(vxoff_bench_cpu, sz, 0);
AT(vxoff_bench_cpu, end, 4);
AT(vxoff_bench_cpu, cpu, 8);
AT(vxoff_bench_cpu, ncpus, 12);
AT(vxoff_bench_cpu, user_us, 16);
AT(vxoff_bench_cpu, nice_us, 24);
AT(vxoff_bench_cpu, system_us, 32);
AT(vxoff_bench_cpu, irq_us, 40);
AT(vxoff_bench_cpu, softirq_us, 48);
AT(vxoff_bench_cpu, steal_us, 56);
AT(vxoff_bench_cpu, idle_us, 64);
AT(vxoff_bench_cpu, iowait_us, 72);
AT(vxoff_bench_cpu, busy_us, 80);
AT(vxoff_bench_cpu, proc_user_us, 88);
AT(vxoff_bench_cpu, proc_system_us, 96);
AT(vxoff_bench_cpu, busy_cpus, 104);
AT(vxoff_bench_cpu, cpu_s_per_gb, 112);
AT(vxoff_bench_cpu, hottest_cpu, 120);
AT(vxoff_bench_cpu, reserved0, 124);
AT(vxoff_bench_cpu, hottest_busy, 128);
NO_PAD(vxoff_bench_cpu, hottest_busy);

AT(vxoff_bench_stream, sz, 0);
AT(vxoff_bench_stream, id, 4);
AT(vxoff_bench_stream, client_cpu, 8);
AT(vxoff_bench_stream, server_cpu, 12);
AT(vxoff_bench_stream, bytes_sent, 16);
AT(vxoff_bench_stream, bytes_received, 24);
AT(vxoff_bench_stream, throughput_bps, 32);
AT(vxoff_bench_stream, tcp_info_state, 40);
AT(vxoff_bench_stream, rtt_us, 44);
AT(vxoff_bench_stream, rttvar_us, 48);
AT(vxoff_bench_stream, min_rtt_us, 52);
AT(vxoff_bench_stream, snd_cwnd, 56);
AT(vxoff_bench_stream, snd_mss, 60);
AT(vxoff_bench_stream, reordering, 64);
AT(vxoff_bench_stream, reord_seen, 68);
AT(vxoff_bench_stream, retransmits, 72);
AT(vxoff_bench_stream, bytes_retrans, 80);
AT(vxoff_bench_stream, delivery_rate_bps, 88);
AT(vxoff_bench_stream, pacing_rate_bps, 96);
AT(vxoff_bench_stream, busy_time_us, 104);
AT(vxoff_bench_stream, rwnd_limited_us, 112);
AT(vxoff_bench_stream, sndbuf_limited_us, 120);
AT(vxoff_bench_stream, udp_packets, 128);
AT(vxoff_bench_stream, udp_lost, 136);
AT(vxoff_bench_stream, udp_out_of_order, 144);
AT(vxoff_bench_stream, udp_duplicates, 152);
AT(vxoff_bench_stream, udp_jitter_ms, 160);
NO_PAD(vxoff_bench_stream, udp_jitter_ms);

AT(vxoff_bench_interval, sz, 0);
AT(vxoff_bench_interval, index, 4);
AT(vxoff_bench_interval, stream, 8);
AT(vxoff_bench_interval, omitted, 12);
AT(vxoff_bench_interval, start_ns, 16);
AT(vxoff_bench_interval, end_ns, 24);
AT(vxoff_bench_interval, bytes, 32);
AT(vxoff_bench_interval, throughput_bps, 40);
AT(vxoff_bench_interval, retransmits, 48);
AT(vxoff_bench_interval, rtt_us, 56);
AT(vxoff_bench_interval, snd_cwnd, 60);
AT(vxoff_bench_interval, client_busy_cpus, 64);
AT(vxoff_bench_interval, server_busy_cpus, 72);
NO_PAD(vxoff_bench_interval, server_busy_cpus);

AT(vxoff_stat, sz, 0);
AT(vxoff_stat, n, 4);
AT(vxoff_stat, method, 8);
AT(vxoff_stat, reserved0, 12);
AT(vxoff_stat, median, 16);
AT(vxoff_stat, min, 24);
AT(vxoff_stat, max, 32);
AT(vxoff_stat, mean, 40);
AT(vxoff_stat, stddev, 48);
AT(vxoff_stat, ci_low, 56);
AT(vxoff_stat, ci_high, 64);
NO_PAD(vxoff_stat, ci_high);

AT(vxoff_bench_path, sz, 0);
AT(vxoff_bench_path, flags, 4);
AT(vxoff_bench_path, name, 8);
AT(vxoff_bench_path, host, 16);
AT(vxoff_bench_path, client_netns, 24);
AT(vxoff_bench_path, server_netns, 32);
AT(vxoff_bench_path, port, 40);
AT(vxoff_bench_path, reserved0, 44);
NO_PAD(vxoff_bench_path, reserved0);

AT(vxoff_bench_compare_opts, sz, 0);
AT(vxoff_bench_compare_opts, flags, 4);
AT(vxoff_bench_compare_opts, test, 8);
AT(vxoff_bench_compare_opts, base, 16);
AT(vxoff_bench_compare_opts, cand, 24);
AT(vxoff_bench_compare_opts, pairs, 32);
AT(vxoff_bench_compare_opts, pause_ms, 36);
AT(vxoff_bench_compare_opts, seed, 40);
NO_PAD(vxoff_bench_compare_opts, seed);

AT(vxoff_knob, sz, 0);
AT(vxoff_knob, kind, 4);
AT(vxoff_knob, index, 8);
AT(vxoff_knob, flags, 12);
AT(vxoff_knob, dev, 16);
AT(vxoff_knob, key, 24);
AT(vxoff_knob, value, 32);
NO_PAD(vxoff_knob, value);

AT(vxoff_tune_plan_opts, sz, 0);
AT(vxoff_tune_plan_opts, flags, 4);
AT(vxoff_tune_plan_opts, profile, 8);
AT(vxoff_tune_plan_opts, underlay_mtu, 12);
AT(vxoff_tune_plan_opts, app_cpus, 16);
AT(vxoff_tune_plan_opts, overlay, 24);
NO_PAD(vxoff_tune_plan_opts, overlay);

AT(vxoff_plan_item, sz, 0);
AT(vxoff_plan_item, kind, 4);
AT(vxoff_plan_item, index, 8);
AT(vxoff_plan_item, flags, 12);
AT(vxoff_plan_item, dev, 16);
AT(vxoff_plan_item, key, 24);
AT(vxoff_plan_item, current, 32);
AT(vxoff_plan_item, target, 40);
AT(vxoff_plan_item, reason, 48);
AT(vxoff_plan_item, gain, 56);
NO_PAD(vxoff_plan_item, gain);

AT(vxoff_cpu_info, sz, 0);
AT(vxoff_cpu_info, cpu, 4);
AT(vxoff_cpu_info, online, 8);
AT(vxoff_cpu_info, node, 12);
AT(vxoff_cpu_info, core, 16);
AT(vxoff_cpu_info, package, 20);
NO_PAD(vxoff_cpu_info, package);

AT(vxoff_lab_opts, sz, 0);
AT(vxoff_lab_opts, flags, 4);
AT(vxoff_lab_opts, name, 8);
AT(vxoff_lab_opts, underlay, 16);
AT(vxoff_lab_opts, peer_ns, 24);
AT(vxoff_lab_opts, peer_addr, 32);
AT(vxoff_lab_opts, app_cpus, 40);
AT(vxoff_lab_opts, mtu, 48);
AT(vxoff_lab_opts, streams, 52);
AT(vxoff_lab_opts, pairs, 56);
AT(vxoff_lab_opts, duration_ms, 60);
AT(vxoff_lab_opts, omit_ms, 64);
AT(vxoff_lab_opts, profile, 68);
AT(vxoff_lab_opts, vni, 72);
AT(vxoff_lab_opts, port, 76);
AT(vxoff_lab_opts, tune, 80);
AT(vxoff_lab_opts, budget_s, 84);
NO_PAD(vxoff_lab_opts, budget_s);

AT(vxoff_lab_summary, sz, 0);
AT(vxoff_lab_summary, phases, 4);
AT(vxoff_lab_summary, verdict, 8);
AT(vxoff_lab_summary, reserved0, 12);
AT(vxoff_lab_summary, tput_ratio, 16);
AT(vxoff_lab_summary, tput_ratio_min, 32);
AT(vxoff_lab_summary, tput_ratio_max, 48);
AT(vxoff_lab_summary, cpu_client_ratio, 64);
AT(vxoff_lab_summary, cpu_client_ratio_min, 80);
AT(vxoff_lab_summary, cpu_client_ratio_max, 96);
AT(vxoff_lab_summary, cpu_server_ratio, 112);
AT(vxoff_lab_summary, cpu_server_ratio_min, 128);
AT(vxoff_lab_summary, cpu_server_ratio_max, 144);
NO_PAD(vxoff_lab_summary, cpu_server_ratio_max);

_Static_assert(VXOFF_BENCH_SERVER_OPTS_SZ_0_1 == 48u, "0.1 size");
_Static_assert(VXOFF_BENCH_SERVER_STATS_SZ_0_1 == 56u, "0.1 size");
_Static_assert(VXOFF_BENCH_OPTS_SZ_0_1 == 88u, "0.1 size");
_Static_assert(VXOFF_BENCH_SUMMARY_SZ_0_1 == 160u, "0.1 size");
_Static_assert(VXOFF_BENCH_CPU_SZ_0_1 == 136u, "0.1 size");
_Static_assert(VXOFF_BENCH_STREAM_SZ_0_1 == 168u, "0.1 size");
_Static_assert(VXOFF_BENCH_INTERVAL_SZ_0_1 == 80u, "0.1 size");
_Static_assert(VXOFF_STAT_SZ_0_1 == 72u, "0.1 size");
_Static_assert(VXOFF_BENCH_PATH_SZ_0_1 == 48u, "0.1 size");
_Static_assert(VXOFF_BENCH_COMPARE_OPTS_SZ_0_1 == 48u, "0.1 size");
_Static_assert(VXOFF_KNOB_SZ_0_1 == 40u, "0.1 size");
_Static_assert(VXOFF_TUNE_PLAN_OPTS_SZ_0_1 == 32u, "0.1 size");
_Static_assert(VXOFF_PLAN_ITEM_SZ_0_1 == 64u, "0.1 size");
_Static_assert(VXOFF_CPU_INFO_SZ_0_1 == 24u, "0.1 size");
_Static_assert(VXOFF_LAB_OPTS_SZ_0_1 == 88u, "0.1 size");
_Static_assert(VXOFF_LAB_SUMMARY_SZ_0_1 == 160u, "0.1 size");

/* search (lib/search) */
AT(vxoff_search_decision, sz, 0);
AT(vxoff_search_decision, keep, 4);
AT(vxoff_search_decision, why, 8);
AT(vxoff_search_decision, n, 12);
AT(vxoff_search_decision, ratio, 16);
AT(vxoff_search_decision, ci_low, 24);
AT(vxoff_search_decision, ci_high, 32);
AT(vxoff_search_decision, base_median, 40);
AT(vxoff_search_decision, cand_median, 48);
NO_PAD(vxoff_search_decision, cand_median);
AT(vxoff_search_trial, sz, 0);
AT(vxoff_search_trial, index, 4);
AT(vxoff_search_trial, outcome, 8);
AT(vxoff_search_trial, why, 12);
AT(vxoff_search_trial, pairs, 16);
AT(vxoff_search_trial, err, 20);
AT(vxoff_search_trial, name, 24);
AT(vxoff_search_trial, change, 32);
AT(vxoff_search_trial, message, 40);
AT(vxoff_search_trial, base_bps, 48);
AT(vxoff_search_trial, cand_bps, 56);
AT(vxoff_search_trial, base_cpu, 64);
AT(vxoff_search_trial, cand_cpu, 72);
AT(vxoff_search_trial, ratio, 80);
AT(vxoff_search_trial, ci_low, 88);
AT(vxoff_search_trial, ci_high, 96);
AT(vxoff_search_trial, expected, 104);
AT(vxoff_search_trial, last_arm, 112);
AT(vxoff_search_trial, reserved0, 116);
AT(vxoff_search_trial, last_bps, 120);
NO_PAD(vxoff_search_trial, last_bps);
AT(vxoff_search_opts, sz, 0);
AT(vxoff_search_opts, flags, 4);
AT(vxoff_search_opts, host, 8);
AT(vxoff_search_opts, port, 16);
AT(vxoff_search_opts, objective, 20);
AT(vxoff_search_opts, mix_weight, 24);
AT(vxoff_search_opts, dev, 32);
AT(vxoff_search_opts, overlay, 40);
AT(vxoff_search_opts, peer_dev, 48);
AT(vxoff_search_opts, peer_overlay, 56);
AT(vxoff_search_opts, budget_s, 64);
AT(vxoff_search_opts, pairs, 68);
AT(vxoff_search_opts, duration_ms, 72);
AT(vxoff_search_opts, omit_ms, 76);
AT(vxoff_search_opts, jumbo_mtu, 80);
AT(vxoff_search_opts, reserved0, 84);
AT(vxoff_search_opts, skip, 88);
AT(vxoff_search_opts, snapshot_dir, 96);
AT(vxoff_search_opts, progress, 104);
AT(vxoff_search_opts, progress_user, 112);
AT(vxoff_search_opts, seed, 120);
NO_PAD(vxoff_search_opts, seed);
_Static_assert(VXOFF_SEARCH_DECISION_SZ_0_1 == 56u, "0.1 size");
_Static_assert(VXOFF_SEARCH_TRIAL_SZ_0_1 == 128u, "0.1 size");
_Static_assert(VXOFF_SEARCH_OPTS_SZ_0_1 == 128u, "0.1 size");

int main(void)
{
	puts("layout ok: 39 public structs as frozen");
	return 0;
}

#else

int main(void)
{
	puts("layout frozen for LP64 only: skipped");
	return 77;
}

#endif
