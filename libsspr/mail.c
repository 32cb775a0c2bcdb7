/* SPDX-License-Identifier: BSD-2-Clause */
/* Sending mail through a sendmail-compatible command (see mail.h): the
 * message is composed here and handed to the policy's command by
 * command.c. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "command.h"
#include "mail.h"

#define MESSAGE_MAX (SSPR_MAIL_BODY_MAX + 1024)

static bool address_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("\"<>(),;:\\[]", c) == NULL;
}

bool sspr_email_valid(const char *address)
{
	size_t n = strnlen(address, 255);
	const char *at = strchr(address, '@'), *dot;

	if (n == 0 || n > 254 || at == NULL || at == address || strchr(at + 1, '@') != NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!address_char_ok((unsigned char)address[i]))
			return false;
	/* The local part must not look like an option to the mail command. */
	if (address[0] == '-')
		return false;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot != at + 1 && dot[1] != '\0' && strstr(at + 1, "..") == NULL;
}

void sspr_email_mask(const char *address, char *out, size_t size)
{
	const char *at = strchr(address, '@'), *dot = at != NULL ? strrchr(at, '.') : NULL;

	if (!sspr_email_valid(address) || dot == NULL) {
		snprintf(out, size, "***");
		return;
	}
	snprintf(out, size, "%c***@%c***%s", address[0], at[1], dot);
}

/* A full address, or a local mailbox name such as "root" (admin_mail's
 * default), which sendmail delivers on this host. */
static bool recipient_ok(const char *to)
{
	size_t n = strnlen(to, 65);

	if (sspr_email_valid(to))
		return true;
	if (n == 0 || n > 64 || to[0] == '-')
		return false;
	return strspn(to, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* A header holds ASCII only (RFC 5322): a subject in another language is
 * written as RFC 2047 encoded words ("=?UTF-8?B?...?="), each of at most
 * 39 bytes of text (64 characters encoded, so "Subject: " and the first
 * word stay within RFC 2047's 76 a line) and never splitting a character,
 * on folded lines. ASCII subjects stay as they are. */
#define WORD_BYTES 39

static int encode_subject(const char *subject, char *out, size_t size)
{
	size_t len = strlen(subject), used = 0;
	bool ascii = true;

	for (size_t i = 0; i < len; i++)
		ascii = ascii && (unsigned char)subject[i] < 0x80;
	if (ascii)
		return snprintf(out, size, "%s", subject) < (int)size ? 0 : -1;
	for (size_t at = 0; at < len;) {
		char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		size_t take = len - at < WORD_BYTES ? len - at : WORD_BYTES;
		int n;

		/* Back off to the start of a character (not a continuation byte). */
		while (take < len - at && take > 0 && ((unsigned char)subject[at + take] & 0xc0) == 0x80)
			take--;
		if (take == 0)
			return -1;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)subject + at, take,
				  sodium_base64_VARIANT_ORIGINAL);
		n = snprintf(out + used, size - used, "%s=?UTF-8?B?%s?=", at > 0 ? "\n " : "", b64);
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
		at += take;
	}
	return 0;
}

static int compose(const struct sspr_mail *mail, char *buf, size_t size, size_t *len,
		   struct sspr_error *err)
{
	char subject[1024];
	int n;

	if (!recipient_ok(mail->to))
		return sspr_error_set(err, SSPR_EINVAL, "not a valid recipient address");
	if (strpbrk(mail->from, "\r\n") != NULL || strpbrk(mail->subject, "\r\n") != NULL ||
	    strlen(mail->body) > SSPR_MAIL_BODY_MAX)
		return sspr_error_set(err, SSPR_EINVAL, "malformed message");
	if (encode_subject(mail->subject, subject, sizeof(subject)) != 0)
		return sspr_error_set(err, SSPR_EINVAL, "subject too long");
	n = snprintf(buf, size,
		     "From: %s\nTo: %s\nSubject: %s\nMIME-Version: 1.0\n"
		     "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
		     "Auto-Submitted: auto-generated\n\n%s\n",
		     mail->from, mail->to, subject, mail->body);
	if (n < 0 || (size_t)n >= size)
		return sspr_error_set(err, SSPR_EINVAL, "message too long");
	*len = (size_t)n;
	return SSPR_OK;
}

int sspr_mail_send(const char *mail_command, const struct sspr_mail *mail, unsigned flags,
		   struct sspr_error *err)
{
	char msg[MESSAGE_MAX];
	size_t len = 0;
	int r = compose(mail, msg, sizeof(msg), &len, err);

	if (r == SSPR_OK)
		r = sspr_command_feed("mail_command", mail_command, NULL, msg, len, flags, err);
	/* The message may hold a one-time code. */
	explicit_bzero(msg, sizeof(msg));
	return r;
}
