/* SPDX-License-Identifier: BSD-2-Clause */
/* Options and positionals after the sub-command. Flags may come before or
 * after the positionals; "--" ends the options. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

static const struct {
	const char *name;
	unsigned flag;
} admin_flags[] = {
    {"--json", ADMIN_F_JSON},	    {"--secret-stdin", ADMIN_F_SECRET_STDIN},
    {"--print", ADMIN_F_PRINT},	    {"--stdin", ADMIN_F_STDIN},
    {"--fleet", ADMIN_F_FLEET},	    {"--replace", ADMIN_F_REPLACE},
    {"--prepare", ADMIN_F_PREPARE}, {"--finish", ADMIN_F_FINISH},
    {"--dry-run", ADMIN_F_DRY_RUN},
};

/* Options that take a value: "--since DAYS" or "--since=DAYS". */
static const struct {
	const char *name;
	unsigned flag;
	size_t offset; /* of the value's pointer in struct admin_args */
} admin_value_options[] = {
    {"--since", ADMIN_F_SINCE, offsetof(struct admin_args, since)},
    {"--to", ADMIN_F_TO, offsetof(struct admin_args, to)},
    {"--ttl", ADMIN_F_TTL, offsetof(struct admin_args, ttl)},
    {"--uses", ADMIN_F_USES, offsetof(struct admin_args, uses)},
};

/* Returns 1 when a value option consumed argv[*i] (and maybe the next
 * argument), 0 when argv[*i] is not one, or an exit code (negated) after a
 * usage error. */
static int value_option(const char *cmd, int argc, char **argv, int *i, unsigned allowed,
			struct admin_args *out)
{
	const char *a = argv[*i];

	for (size_t k = 0; k < sizeof(admin_value_options) / sizeof(admin_value_options[0]); k++) {
		const char *name = admin_value_options[k].name;
		size_t n = strlen(name);
		const char **value = (const char **)((char *)out + admin_value_options[k].offset);

		if ((allowed & admin_value_options[k].flag) == 0 || strncmp(a, name, n) != 0 ||
		    (a[n] != '\0' && a[n] != '='))
			continue;
		if (a[n] == '=') {
			*value = a + n + 1;
		} else {
			if (*i + 1 >= argc)
				return -admin_usage_error("%s: %s needs a value", cmd, name);
			*value = argv[++*i];
		}
		out->flags |= admin_value_options[k].flag;
		return 1;
	}
	return 0;
}

static unsigned flag_by_name(const char *arg)
{
	for (size_t i = 0; i < sizeof(admin_flags) / sizeof(admin_flags[0]); i++) {
		if (strcmp(arg, admin_flags[i].name) == 0)
			return admin_flags[i].flag;
	}
	return 0;
}

int admin_parse_args(const char *cmd, int argc, char **argv, unsigned allowed,
		     struct admin_args *out)
{
	bool options_done = false;

	memset(out, 0, sizeof(*out));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!options_done && strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (!options_done && a[0] == '-' && a[1] != '\0') {
			unsigned flag = flag_by_name(a);
			char name[CLI_QUOTE_MAX + 1];
			char shown[CLI_QUOTE_MAX + 4];
			size_t keep = strcspn(a, "=");
			int v = value_option(cmd, argc, argv, &i, allowed, out);

			if (v < 0)
				return -v;
			if (v > 0)
				continue;
			if (flag != 0 && (allowed & flag) != 0) {
				out->flags |= flag;
				continue;
			}
			/* Never show what follows '=': "--secret=..." must not
			 * put a secret on the terminal or in a log. */
			if (keep > CLI_QUOTE_MAX)
				keep = CLI_QUOTE_MAX;
			memcpy(name, a, keep);
			name[keep] = '\0';
			cli_quote_arg(name, shown, sizeof(shown));
			return admin_usage_error("%s: unknown option '%s'", cmd, shown);
		}
		if (out->npos == ADMIN_POS_MAX)
			return admin_usage_error("%s: too many arguments", cmd);
		out->pos[out->npos++] = a;
	}
	return SSPR_EXIT_OK;
}

/* A decimal number 1..max, or "WHAT 'S': NAME must be 1..MAX". */
static int parse_count(const char *what, const char *name, const char *s, unsigned max,
		       unsigned *out)
{
	char shown[CLI_QUOTE_MAX + 4];
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9' || (v = strtoul(s, &end, 10), *end != '\0') || v < 1 ||
	    v > max)
		return admin_usage_error("%s '%s': %s must be 1..%u", what,
					 cli_quote_arg(s, shown, sizeof(shown)), name, max);
	*out = (unsigned)v;
	return SSPR_EXIT_OK;
}

int admin_parse_days(const char *what, const char *s, unsigned max, unsigned *days)
{
	return parse_count(what, "DAYS", s, max, days);
}

int admin_parse_count(const char *what, const char *s, unsigned max, unsigned *n)
{
	return parse_count(what, "N", s, max, n);
}

int admin_parse_duration(const char *what, const char *s, unsigned min, unsigned max,
			 unsigned *seconds)
{
	static const struct {
		char unit;
		unsigned long scale;
	} units[] = {{'\0', 1}, {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char shown[CLI_QUOTE_MAX + 4];
	unsigned long v = 0;
	char *end = NULL;

	if (s[0] >= '0' && s[0] <= '9' && (v = strtoul(s, &end, 10), end[0] == '\0' || end[1] == '\0')) {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (end[0] != units[i].unit || v > max / units[i].scale)
				continue;
			v *= units[i].scale;
			if (v >= min && v <= max) {
				*seconds = (unsigned)v;
				return SSPR_EXIT_OK;
			}
		}
	}
	return admin_usage_error("%s '%s': give a duration of %u s to %u d, such as 30m, 1h "
				 "or 2d",
				 what, cli_quote_arg(s, shown, sizeof(shown)), min, max / 86400);
}
