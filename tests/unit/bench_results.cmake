# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Bench results, statistics and comparisons (lib/bench/result.c, json.c, stats.c, compare.c):
# hand-built results, no network.
# test_bench_stats: stats.c alone, compiled in (the statistics need nothing else of bench).
vxoff_unit_test(test_bench_stats ${PROJECT_SOURCE_DIR}/lib/bench/stats.c)
target_link_libraries(test_bench_stats PRIVATE PkgConfig::VXOFF_JSONC m)
