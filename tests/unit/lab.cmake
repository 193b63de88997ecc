# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Lab capability (helper LB): the report (JSON, SVG chart, HTML page) from synthetic figures.
vxoff_unit_test(test_lab_report)
target_link_libraries(test_lab_report PRIVATE vxoff_lab vxoff_search vxoff_tune vxoff_bench vxoff_tunnel
		      vxoff_probe vxoff_netlink PkgConfig::VXOFF_JSONC m)
