/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * CPU lists and masks both ways (expected values computed by hand), and the topology and
 * device NUMA node read from fake trees of 4, 64 and 256 CPUs on 2 NUMA nodes.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "faketree.h"
#include "tune/tune_internal.h"

static void expect_mask(const char *list, const char *mask)
{
	char *out = NULL;
	int r = vxoff_cpulist_to_mask(list, &out);

	if (r != 0)
		fail_msg("cpulist_to_mask('%s') = %d", list, r);
	if (strcmp(out, mask))
		fail_msg("cpulist_to_mask('%s') = '%s', expected '%s'", list, out, mask);
	vxoff_free(out);
}

static void expect_list(const char *mask, const char *list)
{
	char *out = NULL;
	int r = vxoff_mask_to_cpulist(mask, &out);

	if (r != 0)
		fail_msg("mask_to_cpulist('%s') = %d", mask, r);
	if (strcmp(out, list))
		fail_msg("mask_to_cpulist('%s') = '%s', expected '%s'", mask, out, list);
	vxoff_free(out);
}

static void expect_norm(const char *in, const char *want)
{
	char *out = NULL;
	int r = vxoff_cpulist_normalize(in, &out);

	if (r != 0)
		fail_msg("normalize('%s') = %d", in, r);
	if (strcmp(out, want))
		fail_msg("normalize('%s') = '%s', expected '%s'", in, out, want);
	vxoff_free(out);
}

static void test_list_to_mask(void **state)
{
	char *out = NULL;

	(void)state;
	expect_mask("0,32-39", "ff,00000001");
	expect_mask("", "0");
	expect_mask("0-3", "f");
	expect_mask(" 0, 2-3\n", "d");
	expect_mask("31", "80000000");
	expect_mask("32", "1,00000000");
	expect_mask("63", "80000000,00000000");
	expect_mask("64", "1,00000000,00000000");
	expect_mask("0-15:2", "5555");	 /* every second CPU */
	expect_mask("1-15:4", "2222");	 /* 1,5,9,13 */
	expect_mask("0-15:2/4", "3333"); /* bitmap_parselist: 2 of every group of 4 */
	/* the kernel's own example: 0,1,256,257,512,513,768,769 */
	expect_mask("0-1023:2/256",
		    "3,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000003,"
		    "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000003,"
		    "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000003");
	expect_mask("0-255", "ffffffff,ffffffff,ffffffff,ffffffff,ffffffff,ffffffff,ffffffff,"
			     "ffffffff");
	/* the highest CPU accepted: 2048 groups, the top one first */
	assert_int_equal(vxoff_cpulist_to_mask("65535", &out), 0);
	assert_int_equal(strlen(out), 8 + 2047 * 9);
	assert_memory_equal(out, "80000000,00000000", 17);
	vxoff_free(out);
}

static void test_list_to_mask_bad(void **state)
{
	char *out = (char *)"untouched";

	(void)state;
	assert_int_equal(vxoff_cpulist_to_mask("65536", &out), -ERANGE);
	assert_int_equal(vxoff_cpulist_to_mask("3-1", &out), -EINVAL);
	assert_int_equal(vxoff_cpulist_to_mask("a", &out), -EINVAL);
	assert_int_equal(vxoff_cpulist_to_mask("1,", &out), -EINVAL);
	assert_int_equal(vxoff_cpulist_to_mask("0-7:0", &out), -EINVAL);
	assert_int_equal(vxoff_cpulist_to_mask("0-7:3/2", &out), -EINVAL);
	assert_int_equal(vxoff_cpulist_to_mask(NULL, &out), -EINVAL);
	assert_string_equal(out, "untouched");
}

static void test_mask_to_list(void **state)
{
	char *out = (char *)"untouched";

	(void)state;
	expect_list("ff,00000001", "0,32-39");
	expect_list("0x3", "0-1");
	expect_list("00000000,00000000\n", "");
	expect_list("0", "");
	expect_list("1,1", "0,32");
	expect_list("ffffffffff", "0-39"); /* one long number, no groups */
	expect_list("80000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001",
		    "0,255");
	expect_list("c", "2-3");
	assert_int_equal(vxoff_mask_to_cpulist("zz", &out), -EINVAL);
	assert_int_equal(vxoff_mask_to_cpulist(",1", &out), -EINVAL);
	assert_int_equal(vxoff_mask_to_cpulist("1,,2", &out), -EINVAL);
	assert_int_equal(vxoff_mask_to_cpulist("123456789,0", &out), -EINVAL);
	assert_int_equal(vxoff_mask_to_cpulist("", &out), -EINVAL);
	assert_string_equal(out, "untouched");
}

