/* SPDX-License-Identifier: BSD-2-Clause */
/* The module in two parts. pam_sspr.so, the front, is what libpam loads for
 * every login: it parses the arguments, asks the password prompt, and in
 * the account hook reads the policy and looks the user up. It links libpam
 * and libc only. Everything else (the reset dialog, the store, the crypto,
 * the reminders that need the user's record) is the engine,
 * SSPR_PLUGIN_DIR/SSPR_ENGINE_FILE, loaded with plugin.h's checks only when
 * a reset starts or an eligible user's record must be read: the password
 * prompt, and the account hook of a user the policy does not cover, map
 * no libsodium, liboath or LMDB (BENCHMARKS.md, "What an ordinary login
 * pays"). The engine exports this one table, checked
 * against the front's build before use. */
#ifndef SSPR_ENGINE_H
#define SSPR_ENGINE_H

#include <stddef.h>

#include <security/pam_modules.h>

#include "eligibility.h"
#include "options.h"
#include "policy.h"

#define SSPR_ENGINE_FILE "pam_sspr_engine.so"
#define SSPR_ENGINE_SYMBOL "sspr_engine"
#define SSPR_ENGINE_ABI 2

struct sspr_engine {
	unsigned abi;        /* SSPR_ENGINE_ABI of the build it came from */
	const char *version; /* SSPR_VERSION of that build */
	size_t policy_size;  /* sizeof(struct sspr_policy) there */
	size_t options_size; /* sizeof(struct sspr_options) there */
	/* The reset dialog (reset.c), from the auth hook. */
	int (*reset)(pam_handle_t *pamh, int flags, const struct sspr_options *opts);
	/* The account hook's reminders and requirement (reminder.c) for an
	 * eligible user, with the policy the front has read and the rule it
	 * found for the user. */
	int (*account)(pam_handle_t *pamh, int flags, const struct sspr_options *opts,
		       const struct sspr_policy *pol, const struct sspr_rule *rule,
		       const char *user);
};

/* The front's loader (engine_load.c): the engine, or NULL after logging
 * why. Loaded once per process and kept. */
const struct sspr_engine *sspr_engine_get(pam_handle_t *pamh);

#endif
