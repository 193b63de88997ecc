# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Search capability (lib/search): the decision rule on recorded series, hand-checked. rule.c
# and the statistics it builds on (lib/bench/stats.c) compiled in: no network, no knobs.
vxoff_unit_test(test_search_rule ${PROJECT_SOURCE_DIR}/lib/search/rule.c
		${PROJECT_SOURCE_DIR}/lib/bench/stats.c)
target_link_libraries(test_search_rule PRIVATE PkgConfig::VXOFF_JSONC m)

# The search loop on an in-memory knob store (vxoff_tune_read/_apply/_restore and the state
# and topology getters wrapped) with a fake bench (its functions defined by the test, instead
# of lib/bench); the real tune plans.
vxoff_unit_test(test_search_loop ${PROJECT_SOURCE_DIR}/lib/bench/stats.c)
target_link_libraries(test_search_loop PRIVATE vxoff_search vxoff_tune vxoff_probe vxoff_netlink
		      PkgConfig::VXOFF_JSONC Threads::Threads m)
target_link_options(test_search_loop PRIVATE
		    "LINKER:--wrap=vxoff_tune_read,--wrap=vxoff_tune_state_count"
		    "LINKER:--wrap=vxoff_tune_state_get,--wrap=vxoff_tune_state_free"
		    "LINKER:--wrap=vxoff_tune_apply,--wrap=vxoff_tune_restore"
		    "LINKER:--wrap=vxoff_topology_read,--wrap=vxoff_topology_online"
		    "LINKER:--wrap=vxoff_topology_free")
