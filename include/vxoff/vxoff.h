/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* vxoff/vxoff.h - umbrella header: everything libvxoff offers. */
#ifndef VXOFF_VXOFF_H
#define VXOFF_VXOFF_H

#include <vxoff/version.h>
#include <vxoff/common.h>
#include <vxoff/probe.h>
#include <vxoff/tunnel.h>
#include <vxoff/bench.h>
#include <vxoff/tune.h>
#include <vxoff/lab.h>
#include <vxoff/search.h>

#endif /* VXOFF_VXOFF_H */
