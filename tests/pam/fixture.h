/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixture of the module tests (see fixture.c). */
#ifndef SSPR_TEST_FIXTURE_H
#define SSPR_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <libpamtest.h>

#include "conv_script.h"

#include "record.h"
#include "store.h"
#include "totp.h"

#define HELPDESK "Call the helpdesk on 555-0100."

extern const uint8_t secret[20]; /* the TOTP secret enroll() gives */
extern char dir[256];            /* the private test directory */
extern char user[64];            /* the account running the tests: enrolled in setup */
extern char other[64];           /* another existing account, never enrolled */

/* One transaction of op, its conversation scripted (tests/lib/conv_script.h),
 * through pam_wrapper's libpamtest; the operation's status. */
int run(const char *service, const char *who, enum pamtest_ops op, struct script *sc);

void write_file(const char *name, const char *text);
/* A policy for the test store and keys: everyone eligible, lockout
 * 3/600/600, the helpdesk text, the stand-in password service,
 * enumeration = show (the refusals under test say why) and admin_policy
 * = same (whoever runs the tests is no administrator); `extra`
 * lines are added, and replace any of those defaults they set. */
void write_policy(const char *name, const char *extra);
void write_service(const char *name, const char *body);
/* The standard test stack: pam_sspr (config=DIR/conf args) then the
 * stand-in password module; account: pam_sspr with account_control
 * ("optional", "required"), then the stand-in. */
void write_stack(const char *service, const char *conf, const char *args,
		 const char *account_control);
void set_password(const char *who, const char *password);
bool password_is(const char *who, const char *password);

/* The store under test: LMDB in DIR/store, or with SSPR_TEST_BACKEND=ldap
 * a sub-base of its own on the test directory server (the SSPR_LDAP_*
 * variables of tests/ldap/with-slapd.sh). Everything that opens, reads or
 * seeds the store goes through these, never through a path. */
bool store_is_ldap(void);
void store_config(struct sspr_store_config *cfg);
/* The policy lines that name this store (store = ..., or store_backend and
 * the ldap_* keys). */
const char *store_policy_lines(void);
struct sspr_store *open_store(void);
/* The same without cmocka's failure, for a forked child: the store's status. */
int try_open_store(unsigned flags, struct sspr_store **st, struct sspr_error *err);
/* A fresh record for who: TOTP with the test secret, nothing used yet. */
void enroll(const char *who);
bool have_record(const char *who, struct sspr_record *rec);

struct last_event {
	struct sspr_event ev;
	int count;
};
struct last_event last_event(void);

void current_code(char code[SSPR_TOTP_CODE_MAX + 1]);
/* A six-digit code valid at no step in the window. */
void wrong_code(char code[SSPR_TOTP_CODE_MAX + 1]);

int setup_all(void **state);
int teardown_all(void **state);
/* Each test starts from: user enrolled, password "OldPass-1". */
int setup(void **state);

#endif
