/* sspr-admin list and show: read-only views of the store, as text for people
 * and --json for machines. Sealed secrets, answer hashes and code hashes are
 * never printed, in either form. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "lockout.h"
#include "record.h"
#include "util.h"

struct list_walk {
	int64_t now;
	bool json;
	struct admin_json j;
};

static const char *record_state(const struct sspr_record *rec, int64_t now)
{
	return sspr_lockout_active(rec, now) ? "locked" : "ok";
}

/* Text that came from a record goes to a terminal: control characters
 * become '?' so a crafted e-mail address cannot drive the terminal. */
static void print_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

static unsigned unused_recovery(const struct sspr_record *rec)
{
	unsigned n = 0;

	for (unsigned i = 0; i < rec->n_recovery && i < SSPR_RECOVERY_MAX; i++)
		n += !rec->recovery[i].used;
	return n;
}

static int list_one(const char *user, const struct sspr_record *rec, int decode_status, void *ctx)
{
	struct list_walk *w = ctx;
	char methods[ADMIN_METHODS_TEXT_MAX], date[ADMIN_TIME_MAX];
	bool corrupt = decode_status != SSPR_OK;

	/* Keys come from the store; one that is not a valid name was not
	 * written by us and is shown as corrupt rather than printed raw. */
	if (!sspr_user_name_valid(user)) {
		user = "(invalid name)";
		corrupt = true;
	}
	if (w->json) {
		admin_json_begin_object(&w->j);
		admin_json_key(&w->j, "user");
		admin_json_string(&w->j, user);
		admin_json_key(&w->j, "status");
		if (corrupt) {
			admin_json_string(&w->j, "corrupt");
		} else {
			admin_json_string(&w->j, record_state(rec, w->now));
			admin_json_key(&w->j, "methods");
			admin_json_methods(&w->j, sspr_record_methods(rec));
			admin_json_key(&w->j, "locked_until");
			admin_json_time(&w->j, rec->locked_until);
			admin_json_key(&w->j, "registered_at");
			admin_json_time(&w->j, rec->registered_at);
		}
		admin_json_end_object(&w->j);
	} else if (corrupt) {
		printf("%-16s %-30s %-7s %s\n", user, "-", "corrupt", "-");
	} else {
		printf("%-16s %-30s %-7s %s\n", user,
		       admin_methods_text(sspr_record_methods(rec), methods),
		       record_state(rec, w->now), admin_time_date(rec->registered_at, date));
	}
	return 0;
}

int admin_cmd_list(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct admin_args args;
	struct list_walk w;
	int r, rc;

	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_JSON, &args)) != ADMIN_EXIT_OK)
		return rc;
	if (args.npos != 0)
		return admin_usage_error("usage: list [--json]");
	memset(&w, 0, sizeof(w));
	w.now = sspr_now();
	w.json = (args.flags & ADMIN_F_JSON) != 0;
	admin_json_init(&w.j, stdout);

	if ((rc = admin_store_open(ctx, SSPR_STORE_READONLY, &st)) != ADMIN_EXIT_OK)
		goto out;
	if (w.json)
		admin_json_begin_array(&w.j);
	r = sspr_store_foreach_user(st, list_one, &w, &err);
	if (w.json) {
		/* Close the array even after an error, so a reader that
		 * ignores the exit code still gets well-formed JSON. */
		admin_json_end_array(&w.j);
		putchar('\n');
	}
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, ctx->pol.store);
		goto out;
	}
	rc = ADMIN_EXIT_OK;
out:
	sspr_store_close(st);
	return rc;
}

static void show_text(const char *user, const struct sspr_record *rec, int64_t now)
{
	char t[ADMIN_TIME_MAX], methods[ADMIN_METHODS_TEXT_MAX];

	printf("user:         %s\n", user);
	if (sspr_lockout_active(rec, now))
		printf("status:       locked until %s\n", admin_time_iso(rec->locked_until, t));
	else
		printf("status:       ok\n");
	printf("methods:      %s\n", admin_methods_text(sspr_record_methods(rec), methods));
	printf("registered:   %s\n", admin_time_iso(rec->registered_at, t));
	printf("confirmed:    %s\n", admin_time_iso(rec->confirmed_at, t));
	printf("failures:     %u", (unsigned)rec->n_failures);
	if (rec->n_failures > 0 && rec->n_failures <= SSPR_FAILURES_MAX)
		printf(" (last %s)", admin_time_iso(rec->failures[rec->n_failures - 1], t));
	printf("\nlocked until: %s\n", admin_time_iso(rec->locked_until, t));
	if (rec->has_totp)
		printf("totp:         enrolled %s, %u digits, %u s period, last step %llu\n",
		       admin_time_iso(rec->totp.enrolled_at, t), (unsigned)rec->totp.digits,
		       (unsigned)rec->totp.period, (unsigned long long)rec->totp.last_step);
	else
		printf("totp:         none\n");
	if (rec->n_questions > 0)
		printf("questions:    %u set\n", (unsigned)rec->n_questions);
	else
		printf("questions:    none\n");
	if (rec->has_email) {
		printf("email:        ");
		print_safe(rec->email.address);
		if (rec->email.verified)
			printf(" (verified %s)\n", admin_time_iso(rec->email.verified_at, t));
		else
			printf(" (not verified)\n");
	} else {
		printf("email:        none\n");
	}
	if (rec->n_recovery > 0)
		printf("recovery:     %u codes, %u unused\n", (unsigned)rec->n_recovery,
		       unused_recovery(rec));
	else
		printf("recovery:     none\n");
	if (rec->has_pending)
		printf("pending code: expires %s, %u tries\n",
		       admin_time_iso(rec->pending.expires_at, t), (unsigned)rec->pending.tries);
}

