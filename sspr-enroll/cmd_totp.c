/* SPDX-License-Identifier: BSD-2-Clause */
/* sspr-enroll totp [DEVICE]: a new secret, shown once as an otpauth:// URI
 * and a QR code, stored (sealed to the host key) only after the user proves
 * their app has it by typing a code. Each device has a name (up to
 * SSPR_TOTP_DEVICES_MAX): a new name adds one, a name registered before
 * replaces that one. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "enroll.h"
#include "enrollment.h"
#include "hostkey.h"
#include "store.h"
#include "totp.h"

#define SECRET_BYTES 20 /* 160 bits, as RFC 4226 recommends */
#define CONFIRM_TRIES 3
#define ISSUER "pam_sspr"

struct totp_update {
	const char *user;
	struct sspr_totp_enrollment t; /* last_step: the confirmation code's, spent */
	int64_t now;
};

static int store_totp(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	struct totp_update *u = ctx;

	int r;

	(void)exists;
	if ((r = sspr_record_set_totp(rec, &u->t, u->now, NULL)) != SSPR_OK)
		return r;
	sspr_event_set(ev, u->now, "enroll", "success", "totp", u->user, ENROLL_SERVICE, "",
		       u->t.name);
	return SSPR_OK;
}

/* Percent-encodes s into out for an otpauth label or parameter. */
static void uri_escape(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
	}
	out[n] = '\0';
}

static void show_secret(const struct enroll_ctx *ctx, const char *device, const char *b32)
{
	char host[256] = "localhost", label[1700], uri[1900];
	char device_esc[SSPR_DEVICE_NAME_MAX * 3 + 1] = "";
	char user_esc[SSPR_USER_MAX * 3 + 1], host_esc[sizeof(host) * 3];

	(void)gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	uri_escape(ctx->user, user_esc, sizeof(user_esc));
	uri_escape(host, host_esc, sizeof(host_esc));
	/* The device in the label, so two of the user's entries on one app
	 * (or two apps side by side) tell which is which. */
	if (strcmp(device, SSPR_DEVICE_DEFAULT) != 0)
		uri_escape(device, device_esc, sizeof(device_esc));
	snprintf(label, sizeof(label), ISSUER ":%s%%40%s%s%s", user_esc, host_esc,
		 device_esc[0] != '\0' ? "%20" : "", device_esc);
	snprintf(uri, sizeof(uri),
		 "otpauth://totp/%s?secret=%s&issuer=" ISSUER "&algorithm=SHA1&digits=%u&period=%u",
		 label, b32, ctx->pol.totp.digits, ctx->pol.totp.period);
	/* TRANSLATORS: keep the lines under 80 columns. */
	fputs(_("Add this account to your authenticator app: scan the code below,\n"
		"or open the link, or type the key by hand.\n\n"),
	      stdout);
	if (ctx->qr && enroll_draw_qr(uri) != 0)
		fputs(_("(the QR code could not be drawn)\n"), stdout);
	/* The URI is a link for the app, never translated. */
	printf("\n%s\n\n", uri);
	/* TRANSLATORS: before the secret key, in groups of four letters,
	 * for typing it into the app by hand. */
	fputs(_("Key: "), stdout);
	for (size_t i = 0; b32[i] != '\0'; i++)
		printf("%s%c", i > 0 && i % 4 == 0 ? " " : "", b32[i]);
	printf("\n");
	/* TRANSLATORS: the settings the app needs when the key is typed by
	 * hand; the digits (6 to 8) and the seconds (usually 30) of a code.
	 * Use the words the apps use for them. */
	printf(_("(time-based, %u digits, every %u seconds)\n\n"), ctx->pol.totp.digits,
	       ctx->pol.totp.period);
	sodium_memzero(uri, sizeof(uri));
}

/* Asks for a code until one matches the new secret. */
static int confirm(const struct enroll_ctx *ctx, const uint8_t *secret, uint64_t *step,
		   int64_t *now)
{
	char line[64];

	for (int i = 0; i < CONFIRM_TRIES; i++) {
		fputs(_("Enter the code from your authenticator app to confirm: "), stdout);
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return SSPR_EXIT_ERROR;
		line[strcspn(line, "\r\n")] = '\0';
		*now = sspr_now();
		if (sspr_totp_find_step(secret, SECRET_BYTES, &ctx->pol.totp, *now, line, step) ==
		    SSPR_OK)
			return SSPR_EXIT_OK;
		fputs(_("That code does not match. Check the time on your phone and try again.\n"),
		      stdout);
	}
	/* TRANSLATORS: %d is 3. */
	cli_error(_("no matching code after %d tries; nothing was stored"), CONFIRM_TRIES);
	return SSPR_EXIT_AUTH;
}

/* What registering `device` will do, told before the secret is shown;
 * false (told) when it cannot: the record has the most devices already. */
