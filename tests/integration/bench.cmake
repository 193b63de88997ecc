# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# ---- bench (tests/integration/test_bench.c): owned by the bench capability ----
# Throughput runs: serial (they measure CPU), public API only (the shared library).
add_executable(integ_bench test_bench.c)
target_link_libraries(integ_bench PRIVATE vxoff vxoff_nstest PkgConfig::CMOCKA
		      PkgConfig::VXOFF_JSONC Threads::Threads)
add_test(NAME integration.bench COMMAND integ_bench)
set_tests_properties(integration.bench PROPERTIES
  LABELS integration
  SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE
  TIMEOUT 120)