static void test_normalize(void **state)
{
	(void)state;
	expect_norm("3,0-1,2", "0-3");
	/* the set_irq_affinity_cpulist.sh bugs: single CPUs mixed with ranges */
	expect_norm("5,0-1", "0-1,5");
	expect_norm("0,2-3", "0,2-3");
	expect_norm("7,7,7", "7");
	expect_norm("", "");
	expect_norm("0-63:3", "0,3,6,9,12,15,18,21,24,27,30,33,36,39,42,45,48,51,54,57,60,63");
	expect_norm("30-34", "30-34");
	expect_norm("62-66", "62-66");
}

/* Random sets of 256 CPUs: list written by the test, mask by the library and back. */
static void test_roundtrip_256(void **state)
{
	(void)state;
	srand(4242);
	for (int round = 0; round < 200; round++) {
		bool set[256];
		char list[2048] = "", hex[80] = "", *mask = NULL, *back = NULL;
		size_t len = 0;

		for (int c = 0; c < 256; c++)
			set[c] = rand() % 3 == 0;
		for (int c = 0; c < 256; c++)
			if (set[c])
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d",
							len ? "," : "", c);
		/* the mask by hand: 8 groups, the top one without leading zeros */
		{
			size_t hl = 0;
			int top = -1;

			for (int g = 7; g >= 0 && top < 0; g--)
				for (int b = 0; b < 32; b++)
					if (set[g * 32 + b])
						top = g;
			for (int g = top; g >= 0; g--) {
				unsigned w = 0;

				for (int b = 0; b < 32; b++)
					w |= (unsigned)set[g * 32 + b] << b;
				hl += (size_t)snprintf(hex + hl, sizeof(hex) - hl,
						       g == top ? "%x" : ",%08x", w);
			}
			if (top < 0)
				strcpy(hex, "0");
		}
		assert_int_equal(vxoff_cpulist_to_mask(list, &mask), 0);
		assert_string_equal(mask, hex);
		assert_int_equal(vxoff_mask_to_cpulist(mask, &back), 0);
		/* back is canonical (ranges): compare as sets */
		assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RPS_CPUS, back, list));
		vxoff_free(mask);
		vxoff_free(back);
	}
}

static void check_topo(uint32_t ncpus, const char *node0, const char *node1)
{
	struct faketree *ft = ft_new(ncpus, 2);
	struct vxoff_ctx *ctx = ft_ctx(ft);
	struct vxoff_topology *topo = NULL;
	const char *nodes = NULL;
	char all[32], *s;
	VXOFF_OUT(vxoff_cpu_info, ci);

	snprintf(all, sizeof(all), "0-%u", ncpus - 1);
	assert_int_equal(vxoff_topology_read(ctx, &topo), 0);
	assert_int_equal(vxoff_topology_cpu_count(topo), ncpus);
	assert_string_equal(vxoff_topology_online(topo), all);
	assert_int_equal(vxoff_topology_node_cpus(topo, 0, &nodes), 0);
	assert_string_equal(nodes, node0);
	assert_int_equal(vxoff_topology_node_cpus(topo, 1, &nodes), 0);
	assert_string_equal(nodes, node1);
	assert_int_equal(vxoff_topology_node_cpus(topo, 2, &nodes), -ENOENT);
	assert_int_equal(vxoff_topology_cpu(topo, ncpus - 1, &ci), 0);
	assert_int_equal(ci.cpu, ncpus - 1);
	assert_int_equal(ci.online, 1);
	assert_int_equal(ci.node, 1);
	assert_int_equal(ci.package, 1);
	assert_int_equal(ci.core, (int32_t)((ncpus - 1) % (ncpus / 2)));
	assert_int_equal(vxoff_topology_cpu(topo, ncpus, &ci), -ERANGE);
	assert_int_equal(vxoff__cpus_check(ctx, topo, node1, "--app-cpus"), 0);
	vxoff_topology_free(topo);

	/* the last CPU goes offline */
	snprintf(all, sizeof(all), "0-%u", ncpus - 2);
	ft_write(ft, "sys/devices/system/cpu/online", all);
	assert_int_equal(vxoff_topology_read(ctx, &topo), 0);
	assert_int_equal(vxoff_topology_cpu(topo, ncpus - 1, &ci), 0);
	assert_int_equal(ci.online, 0);
	assert_string_equal(vxoff_topology_online(topo), all);
	snprintf(all, sizeof(all), "0,%u", ncpus - 1);
	assert_int_equal(vxoff__cpus_check(ctx, topo, all, "--app-cpus"), -EINVAL);
	s = strstr(tu_last_error(ctx).msg, "CPU ");
	assert_non_null(s);
	snprintf(all, sizeof(all), "CPU %u ", ncpus - 1);
	assert_non_null(strstr(tu_last_error(ctx).msg, all));
	assert_non_null(strstr(tu_last_error(ctx).msg, "offline"));
	snprintf(all, sizeof(all), "1,%u", ncpus + 44);
	assert_int_equal(vxoff__cpus_check(ctx, topo, all, "--app-cpus"), -EINVAL);
	snprintf(all, sizeof(all), "CPU %u ", ncpus + 44);
	assert_non_null(strstr(tu_last_error(ctx).msg, all));
	assert_non_null(strstr(tu_last_error(ctx).msg, "out of range"));
	assert_int_equal(vxoff__cpus_check(ctx, topo, "0-", "--app-cpus"), -EINVAL);
	vxoff_topology_free(topo);
	vxoff_ctx_free(ctx);
	ft_free(ft);
}

