/* SPDX-License-Identifier: BSD-2-Clause */
/* Module arguments (config=, debug, trigger=, quiet), parsed once per call
 * into a struct that the rest of the module reads by const pointer. */
#ifndef SSPR_OPTIONS_H
#define SSPR_OPTIONS_H

#include <stdbool.h>

#include <security/pam_modules.h>

enum sspr_trigger {
	SSPR_TRIGGER_EMPTY = 0, /* an empty password starts the reset */
	SSPR_TRIGGER_OFFER,     /* after a failed password: "Forgot your password?" */
};

struct sspr_options {
	const char *config; /* points into argv or at the default path */
	bool config_explicit;
	bool debug;
	bool quiet;
	enum sspr_trigger trigger;
};

/* Unknown or malformed arguments are logged and ignored, so a typo in a
 * PAM file never locks anyone out. */
void sspr_options_parse(pam_handle_t *pamh, int argc, const char **argv,
			struct sspr_options *opts);

#endif
