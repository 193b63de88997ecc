# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# bench: the control protocol's codec and framing, and the /proc/stat accounting.
vxoff_unit_test(test_bench_proto)
target_link_libraries(test_bench_proto PRIVATE vxoff_lab vxoff_search vxoff_tune vxoff_bench vxoff_tunnel
		      vxoff_probe vxoff_netlink PkgConfig::VXOFF_JSONC m)
vxoff_unit_test(test_bench_cpu)
target_link_libraries(test_bench_cpu PRIVATE vxoff_lab vxoff_search vxoff_tune vxoff_bench vxoff_tunnel
		      vxoff_probe vxoff_netlink PkgConfig::VXOFF_JSONC m)
target_compile_definitions(test_bench_cpu PRIVATE
			   VXOFF_PROCSTAT_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures/procstat")
