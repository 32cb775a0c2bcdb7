/* SPDX-License-Identifier: BSD-2-Clause */
/* The project's text domain and the yes/no words (see i18n.h). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "util.h"

void sspr_i18n_bind(void)
{
	(void)bindtextdomain(SSPR_TEXT_DOMAIN, SSPR_LOCALE_DIR);
}

bool sspr_language_valid(const char *language)
{
	size_t n = strnlen(language, SSPR_LANGUAGE_MAX + 1);

	return n > 0 && n <= SSPR_LANGUAGE_MAX &&
	       strspn(language, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789_@.:-") == n &&
	       strstr(language, "..") == NULL;
}

void sspr_message_language(char *out, size_t size)
{
	const char *language = getenv("LANGUAGE"), *name = setlocale(LC_MESSAGES, NULL);

	out[0] = '\0';
	if (language != NULL && sspr_language_valid(language))
		(void)snprintf(out, size, "%s", language);
	else if (name != NULL && !sspr_locale_names_no_language(name) && sspr_language_valid(name))
		(void)snprintf(out, size, "%s", name);
}

/* In a Turkish LC_CTYPE "I" is not "i"'s upper case, which would change
 * how keywords and codes compare: LC_CTYPE is C.UTF-8's, whose charset is
 * also what gettext then converts the catalogues to. */
locale_t sspr_messages_locale(const char *name)
{
	locale_t ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0), l;

	if (ctype == (locale_t)0)
		return (locale_t)0;
	l = newlocale(LC_MESSAGES_MASK, name, ctype);
	if (l == (locale_t)0)
		freelocale(ctype);
	return l;
}

bool sspr_locale_names_no_language(const char *name)
{
	return name == NULL || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 ||
	       strcmp(name, "C.UTF-8") == 0 || strcmp(name, "C.utf8") == 0;
}

locale_t sspr_language_locale(const char *language)
{
	char entry[SSPR_LANGUAGE_MAX + 8];
	locale_t l;

	if (language == NULL || !sspr_language_valid(language))
		return (locale_t)0;
	for (const char *p = language; *p != '\0';) {
		size_t n = strcspn(p, ":");
		bool full = memchr(p, '.', n) != NULL;

		if (n > 0 && (full || memchr(p, '_', n) != NULL)) {
			(void)snprintf(entry, sizeof(entry), "%.*s%s", (int)n, p, full ? "" : ".UTF-8");
			if ((l = sspr_messages_locale(entry)) != (locale_t)0)
				return l;
		}
		p += n + (p[n] == ':');
	}
	return sspr_messages_locale("C.UTF-8");
}

/* Whether reply, without the spaces around it, is one of the words in
 * list (separated by '|'). */
static bool word_in(const char *reply, const char *list)
{
	size_t len;

	while (*reply == ' ' || *reply == '\t')
		reply++;
	len = strlen(reply);
	while (len > 0 && (reply[len - 1] == ' ' || reply[len - 1] == '\t'))
		len--;
	if (len == 0)
		return false;
	for (const char *w = list; *w != '\0';) {
		size_t n = strcspn(w, "|");

		if (n == len && sspr_ascii_ncasecmp(w, reply, len) == 0)
			return true;
		w += n;
		if (*w == '|')
			w++;
	}
	return false;
}

bool sspr_answer_is_yes(const char *reply)
{
	/* TRANSLATORS: the words a user may type to answer yes, separated by
	 * '|', most usual first, such as "j|ja" (English y and yes are always
	 * accepted as well). Match the letter of the [y/N] hints. */
	return word_in(reply, "y|yes") || word_in(reply, _("y|yes"));
}

bool sspr_answer_is_no(const char *reply)
{
	/* TRANSLATORS: the words a user may type to answer no, separated by
	 * '|', such as "n|nein" (English n and no are always accepted too). */
	return word_in(reply, "n|no") || word_in(reply, _("n|no"));
}
