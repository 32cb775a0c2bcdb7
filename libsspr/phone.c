/* SPDX-License-Identifier: BSD-2-Clause */
/* Phone numbers and text messages (phone.h). */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "phone.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool sspr_phone_valid(const char *number)
{
	size_t n = strnlen(number, SSPR_PHONE_DIGITS_MAX + 2);

	if (n < 1 + SSPR_PHONE_DIGITS_MIN || n > 1 + SSPR_PHONE_DIGITS_MAX || number[0] != '+' ||
	    number[1] == '0')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_digit(number[i]))
			return false;
	return true;
}

bool sspr_phone_normalize(const char *typed, char *out, size_t size)
{
	size_t used = 0;
	bool digit_before = false;

	if (size < SSPR_PHONE_DIGITS_MAX + 2)
		return false;
	out[0] = '\0';
	if (typed[0] != '+')
		return false;
	out[used++] = '+';
	for (const char *p = typed + 1; *p != '\0'; p++) {
		if (is_digit(*p)) {
			if (used == SSPR_PHONE_DIGITS_MAX + 1)
				goto bad;
			out[used++] = *p;
			digit_before = true;
		} else if (strchr(" -.()", *p) == NULL || (*p != '(' && !digit_before)) {
			/* A separator follows a digit; "+(44)" is the one
			 * exception people write. */
			goto bad;
		}
	}
	out[used] = '\0';
	if (sspr_phone_valid(out))
		return true;
bad:
	out[0] = '\0';
	return false;
}

void sspr_phone_mask(const char *number, char *out, size_t size)
{
	size_t digits, head, tail, used;

	if (!sspr_phone_valid(number) || size < SSPR_PHONE_MASKED_MAX) {
		snprintf(out, size, "%s", size >= 4 ? "***" : "");
		return;
	}
	digits = strlen(number) - 1;
	head = digits >= 10 ? 2 : 1;
	tail = digits >= 10 ? 3 : 2;
	used = (size_t)snprintf(out, size, "+%.*s ", (int)head, number + 1);
	for (size_t i = 0; i < digits - head - tail; i++) {
		if (i > 0 && i % 5 == 0)
			out[used++] = ' ';
		out[used++] = '*';
	}
	snprintf(out + used, size - used, "%s", number + 1 + digits - tail);
}

int sspr_sms_send(const char *sms_command, const char *number, const char *text, unsigned flags,
		  struct sspr_error *err)
{
	char line[SSPR_SMS_TEXT_MAX + 2];
	size_t n = strnlen(text, SSPR_SMS_TEXT_MAX + 1);
	int r;

	if (!sspr_phone_valid(number))
		return sspr_error_set(err, SSPR_EINVAL, "not a phone number in E.164 form");
	if (n > SSPR_SMS_TEXT_MAX)
		return sspr_error_set(err, SSPR_EINVAL, "text message too long");
	for (size_t i = 0; i < n; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			return sspr_error_set(err, SSPR_EINVAL, "text message is not printable ASCII");
	if (sms_command[0] == '\0')
		return sspr_error_set(err, SSPR_ERR, "sms_command is not set");
	memcpy(line, text, n);
	line[n++] = '\n';
	r = sspr_command_feed("sms_command", sms_command, number, line, n, flags, err);
	explicit_bzero(line, sizeof(line)); /* it holds a one-time code */
	return r;
}