static bool announce_device(const struct sspr_record *current, const char *device)
{
	char names[SSPR_TOTP_DEVICES_MAX * (SSPR_DEVICE_NAME_MAX + 2) + 1];
	size_t n = 0;

	if (sspr_record_find_totp(current, device) >= 0) {
		/* TRANSLATORS: %s is the name of the device. Keep the lines under
		 * 80 columns. */
		printf(_("You already have an authenticator app registered as %s; confirming a "
			 "new one\nreplaces it.\n\n"),
		       device);
		return true;
	}
	if (current->n_totp >= SSPR_TOTP_DEVICES_MAX) {
		/* TRANSLATORS: %d is the most there can be (5). Keep the command
		 * sspr-enroll remove totp as it is; DEVICE as in the help. */
		cli_error(_("you have %d authenticator apps registered, the most there can be; "
			    "remove one first (sspr-enroll remove totp DEVICE)"),
			  SSPR_TOTP_DEVICES_MAX);
		return false;
	}
	if (current->n_totp > 0) {
		/* The names in one string, so the sentence is one message. */
		names[0] = '\0';
		for (unsigned i = 0;
		     i < current->n_totp && i < SSPR_TOTP_DEVICES_MAX && n < sizeof(names); i++)
			n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
					      i > 0 ? ", " : "", current->totp[i].name);
		printf(
		    dngettext(SSPR_TEXT_DOMAIN,
			      /* TRANSLATORS: the number of the user's authenticator devices,
			       * their names (such as "phone, tablet"), then the name of the
			       * new one. */
			      "You have %u authenticator app registered (%s); this one is added "
			      "as %s.\n\n",
			      "You have %u authenticator apps registered (%s); this one is added "
			      "as %s.\n\n",
			      current->n_totp),
		    (unsigned)current->n_totp, names, device);
	}
	return true;
}

int enroll_cmd_totp(struct enroll_ctx *ctx, const char *device)
{
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	const char *name = device != NULL ? device : SSPR_DEVICE_DEFAULT;
	struct totp_update e = {.user = ctx->user,
				.t = {.digits = ctx->pol.totp.digits,
				      .period = ctx->pol.totp.period,
				      .name = name}};
	struct sspr_store *store = NULL;
	struct sspr_record current;
	struct sspr_error err = {{0}};
	uint8_t *secret = NULL;
	char b32[SECRET_BYTES * 2];
	int r = SSPR_EXIT_ERROR;

	sspr_record_init(&current);
	if ((r = enroll_method_allowed(ctx, SSPR_METHOD_TOTP)) != SSPR_EXIT_OK)
		return r;
	r = SSPR_EXIT_ERROR;
	if (sspr_totp_init() != SSPR_OK || sspr_hostkey_load_public(ctx->pol.key_dir, pk, &err)) {
		cli_error("%s", err.msg[0] ? err.msg : _("crypto initialisation failed"));
		return SSPR_EXIT_ERROR;
	}
	if (sspr_policy_open_store(&ctx->pol, 0, &store, &err) != SSPR_OK) {
		cli_error("%s", err.msg);
		return SSPR_EXIT_ERROR;
	}
	if (sspr_store_get(store, ctx->user, &current, &err) == SSPR_OK &&
	    !announce_device(&current, name)) {
		r = SSPR_EXIT_ERROR;
		goto out;
	}

	secret = sodium_malloc(SECRET_BYTES);
	if (secret == NULL)
		goto out;
	randombytes_buf(secret, SECRET_BYTES);
	if (sspr_base32_encode(secret, SECRET_BYTES, b32, sizeof(b32)) != SSPR_OK)
		goto out;
	show_secret(ctx, name, b32);
	sodium_memzero(b32, sizeof(b32));

	r = confirm(ctx, secret, &e.t.last_step, &e.now);
	if (r != SSPR_EXIT_OK)
		goto out;
	r = SSPR_EXIT_ERROR;
	if (sspr_seal(pk, secret, SECRET_BYTES, e.t.sealed, sizeof(e.t.sealed), &e.t.sealed_len) !=
	    SSPR_OK)
		goto out;
	if ((r = sspr_store_update(store, ctx->user, 0, store_totp, &e, &err)) < 0) {
		if (r == SSPR_EFULL)
			/* TRANSLATORS: %d is the most there can be (5). */
			cli_error(_("you have %d authenticator apps registered, the most there can "
				    "be; nothing was stored"),
				  SSPR_TOTP_DEVICES_MAX);
		else
			enroll_store_error(_("cannot store the enrollment"), r, &err);
		r = SSPR_EXIT_ERROR;
		goto out;
	}
	/* TRANSLATORS: %s is the name of the device. Keep the lines under 80
	 * columns. */
	printf(_("Your authenticator app is registered as %s. If you forget your password,\n"
		 "press Enter at the password prompt and type the code it shows.\n"),
	       name);
	r = SSPR_EXIT_OK;
out:
	sodium_free(secret);
	sodium_memzero(b32, sizeof(b32));
	sspr_record_wipe(&current);
	sspr_store_close(store);
	return r;
}
