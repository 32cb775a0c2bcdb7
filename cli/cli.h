/* SPDX-License-Identifier: BSD-2-Clause */
/* The layer the two tools share (sspr-admin, sspr-enroll): exit codes,
 * messages, JSON, times and method lists, each in one file. Built as an
 * internal static library (cli/meson.build); it depends on libsspr only. */
#ifndef SSPR_CLI_H
#define SSPR_CLI_H

#include "exit.h"
#include "format.h"
#include "json.h"
#include "report.h"

#endif
