/* sspr-enroll status [--json]: what the caller has registered, whether
 * that completes the registration the policy asks for, and the dates that
 * drive reminders. Reads only the caller's own record; needs no password. */
#include <stdio.h>
#include <time.h>

#include "codes.h"
#include "eligibility.h"
#include "safe_text.h"
#include "enroll.h"
#include "store.h"

struct status_view {
	enum sspr_eligibility elig;
	bool found;
	unsigned have;    /* methods in the record that work (sspr_record_methods) */
	unsigned usable;  /* ... and that the policy allows */
	unsigned missing; /* more methods needed for methods_required */
	bool due;
	bool locked;
};

static const char *date_of(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return "-";
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void method_line(const struct enroll_ctx *ctx, const struct sspr_record *rec,
			unsigned m)
{
	printf("  %-10s ", sspr_method_name(m));
	switch (m) {
	case SSPR_METHOD_TOTP:
		printf("%s", rec->has_totp ? "registered" : "not registered");
		break;
	case SSPR_METHOD_QUESTIONS:
		if (rec->n_questions == 0)
			printf("not registered");
		else
			printf("%u questions registered", rec->n_questions);
		break;
	case SSPR_METHOD_EMAIL:
		if (!rec->has_email)
			printf("not registered");
		else {
			sspr_text_print_safe(stdout, rec->email.address);
			printf(" (%s)", rec->email.verified ? "verified" : "not verified");
		}
		break;
	case SSPR_METHOD_RECOVERY:
		if (rec->n_recovery == 0)
			printf("not registered");
		else
			printf("%u of %u codes left", sspr_recovery_left(rec), rec->n_recovery);
		break;
	default:
		break;
	}
	if (!(ctx->pol.methods & m))
		printf(" (not allowed by the policy: not used)");
	printf("\n");
}

static void print_text(const struct enroll_ctx *ctx, const struct status_view *v,
		       const struct sspr_record *rec)
{
	char d[32];

	printf("user:         %s\n", ctx->user);
	printf("eligible:     %s\n",
	       v->elig == SSPR_ELIGIBLE ? "yes" : sspr_eligibility_reason(v->elig));
	if (!v->found)
		printf("status:       not enrolled\n");
	if (v->missing == 0)
		printf("registration: complete (%u method%s needed for a reset)\n",
		       ctx->pol.methods_required, ctx->pol.methods_required == 1 ? "" : "s");
	else
		printf("registration: not complete: %u more method%s needed "
		       "(a reset needs %u)\n",
		       v->missing, v->missing == 1 ? "" : "s", ctx->pol.methods_required);
	printf("registered:   %s\n", date_of(rec->registered_at, d, sizeof(d)));
	printf("confirmed:    %s%s\n", date_of(rec->confirmed_at, d, sizeof(d)),
	       v->due ? " (re-confirmation due: run sspr-enroll)" : "");
	if (v->locked)
		printf("locked:       resets locked until %s\n",
		       date_of(rec->locked_until, d, sizeof(d)));
	printf("methods:\n");
	for (unsigned m = SSPR_METHOD_TOTP; m <= SSPR_METHOD_RECOVERY; m <<= 1) {
		if ((ctx->pol.methods & m) || (v->have & m))
			method_line(ctx, rec, m);
	}
	if (v->elig == SSPR_ELIGIBLE && v->missing > 0)
		printf("\nTo complete your registration, run sspr-enroll without arguments.\n");
}


static void json_methods(const char *key, unsigned mask)
{
	const char *sep = "";

	printf(",\"%s\":[", key);
	for (unsigned m = SSPR_METHOD_TOTP; m <= SSPR_METHOD_RECOVERY; m <<= 1) {
		if (mask & m) {
			printf("%s\"%s\"", sep, sspr_method_name(m));
			sep = ",";
		}
	}
	printf("]");
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static void print_json(const struct enroll_ctx *ctx, const struct status_view *v,
		       const struct sspr_record *rec)
{
	printf("{\"user\":");
	sspr_text_print_json(stdout, ctx->user);
	printf(",\"eligible\":%s,\"enrolled\":%s", json_bool(v->elig == SSPR_ELIGIBLE),
	       json_bool(v->have != 0));
	json_methods("methods", v->have);
	json_methods("usable", v->usable);
	json_methods("allowed", ctx->pol.methods);
	printf(",\"methods_required\":%u,\"complete\":%s,\"missing\":%u", ctx->pol.methods_required,
	       json_bool(v->missing == 0), v->missing);
	printf(",\"totp\":%s,\"questions\":%u,\"questions_required\":%u", json_bool(rec->has_totp),
	       rec->n_questions, ctx->pol.questions_to_register);
	printf(",\"email\":");
	if (rec->has_email) {
		printf("{\"address\":");
		sspr_text_print_json(stdout, rec->email.address);
		printf(",\"verified\":%s,\"verified_at\":%lld}", json_bool(rec->email.verified),
		       (long long)rec->email.verified_at);
	} else {
		printf("null");
	}
	printf(",\"recovery_left\":%u,\"recovery_total\":%u", sspr_recovery_left(rec),
	       rec->n_recovery);
	printf(",\"registered_at\":%lld,\"confirmed_at\":%lld,\"reconfirm_due\":%s"
	       ",\"locked\":%s,\"locked_until\":%lld}\n",
	       (long long)rec->registered_at, (long long)rec->confirmed_at, json_bool(v->due),
	       json_bool(v->locked), (long long)rec->locked_until);
}

int enroll_cmd_status(struct enroll_ctx *ctx)
{
	struct status_view v = {0};
	struct sspr_record rec;
	int64_t now = sspr_now();
	int r;

	v.elig = sspr_user_eligibility(&ctx->pol, ctx->user, NULL);
	r = enroll_load_record(ctx, &rec);
	if (r != SSPR_OK && r != SSPR_ENOENT)
		return ENROLL_EXIT_ERROR;
	/* A missing record reads as the empty one sspr_record_init() made. */
	v.found = r == SSPR_OK;
	v.have = sspr_record_methods(&rec);
	v.usable = sspr_usable_methods(&ctx->pol, &rec);
	v.missing = sspr_registration_complete(&ctx->pol, &rec)
			    ? 0
			    : ctx->pol.methods_required - sspr_method_count(v.usable);
	v.due = sspr_reconfirm_due(&ctx->pol, &rec, now);
	v.locked = rec.locked_until > now;
	if (ctx->json)
		print_json(ctx, &v, &rec);
	else
		print_text(ctx, &v, &rec);
	sspr_record_wipe(&rec);
	return ENROLL_EXIT_OK;
}
