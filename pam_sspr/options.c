/* SPDX-License-Identifier: BSD-2-Clause */
/* Parsing of the module arguments. */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "config.h"
#include "options.h"

void sspr_options_parse(pam_handle_t *pamh, int argc, const char **argv,
			struct sspr_options *opts)
{
	*opts = (struct sspr_options){
		.config = SSPR_DEFAULT_CONFIG,
		.trigger = SSPR_TRIGGER_EMPTY,
	};
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "debug") == 0) {
			opts->debug = true;
		} else if (strcmp(arg, "quiet") == 0) {
			opts->quiet = true;
		} else if (strncmp(arg, "config=", 7) == 0 && arg[7] == '/') {
			opts->config = arg + 7;
			opts->config_explicit = true;
		} else if (strcmp(arg, "trigger=empty") == 0) {
			opts->trigger = SSPR_TRIGGER_EMPTY;
		} else if (strcmp(arg, "trigger=offer") == 0) {
			opts->trigger = SSPR_TRIGGER_OFFER;
		} else {
			pam_syslog(pamh, LOG_ERR, "unknown or malformed option ignored: %.64s",
				   arg);
		}
	}
}
