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

const char *sspr_locale_name(const char *(*get)(void *ctx, const char *name), void *ctx)
{
	for (size_t i = 0; i < sizeof(locale_variables) / sizeof(locale_variables[0]); i++) {
		const char *value = get(ctx, locale_variables[i]);

		if (value != NULL && value[0] != '\0')
			return value;
	}
	return NULL;
}

/* KEY=VALUE lines (VALUE maybe in double quotes), as systemd's
 * locale.conf and Debian's /etc/default/locale have them. */
struct locale_file {
	char text[HOST_LOCALE_FILE_MAX];
	char value[SSPR_LANGUAGE_MAX + 1];
};

static const char *file_value(void *ctx, const char *key)
{
	struct locale_file *f = ctx;
	size_t klen = strlen(key);

	for (const char *line = f->text; *line != '\0';) {
		size_t n = strcspn(line, "\n");

		if (n > klen && strncmp(line, key, klen) == 0 && line[klen] == '=') {
			const char *v = line + klen + 1;
			size_t vlen = n - klen - 1;

			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (vlen == 0 || vlen > SSPR_LANGUAGE_MAX)
				return NULL;
			memcpy(f->value, v, vlen);
			f->value[vlen] = '\0';
			return f->value;
		}
		line += n + (line[n] == '\n');
	}
	return NULL;
}

static bool read_locale_file(const char *path, struct locale_file *f)
{
	FILE *fp = fopen(path, "re");
	size_t n;

	if (fp == NULL)
		return false;
	n = fread(f->text, 1, sizeof(f->text) - 1, fp);
	f->text[n] = '\0';
	fclose(fp);
	return true;
}

locale_t sspr_host_locale(void)
{
	static const char *const files[] = {"/etc/locale.conf", "/etc/default/locale"};
	struct locale_file f;
	locale_t l = (locale_t)0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *name;

		if (!read_locale_file(files[i], &f))
			continue;
		name = sspr_locale_name(file_value, &f);
		if (name != NULL && !sspr_locale_names_no_language(name))
			l = sspr_messages_locale(name);
		break;
	}
	return l != (locale_t)0 ? l : sspr_messages_locale("C");
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
