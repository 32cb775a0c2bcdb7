/* SPDX-License-Identifier: BSD-2-Clause */
/* The reminder cache: one small file per registered user in
 * lock_dir/reminders, named HASH-USER (HASH: of ldap_base), root's and
 * 0700 like lock_dir (nobody else can plant or read an entry), holding
 * "1 METHODS CONFIRMED_AT READ_AT\n". On the default tmpfs
 * lock_dir each entry holds one page of memory until it is removed or the
 * host restarts; entries older than ldap_reminder_cache are removed when
 * read. An entry can only spare a registered user a directory read: it
 * never reminds or refuses anyone. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "method.h"
#include "reminder_cache.h"
#include "safefile.h"
#include "util.h"

#define CACHE_SUBDIR "reminders"
#define ENTRY_MAX 96 /* bytes: "1 15 " and two 64-bit times, with room */

static bool entry_path(const struct sspr_policy *pol, const char *user, char *buf, size_t size)
{
	if (pol->store_backend != SSPR_BACKEND_LDAP || pol->ldap_reminder_cache == 0 ||
	    pol->lock_dir[0] == '\0' || !sspr_user_name_valid(user))
		return false;
	/* Named for the store too: two policies on one host may name two
	 * directories, and hosts naming other servers of one store share. */
	return (size_t)snprintf(buf, size, "%s/" CACHE_SUBDIR "/%016llx-%s", pol->lock_dir,
				(unsigned long long)sspr_name_hash(pol->ldap_base), user) < size;
}

/* One plain decimal number (digits only, at most max) followed by the
 * separator sep; *p moves past both. */
static bool take_number(const char **p, char sep, uint64_t max, uint64_t *out)
{
	const char *q = *p;
	uint64_t v = 0;

	if (*q < '0' || *q > '9')
		return false;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (v > (max - (uint64_t)(*q - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	if (*q != sep)
		return false;
	*p = q + 1;
	*out = v;
	return true;
}

/* The entry's summary and when it was read; false for anything but one
 * well-formed line. */
static bool parse_entry(const char *text, struct sspr_registration_summary *sum,
			int64_t *read_at)
{
	uint64_t version, methods, confirmed, when;
	const char *p = text;

	if (!take_number(&p, ' ', 1, &version) || version != 1 ||
	    !take_number(&p, ' ', SSPR_METHOD_ALL, &methods) ||
	    !take_number(&p, ' ', INT64_MAX, &confirmed) ||
	    !take_number(&p, '\n', INT64_MAX, &when) || *p != '\0' || when == 0)
		return false;
	sum->methods = (unsigned)methods;
	sum->confirmed_at = (int64_t)confirmed;
	*read_at = (int64_t)when;
	return true;
}

bool sspr_reminder_cache_get(const struct sspr_policy *pol, const struct sspr_rule *rule,
			     const char *user, int64_t now, struct sspr_registration_summary *sum)
{
	struct sspr_error err = {{0}};
	char path[SSPR_PATH_MAX + 64], *text = NULL;
	size_t len = 0;
	int64_t read_at = 0;
	bool fresh;

	if (!entry_path(pol, user, path, sizeof(path)) ||
	    sspr_file_read(path, ENTRY_MAX, SSPR_FILE_OPTIONAL, &text, &len, &err) != SSPR_OK)
		return false;
	/* Read at a time to come (the clock stepped back) counts as old. */
	fresh = parse_entry(text, sum, &read_at) && read_at <= now &&
		now - read_at < (int64_t)pol->ldap_reminder_cache;
	sspr_file_free(text, len);
	if (!fresh) {
		(void)unlink(path);
		return false;
	}
	/* Kept only for registered users; under a policy changed since, it
	 * may say otherwise: then the directory decides. */
	return sspr_summary_complete(rule, sum);
}

void sspr_reminder_cache_put(const struct sspr_policy *pol, const struct sspr_rule *rule,
			     const char *user, int64_t now,
			     const struct sspr_registration_summary *sum)
{
	struct sspr_error err = {{0}};
	char path[SSPR_PATH_MAX + 64], dir[SSPR_PATH_MAX + 64], text[ENTRY_MAX];
	int n;

	if (!entry_path(pol, user, path, sizeof(path)))
		return;
	if (sum == NULL || !sspr_summary_complete(rule, sum)) {
		(void)unlink(path);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/" CACHE_SUBDIR, pol->lock_dir);
	if ((mkdir(pol->lock_dir, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return;
	n = snprintf(text, sizeof(text), "1 %u %" PRId64 " %" PRId64 "\n", sum->methods,
		     sum->confirmed_at, now);
	if (n > 0 && (size_t)n < sizeof(text))
		(void)sspr_file_write_atomic(path, text, (size_t)n, 0600, 1, &err);
}
