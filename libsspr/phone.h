/* SPDX-License-Identifier: BSD-2-Clause */
/* Phone numbers and text messages: the number's form, its mask, and
 * sending a text through the policy's sms_command.
 *
 * A number is stored and handed on in E.164 form only: "+", a country
 * code that does not start with 0, at most 15 digits in all. The command
 * (command.h: no shell, fixed environment, time limit) gets the number as
 * its last argument and the message's text, one line of printable ASCII,
 * on standard input. */
#ifndef SSPR_PHONE_H
#define SSPR_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define SSPR_PHONE_DIGITS_MIN 7
#define SSPR_PHONE_DIGITS_MAX 15
#define SSPR_SMS_TEXT_MAX 160 /* one text message of the GSM alphabet */
#define SSPR_PHONE_MASKED_MAX 32 /* room for sspr_phone_mask of any number */

/* True for "+" and SSPR_PHONE_DIGITS_MIN..MAX digits, the first not 0. */
bool sspr_phone_valid(const char *number);

/* The number as typed ("+44 7700 900123", "+1 (202) 555-0123") in E.164
 * form into out (at least SSPR_PHONE_DIGITS_MAX + 2 bytes): spaces,
 * hyphens, dots and parentheses between digits are dropped, nothing else
 * is accepted. False, out empty, when what is left is not
 * sspr_phone_valid. */
bool sspr_phone_normalize(const char *typed, char *out, size_t size);

/* "+447700900123" -> "+44 ***** **123": the first two digits and the last
 * three (one and two of a number shorter than ten digits), the rest
 * starred in groups of five. "***" for anything not valid. */
void sspr_phone_mask(const char *number, char *out, size_t size);

/* Sends text (at most SSPR_SMS_TEXT_MAX bytes of printable ASCII) to
 * number through sms_command (flags as command.h's). SSPR_OK when the
 * command exited 0 within SSPR_COMMAND_TIMEOUT seconds. */
int sspr_sms_send(const char *sms_command, const char *number, const char *text, unsigned flags,
		  struct sspr_error *err);

#endif
