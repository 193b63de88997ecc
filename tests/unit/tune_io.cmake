# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Tune capability, reading and writing knobs (helper TI): topology, cpulists and masks, knob
# writes read back on a fake sysfs/procfs tree (faketree.c, shared with the plan tests).
set(_tune_io_libs vxoff_tune vxoff_probe vxoff_netlink PkgConfig::VXOFF_JSONC m)

vxoff_unit_test(test_tune_topology faketree.c)
target_link_libraries(test_tune_topology PRIVATE ${_tune_io_libs})

# write(2) wrapped so that faketree can play a kernel that adjusts what it was given; the netlink
# request, genl family and ethtool ioctl wrapped for a small fake kernel of the netlink knobs
vxoff_unit_test(test_tune_knob faketree.c)
target_link_libraries(test_tune_knob PRIVATE ${_tune_io_libs})
target_link_options(test_tune_knob PRIVATE "LINKER:--wrap=write"
		    "LINKER:--wrap=vxoff__nl_request" "LINKER:--wrap=vxoff__genl_family"
		    "LINKER:--wrap=vxoff__ethtool_ioctl")
