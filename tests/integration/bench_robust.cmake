# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# The bench server under abuse (tests/integration/test_bench_robust.c): malformed and oversized
# messages, stalled handshakes, 1000 connects, 80 mid-test disconnects, a busy server; public
# API only, in a throwaway namespace. It runs short tests: RUN_SERIAL.
add_executable(test_bench_robust test_bench_robust.c)
target_link_libraries(test_bench_robust PRIVATE vxoff vxoff_nstest PkgConfig::CMOCKA
		      Threads::Threads)
add_test(NAME integration.bench_robust COMMAND test_bench_robust)
set_tests_properties(integration.bench_robust PROPERTIES
  LABELS integration SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 180)
