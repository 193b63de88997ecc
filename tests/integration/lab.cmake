# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Lab capability (helper LB): vxoff lab end to end as root (bad input, a --quick run with its
# report checked by xmllint and rendered by headless Chromium, SIGTERM at random points of 20
# CLI runs). zlib, when present, decodes the screenshot to tell a blank one.
add_executable(integ_lab test_lab.c)
target_link_libraries(integ_lab PRIVATE vxoff vxoff_nstest PkgConfig::VXOFF_JSONC m)
find_package(ZLIB QUIET)
if(ZLIB_FOUND)
  target_compile_definitions(integ_lab PRIVATE LAB_HAVE_ZLIB)
  target_link_libraries(integ_lab PRIVATE ZLIB::ZLIB)
endif()
add_test(NAME integration.lab COMMAND integ_lab)
set_tests_properties(integration.lab PROPERTIES LABELS integration SKIP_RETURN_CODE 77
		     TIMEOUT 900 RUN_SERIAL TRUE)
if(TARGET vxoff_cli)
  set_tests_properties(integration.lab PROPERTIES
    ENVIRONMENT "VXOFF_CLI=$<TARGET_FILE:vxoff_cli>")
endif()
