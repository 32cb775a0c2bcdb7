/* SPDX-License-Identifier: BSD-2-Clause */
/* Choosing languages (see language.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "language.h"

#define HOST_LOCALE_FILE_MAX 4096

static const char *const locale_variables[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

bool sspr_language_valid(const char *language)
{
	size_t n = strnlen(language, SSPR_LANGUAGE_MAX + 1);

	return n > 0 && n <= SSPR_LANGUAGE_MAX &&
	       strspn(language, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789_@.:-") == n &&
	       strstr(language, "..") == NULL;
}

bool sspr_locale_names_no_language(const char *name)
{
	return name == NULL || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 ||
	       strcmp(name, "C.UTF-8") == 0 || strcmp(name, "C.utf8") == 0;
}

locale_t sspr_english_locale(void)
{
	locale_t l = sspr_messages_locale("C");

	/* Without C.UTF-8 installed: plain "C", which always exists. */
	return l != (locale_t)0 ? l : newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t sspr_messages_locale(const char *name)
{
	locale_t ctype, l;

	if (name == NULL || !sspr_language_valid(name))
		return (locale_t)0;
	ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (ctype == (locale_t)0)
		return (locale_t)0;
	l = newlocale(LC_MESSAGES_MASK, name, ctype);
	if (l == (locale_t)0)
		freelocale(ctype);
	return l;
}

/* entry (n bytes of a LANGUAGE value) as a UTF-8 locale name: "de_DE" and
 * "sr_RS@latin" as they are with ".UTF-8" before the modifier, a bare
 * "de" as "de_DE" (the language's own country, right for most: de, fr,
 * es, it, nl, pl, ru...), a full name ("de_DE.UTF-8") as it is. */
static bool entry_locale_name(const char *entry, size_t n, char *out, size_t size)
{
	const char *at = memchr(entry, '@', n);
	size_t base = at != NULL ? (size_t)(at - entry) : n;
	int w;

	if (memchr(entry, '.', n) != NULL)
		w = snprintf(out, size, "%.*s", (int)n, entry);
	else if (memchr(entry, '_', base) != NULL)
		w = snprintf(out, size, "%.*s.UTF-8%.*s", (int)base, entry, (int)(n - base),
			     entry + base);
	else if (base == 2)
		w = snprintf(out, size, "%.2s_%c%c.UTF-8%.*s", entry, entry[0] & ~0x20,
			     entry[1] & ~0x20, (int)(n - base), entry + base);
	else
		return false;
	return w > 0 && (size_t)w < size;
}

locale_t sspr_language_locale(const char *language)
{
	char entry[SSPR_LANGUAGE_MAX + 16];
	locale_t l;

	if (language == NULL || !sspr_language_valid(language))
		return (locale_t)0;
	for (const char *p = language; *p != '\0';) {
		size_t n = strcspn(p, ":");

		if (n > 0 && entry_locale_name(p, n, entry, sizeof(entry)) &&
		    (l = sspr_messages_locale(entry)) != (locale_t)0)
			return l;
		p += n + (p[n] == ':');
	}
	return sspr_messages_locale("C.UTF-8");
}

const char *sspr_locale_name(const char *(*get)(void *ctx, const char *name), void *ctx)
{
	for (size_t i = 0; i < sizeof(locale_variables) / sizeof(locale_variables[0]); i++) {
		const char *value = get(ctx, locale_variables[i]);

		if (value != NULL && value[0] != '\0')
			return value;
	}
	return NULL;
}

/* KEY=VALUE lines, as systemd's locale.conf and Debian's
 * /etc/default/locale have them. */
struct locale_file {
	const char *text;
	char value[SSPR_LANGUAGE_MAX + 1];
};

/* The last assignment of key, as the shell (which reads
 * /etc/default/locale) and systemd take it: an optional "export ", the
 * value in double or single quotes or bare, spaces and a CR at the end
 * ignored. A value too long to be a locale name is no value. */
