# SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause
# Tune capability, plans and the apply/restore transaction (helper TP): profiles, plan JSON,
# snapshot files and the write order, on fake trees with the knob I/O in an in-memory store
# (--wrap of the readers and writers, which live in other object files).
vxoff_unit_test(test_tune_plan faketree.c)
target_link_libraries(test_tune_plan PRIVATE vxoff_tune vxoff_probe vxoff_netlink
		      PkgConfig::VXOFF_JSONC m)
target_link_options(test_tune_plan PRIVATE
		    "LINKER:--wrap=vxoff__knob_read,--wrap=vxoff__knob_write"
		    "LINKER:--wrap=vxoff__queue_irq,--wrap=vxoff__tune_read_dev")

# Apply, rollback and restore through the real readers and writers on fake trees; fault
# injection and the SIGKILL test. --wrap=write lets the tree play a kernel that adjusts values.
vxoff_unit_test(test_tune_apply faketree.c)
target_link_libraries(test_tune_apply PRIVATE vxoff_tune vxoff_probe vxoff_netlink
		      PkgConfig::VXOFF_JSONC m)
target_link_options(test_tune_apply PRIVATE "LINKER:--wrap=write")
