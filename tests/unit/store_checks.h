/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers the store tests share (tests/unit/test_store.c on both
 * backends, tests/ldap/store/test_ldap_store.c on the directory's own
 * cases): an update function that moves a counter, and readers of it. */
#ifndef SSPR_TEST_STORE_CHECKS_H
#define SSPR_TEST_STORE_CHECKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>
#include <sodium.h>

#include "store.h"

struct bump {
	int status; /* what the function returns */
	bool log_event;
};

/* Gives the user a TOTP record (on first use) and moves its last step on
 * by one; logs an event when asked. */
static inline int bump_fn(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct bump *b = ctx;

	(void)exists;
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].digits = 6;
	rec->totp[0].period = 30;
	rec->totp[0].sealed_len = SSPR_SEAL_OVERHEAD + 1;
	rec->totp[0].last_step++;
	if (b->log_event)
		sspr_event_set(ev, 100, "test", "bump", "totp", "u", "unit", "", "");
	return b->status;
}

static inline uint64_t step_of(struct sspr_store *st, const char *user)
{
	struct sspr_record rec;
	struct sspr_error err;

	assert_int_equal(sspr_store_get(st, user, &rec, &err), SSPR_OK);
	return rec.totp[0].last_step;
}

static inline int count_fn(const struct sspr_event *ev, int status, void *ctx)
{
	(void)ev;
	(void)status;
	(*(int *)ctx)++;
	return 0;
}

static inline int count_events(struct sspr_store *st, int64_t since)
{
	struct sspr_error err;
	int n = 0;

	assert_int_equal(sspr_store_foreach_event(st, since, count_fn, &n, &err), SSPR_OK);
	return n;
}

/* A variable the harness (tests/ldap/with-slapd.sh) exports. */
static inline const char *store_checks_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0')
		fail_msg("%s is not set: run under tests/ldap/with-slapd.sh", name);
	return v;
}

/* The directory's administrator on server A, over StartTLS, to write
 * behind the store's back. */
static inline LDAP *root_ld(void)
{
	LDAP *ld = NULL;
	int v3 = LDAP_VERSION3, zero = 0;
	char pw[256] = "";
	FILE *f = fopen(store_checks_env("SSPR_LDAP_ROOT_PASSWORD_FILE"), "r");
	struct berval cred;

	assert_non_null(f);
	assert_non_null(fgets(pw, sizeof(pw), f));
	fclose(f);
	pw[strcspn(pw, "\n")] = '\0';
	cred = (struct berval){strlen(pw), pw};
	assert_int_equal(ldap_initialize(&ld, store_checks_env("SSPR_LDAP_URI_A")), LDAP_SUCCESS);
	assert_int_equal(ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3), LDAP_OPT_SUCCESS);
	assert_int_equal(
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, store_checks_env("SSPR_LDAP_CACERT")),
	    LDAP_OPT_SUCCESS);
	assert_int_equal(ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero), LDAP_OPT_SUCCESS);
	assert_int_equal(ldap_start_tls_s(ld, NULL, NULL), LDAP_SUCCESS);
	assert_int_equal(ldap_sasl_bind_s(ld, store_checks_env("SSPR_LDAP_ROOT_DN"),
					  LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL),
			 LDAP_SUCCESS);
	sodium_memzero(pw, sizeof(pw));
	return ld;
}

#endif
