# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# vxoff bench through the command line (tests/integration/test_bench_cli.c): server, client,
# compare and bad input over veth and VXLAN-over-veth in throwaway namespaces. It measures
# throughput: RUN_SERIAL.
if(TARGET vxoff_cli)
  add_executable(test_bench_cli test_bench_cli.c)
  target_link_libraries(test_bench_cli PRIVATE vxoff vxoff_nstest PkgConfig::CMOCKA m)
  add_test(NAME integration.bench_cli COMMAND test_bench_cli)
  set(_bench_cli_env "VXOFF_CLI=$<TARGET_FILE:vxoff_cli>")
  if(TARGET example_bench)
    list(APPEND _bench_cli_env "VXOFF_EXAMPLE_BENCH=$<TARGET_FILE:example_bench>")
  endif()
  set_tests_properties(integration.bench_cli PROPERTIES
    ENVIRONMENT "${_bench_cli_env}"
    LABELS integration SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 180)
endif()
