/* SPDX-License-Identifier: BSD-2-Clause */
/* The project's text domain and the yes/no words (see i18n.h). */
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "util.h"

void sspr_i18n_bind(void)
{
	(void)bindtextdomain(SSPR_TEXT_DOMAIN, SSPR_LOCALE_DIR);
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
