# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# ---- tune knobs on veth (tests/integration/test_tune_veth.c): owned by helper TI ----
# Every supported knob written, read back and restored on a veth pair in throwaway namespaces;
# the unsupported ones refused. Public API only (the shared library). Short, not a measurement.
add_executable(integ_tune_veth test_tune_veth.c)
target_link_libraries(integ_tune_veth PRIVATE vxoff vxoff_nstest PkgConfig::CMOCKA
		      PkgConfig::VXOFF_JSONC)
add_test(NAME integration.tune_veth COMMAND integ_tune_veth)
set_tests_properties(integration.tune_veth PROPERTIES
  LABELS integration
  SKIP_RETURN_CODE 77
  TIMEOUT 120)