static void test_topology_4(void **state)
{
	(void)state;
	check_topo(4, "0-1", "2-3");
}

static void test_topology_64(void **state)
{
	(void)state;
	check_topo(64, "0-31", "32-63");
}

static void test_topology_256(void **state)
{
	(void)state;
	check_topo(256, "0-127", "128-255");
}

static void test_topology_malformed(void **state)
{
	struct faketree *ft = ft_new(4, 2);
	struct vxoff_ctx *ctx = ft_ctx(ft);
	struct vxoff_topology *topo = NULL;

	(void)state;
	ft_write(ft, "sys/devices/system/node/node1/cpulist", "2-x");
	assert_int_equal(vxoff_topology_read(ctx, &topo), -EPROTO);
	assert_non_null(strstr(tu_last_error(ctx).msg, "node1/cpulist"));
	assert_null(topo);
	ft_remove(ft, "sys/devices/system/cpu/possible");
	assert_int_equal(vxoff_topology_read(ctx, &topo), -ENOENT);
	vxoff_ctx_free(ctx);
	ft_free(ft);
}

static void test_device_numa(void **state)
{
	struct faketree *ft = ft_new(64, 2);
	struct vxoff_ctx *ctx = ft_ctx(ft);
	struct ft_dev nic = {.name = "eth1",
			     .ifindex = 3,
			     .rx_queues = 4,
			     .tx_queues = 4,
			     .numa_node = 1,
			     .first_irq = 40};
	int32_t node = 7;

	(void)state;
	ft_add_dev(ft, &nic);
	assert_int_equal(vxoff_device_numa_node(ctx, "eth1", &node), 0);
	assert_int_equal(node, 1);
	ft_write(ft, "sys/class/net/eth1/device/numa_node", "-1");
	assert_int_equal(vxoff_device_numa_node(ctx, "eth1", &node), 0);
	assert_int_equal(node, -1);
	ft_write(ft, "sys/class/net/eth1/device/numa_node", "0");
	assert_int_equal(vxoff_device_numa_node(ctx, "eth1", &node), 0);
	assert_int_equal(node, 0);
	/* a virtual device has no device/ link */
	ft_remove(ft, "sys/class/net/eth1/device/numa_node");
	node = 7;
	assert_int_equal(vxoff_device_numa_node(ctx, "eth1", &node), 0);
	assert_int_equal(node, -1);
	assert_int_equal(vxoff_device_numa_node(ctx, "nosuch0", &node), -ENODEV);
	assert_non_null(strstr(tu_last_error(ctx).msg, "nosuch0"));
	assert_int_equal(vxoff_device_numa_node(ctx, "../x", &node), -EINVAL);
	vxoff_ctx_free(ctx);
	ft_free(ft);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_to_mask),
		cmocka_unit_test(test_list_to_mask_bad),
		cmocka_unit_test(test_mask_to_list),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_roundtrip_256),
		cmocka_unit_test(test_topology_4),
		cmocka_unit_test(test_topology_64),
		cmocka_unit_test(test_topology_256),
		cmocka_unit_test(test_topology_malformed),
		cmocka_unit_test(test_device_numa),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
