# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Tune capability, apply and restore (helper TP): as root on a veth pair with VXLAN in
# throwaway namespaces, through the shared library and through the vxoff binary.
add_executable(integ_tune_apply test_tune_apply.c)
target_link_libraries(integ_tune_apply PRIVATE vxoff vxoff_nstest PkgConfig::CMOCKA
		      PkgConfig::VXOFF_JSONC)
add_test(NAME integration.tune_apply COMMAND integ_tune_apply)
set_tests_properties(integration.tune_apply PROPERTIES LABELS integration SKIP_RETURN_CODE 77
		     TIMEOUT 180 RUN_SERIAL TRUE)
if(TARGET vxoff_cli)
  set_tests_properties(integration.tune_apply PROPERTIES
		       ENVIRONMENT "VXOFF_CLI=$<TARGET_FILE:vxoff_cli>")
endif()
