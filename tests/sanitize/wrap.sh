#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# meson test --wrapper for the sanitize suite: puts no_deepbind.so ahead of
# whatever the test preloads (pam_wrapper), then runs the test.
# usage: wrap.sh SHIM TEST [ARGS...]
shim=$1
shift
export LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}"
exec "$@"
