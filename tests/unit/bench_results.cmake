# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Bench results, statistics and comparisons (lib/bench/result.c, json.c, stats.c, compare.c):
# hand-built results, no network.
# test_bench_stats: stats.c alone, compiled in (the statistics need nothing else of bench).
vxoff_unit_test(test_bench_stats ${PROJECT_SOURCE_DIR}/lib/bench/stats.c)
target_link_libraries(test_bench_stats PRIVATE PkgConfig::VXOFF_JSONC m)

# test_bench_result: result.c, json.c, stats.c and compare.c compiled in; the runs and servers
# of a comparison are fakes (--wrap), so it links before and without the data path.
vxoff_unit_test(test_bench_result ${PROJECT_SOURCE_DIR}/lib/bench/result.c
		${PROJECT_SOURCE_DIR}/lib/bench/json.c ${PROJECT_SOURCE_DIR}/lib/bench/stats.c
		${PROJECT_SOURCE_DIR}/lib/bench/compare.c)
target_link_libraries(test_bench_result PRIVATE PkgConfig::VXOFF_JSONC m Threads::Threads)
target_link_options(test_bench_result PRIVATE
		    "LINKER:--wrap=vxoff_bench_run,--wrap=vxoff_bench_server_new"
		    "LINKER:--wrap=vxoff_bench_server_run,--wrap=vxoff_bench_server_stop"
		    "LINKER:--wrap=vxoff_bench_server_stats,--wrap=vxoff_bench_server_free")