static void show_json(const char *user, const struct sspr_record *rec, int64_t now)
{
	struct admin_json j;

	admin_json_init(&j, stdout);
	admin_json_begin_object(&j);
	admin_json_key(&j, "user");
	admin_json_string(&j, user);
	admin_json_key(&j, "status");
	admin_json_string(&j, record_state(rec, now));
	admin_json_key(&j, "methods");
	admin_json_methods(&j, sspr_record_methods(rec));
	admin_json_key(&j, "registered_at");
	admin_json_time(&j, rec->registered_at);
	admin_json_key(&j, "confirmed_at");
	admin_json_time(&j, rec->confirmed_at);
	admin_json_key(&j, "failures");
	admin_json_uint(&j, rec->n_failures);
	admin_json_key(&j, "locked_until");
	admin_json_time(&j, rec->locked_until);

	admin_json_key(&j, "totp");
	if (rec->has_totp) {
		admin_json_begin_object(&j);
		admin_json_key(&j, "enrolled_at");
		admin_json_time(&j, rec->totp.enrolled_at);
		admin_json_key(&j, "digits");
		admin_json_uint(&j, rec->totp.digits);
		admin_json_key(&j, "period");
		admin_json_uint(&j, rec->totp.period);
		admin_json_key(&j, "last_step");
		admin_json_uint(&j, rec->totp.last_step);
		admin_json_end_object(&j);
	} else {
		admin_json_null(&j);
	}
	admin_json_key(&j, "questions");
	admin_json_uint(&j, rec->n_questions);

	admin_json_key(&j, "email");
	if (rec->has_email) {
		admin_json_begin_object(&j);
		admin_json_key(&j, "address");
		admin_json_string(&j, rec->email.address);
		admin_json_key(&j, "verified");
		admin_json_bool(&j, rec->email.verified);
		admin_json_key(&j, "verified_at");
		admin_json_time(&j, rec->email.verified_at);
		admin_json_end_object(&j);
	} else {
		admin_json_null(&j);
	}
	admin_json_key(&j, "recovery");
	admin_json_begin_object(&j);
	admin_json_key(&j, "total");
	admin_json_uint(&j, rec->n_recovery);
	admin_json_key(&j, "unused");
	admin_json_uint(&j, unused_recovery(rec));
	admin_json_end_object(&j);

	admin_json_key(&j, "pending_code");
	if (rec->has_pending) {
		admin_json_begin_object(&j);
		admin_json_key(&j, "expires_at");
		admin_json_time(&j, rec->pending.expires_at);
		admin_json_key(&j, "tries");
		admin_json_uint(&j, rec->pending.tries);
		admin_json_end_object(&j);
	} else {
		admin_json_null(&j);
	}
	admin_json_end_object(&j);
	putchar('\n');
}

int admin_cmd_show(struct admin_ctx *ctx, int argc, char **argv)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	struct sspr_record rec;
	struct admin_args args;
	const char *user;
	int r, rc;

	sspr_record_init(&rec);
	if ((rc = admin_parse_args(argv[0], argc, argv, ADMIN_F_JSON, &args)) != ADMIN_EXIT_OK)
		goto out;
	if (args.npos != 1) {
		rc = admin_usage_error("usage: show USER [--json]");
		goto out;
	}
	user = args.pos[0];
	if ((rc = admin_check_user_name(user)) != ADMIN_EXIT_OK)
		goto out;
	if ((rc = admin_store_open(ctx, SSPR_STORE_READONLY, &st)) != ADMIN_EXIT_OK)
		goto out;
	r = sspr_store_get(st, user, &rec, &err);
	if (r == SSPR_ENOENT) {
		rc = admin_error(r, "%s: not enrolled", user);
		goto out;
	}
	if (r == SSPR_ECORRUPT) {
		rc = admin_error(r, "%s: record is corrupt; '%s revoke %s' removes it", user,
				 ADMIN_PROG, user);
		goto out;
	}
	if (r != SSPR_OK) {
		rc = admin_lib_error(r, &err, user);
		goto out;
	}
	if (args.flags & ADMIN_F_JSON)
		show_json(user, &rec, sspr_now());
	else
		show_text(user, &rec, sspr_now());
	rc = ADMIN_EXIT_OK;
out:
	sspr_store_close(st);
	sspr_record_wipe(&rec);
	return rc;
}
