# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Search capability (lib/search): short measured searches as root on throwaway veth + VXLAN
# namespaces (restore exactness, re-applied plans, the no-tunnel-offload + jumbo MTU gain).
# Serial: it measures throughput. VXOFF_SEARCH_LOG_DIR=DIR keeps both trial logs as JSON.
add_executable(integ_search test_search.c)
target_link_libraries(integ_search PRIVATE vxoff vxoff_nstest PkgConfig::VXOFF_JSONC
		      Threads::Threads m)
add_test(NAME integration.search COMMAND integ_search)
set_tests_properties(integration.search PROPERTIES
  LABELS integration
  SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE
  TIMEOUT 400)
