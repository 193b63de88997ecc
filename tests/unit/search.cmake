# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Search capability (lib/search): the decision rule on recorded series, hand-checked. rule.c
# and the statistics it builds on (lib/bench/stats.c) compiled in: no network, no knobs.
vxoff_unit_test(test_search_rule ${PROJECT_SOURCE_DIR}/lib/search/rule.c
		${PROJECT_SOURCE_DIR}/lib/bench/stats.c)
target_link_libraries(test_search_rule PRIVATE PkgConfig::VXOFF_JSONC m)