static const char *file_value(void *ctx, const char *key)
{
	struct locale_file *f = ctx;
	size_t klen = strlen(key);

	f->value[0] = '\0';
	for (const char *line = f->text; *line != '\0';) {
		size_t len = strcspn(line, "\n"), at = strspn(line, " \t");
		const char *p = line;

		line += len + (line[len] == '\n');
		if (at > len)
			at = len;
		if (len - at > 7 && strncmp(p + at, "export ", 7) == 0)
			at += 7;
		while (len > at && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
			len--;
		if (len - at <= klen || strncmp(p + at, key, klen) != 0 || p[at + klen] != '=')
			continue;
		at += klen + 1;
		if (len - at >= 2 && (p[at] == '"' || p[at] == '\'') && p[len - 1] == p[at]) {
			at++;
			len--;
		}
		f->value[0] = '\0';
		if (len > at && len - at <= SSPR_LANGUAGE_MAX) {
			memcpy(f->value, p + at, len - at);
			f->value[len - at] = '\0';
		}
	}
	return f->value[0] != '\0' ? f->value : NULL;
}

bool sspr_locale_conf_parse(const char *text, char name[SSPR_LANGUAGE_MAX + 1],
			    char language[SSPR_LANGUAGE_MAX + 1])
{
	struct locale_file f = {.text = text};
	const char *found = sspr_locale_name(file_value, &f);

	name[0] = language[0] = '\0';
	if (found == NULL)
		return false;
	(void)snprintf(name, SSPR_LANGUAGE_MAX + 1, "%s", found);
	if ((found = file_value(&f, "LANGUAGE")) != NULL)
		(void)snprintf(language, SSPR_LANGUAGE_MAX + 1, "%s", found);
	return true;
}

static bool read_locale_file(const char *path, char *text, size_t size)
{
	FILE *fp = fopen(path, "re");
	size_t n;

	if (fp == NULL)
		return false;
	n = fread(text, 1, size - 1, fp);
	text[n] = '\0';
	fclose(fp);
	return true;
}

locale_t sspr_host_locale(void)
{
	static const char *const files[] = {"/etc/locale.conf", "/etc/default/locale"};
	const char *language = getenv("LANGUAGE");
	char text[HOST_LOCALE_FILE_MAX], name[SSPR_LANGUAGE_MAX + 1];
	char host_language[SSPR_LANGUAGE_MAX + 1];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		locale_t l;

		if (!read_locale_file(files[i], text, sizeof(text)) ||
		    !sspr_locale_conf_parse(text, name, host_language))
			continue;
		/* gettext reads the process's LANGUAGE in any locale but "C":
		 * the requester's, unless it is the host's own. */
		if (language != NULL && language[0] != '\0' && strcmp(language, host_language) != 0)
			break;
		if (!sspr_locale_names_no_language(name) &&
		    (l = sspr_messages_locale(name)) != (locale_t)0)
			return l;
		break;
	}
	return sspr_english_locale();
}

void sspr_locale_use(struct sspr_locale *u, locale_t l)
{
	u->chosen = l;
	u->previous = l != (locale_t)0 ? uselocale(l) : (locale_t)0;
}

void sspr_locale_done(struct sspr_locale *u)
{
	if (u->chosen == (locale_t)0)
		return;
	(void)uselocale(u->previous);
	freelocale(u->chosen);
	u->chosen = (locale_t)0;
}

void sspr_language_adopt(const char *language)
{
	locale_t l;

	if (language[0] == '\0' || (l = sspr_language_locale(language)) == (locale_t)0)
		return;
	(void)uselocale(l); /* kept: the process ends after this one user */
	(void)setenv("LANGUAGE", language, 1);
}

void sspr_message_language(char *out, size_t size)
{
	const char *language = getenv("LANGUAGE"), *name = setlocale(LC_MESSAGES, NULL);
	locale_t thread = uselocale((locale_t)0);

	out[0] = '\0';
	/* A locale of this thread's own (sspr-enroll with LANGUAGE alone). */
	if (thread != LC_GLOBAL_LOCALE)
		name = "C.UTF-8";
	if (name == NULL || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0)
		return; /* gettext translates nothing here, whatever LANGUAGE says */
	if (language != NULL && language[0] != '\0' && sspr_language_valid(language))
		(void)snprintf(out, size, "%s", language);
	else if (!sspr_locale_names_no_language(name) && sspr_language_valid(name))
		(void)snprintf(out, size, "%s", name);
}
