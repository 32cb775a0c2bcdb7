/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-admin import: brings TOTP tokens (and google-authenticator scratch
 * codes) over from the tools sites used before, so users need not enroll
 * again. Each format has its own file; this one only reads the command
 * line. */
#include <string.h>

#include "admin.h"

#define IMPORT_USAGE "usage: import oath FILE | import google-authenticator USER FILE"

int admin_cmd_import(struct admin_ctx *ctx, int argc, char **argv)
{
	struct admin_args args;
	int rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, 0, &args)) != SSPR_EXIT_OK)
		return rc;
	if (args.npos == 0)
		return admin_usage_error("import: " IMPORT_USAGE);
	if (strcmp(args.pos[0], "oath") == 0) {
		if (args.npos != 2)
			return admin_usage_error("import: usage: import oath FILE");
		return admin_import_oath(ctx, args.pos[1]);
	}
	if (strcmp(args.pos[0], "google-authenticator") == 0) {
		if (args.npos != 3)
			return admin_usage_error(
			    "import: usage: import google-authenticator USER FILE");
		return admin_import_ga(ctx, args.pos[1], args.pos[2]);
	}
	return admin_usage_error("import: unknown format; " IMPORT_USAGE);
}
