#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The module's front is what every login maps: it may need libpam and libc
# and nothing else (no libsodium, liboath or LMDB: those come with the
# engine, loaded only for a reset or a record; pam_sspr/engine.h), and it
# exports the three PAM hooks alone. The engine exports its one table.
# Usage: check_front.sh FRONT.so ENGINE.so
set -euo pipefail
front=$1 engine=$2
failed=0
say() { echo "$1 - $2"; [ "$1" = ok ] || failed=1; }

needed=$(readelf -d "$front" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
if [ "$needed" = "libc.so.6 libpam.so.0 " ]; then
	say ok "$(basename "$front") needs libc and libpam only"
else
	say "not ok" "$(basename "$front") needs: $needed"
fi
exports=$(nm -D --defined-only "$front" | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$exports" = "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_setcred " ]; then
	say ok "$(basename "$front") exports the three hooks only"
else
	say "not ok" "$(basename "$front") exports: $exports"
fi
exports=$(nm -D --defined-only "$engine" | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$exports" = "sspr_engine " ]; then
	say ok "$(basename "$engine") exports only sspr_engine"
else
	say "not ok" "$(basename "$engine") exports: $exports"
fi
if readelf -d "$engine" | grep -q 'NEEDED.*libsodium'; then
	say ok "$(basename "$engine") brings libsodium (so the front need not)"
else
	say "not ok" "$(basename "$engine") does not link libsodium: check the split"
fi
exit "$failed"
