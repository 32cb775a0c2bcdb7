/* sspr-enroll status [--json]: what the caller has registered. Reads only
 * the caller's own record; needs no password. */
#include <stdio.h>
#include <time.h>

#include "eligibility.h"
#include "enroll.h"
#include "store.h"

static const char *date_of(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return "-";
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void print_text(const struct enroll_ctx *ctx, enum sspr_eligibility elig,
		       const struct sspr_record *rec, bool found)
{
	unsigned have = found ? sspr_record_methods(rec) : 0;
	char d[32];

	printf("user:       %s\n", ctx->user);
	printf("eligible:   %s\n", elig == SSPR_ELIGIBLE ? "yes" : sspr_eligibility_reason(elig));
	if (!found) {
		printf("status:     not enrolled\n");
	} else {
		printf("registered: %s\n", date_of(rec->registered_at, d, sizeof(d)));
		printf("confirmed:  %s\n", date_of(rec->confirmed_at, d, sizeof(d)));
		if (rec->locked_until > sspr_now())
			printf("locked:     resets locked until %s\n",
			       date_of(rec->locked_until, d, sizeof(d)));
	}
	for (unsigned m = SSPR_METHOD_TOTP; m <= SSPR_METHOD_RECOVERY; m <<= 1) {
		if (!(ctx->pol.methods & m))
			continue;
		printf("%-11s %s\n", sspr_method_name(m),
		       (have & m) ? "registered" : "not registered");
	}
	if (elig == SSPR_ELIGIBLE && !(have & SSPR_METHOD_TOTP) &&
	    (ctx->pol.methods & SSPR_METHOD_TOTP))
		printf("\nTo register an authenticator app: sspr-enroll totp\n");
}

/* Every string here is a validated user name, a fixed word or a number,
 * so nothing needs JSON escaping. */
static void print_json(const struct enroll_ctx *ctx, enum sspr_eligibility elig,
		       const struct sspr_record *rec, bool found)
{
	unsigned have = found ? sspr_record_methods(rec) : 0;
	const char *sep = "";

	printf("{\"user\":\"%s\",\"eligible\":%s,\"enrolled\":%s,\"methods\":[", ctx->user,
	       elig == SSPR_ELIGIBLE ? "true" : "false", have != 0 ? "true" : "false");
	for (unsigned m = SSPR_METHOD_TOTP; m <= SSPR_METHOD_RECOVERY; m <<= 1) {
		if (have & m) {
			printf("%s\"%s\"", sep, sspr_method_name(m));
			sep = ",";
		}
	}
	printf("],\"registered_at\":%lld,\"confirmed_at\":%lld,\"locked_until\":%lld}\n",
	       found ? (long long)rec->registered_at : 0LL,
	       found ? (long long)rec->confirmed_at : 0LL,
	       found ? (long long)rec->locked_until : 0LL);
}

int enroll_cmd_status(struct enroll_ctx *ctx)
{
	struct sspr_store *store = NULL;
	struct sspr_record rec;
	struct sspr_error err = {{0}};
	enum sspr_eligibility elig = sspr_user_eligibility(&ctx->pol, ctx->user, NULL);
	int r;

	sspr_record_init(&rec);
	r = sspr_store_open(ctx->pol.store, SSPR_STORE_READONLY, &store, &err);
	if (r == SSPR_OK)
		r = sspr_store_get(store, ctx->user, &rec, &err);
	sspr_store_close(store);
	if (r != SSPR_OK && r != SSPR_ENOENT) {
		enroll_error("%s", err.msg);
		return ENROLL_EXIT_ERROR;
	}
	if (ctx->json)
		print_json(ctx, elig, &rec, r == SSPR_OK);
	else
		print_text(ctx, elig, &rec, r == SSPR_OK);
	sspr_record_wipe(&rec);
	return ENROLL_EXIT_OK;
}
