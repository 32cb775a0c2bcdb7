/* The PAM stack reader (see pamconf.h). Only what finding a module's
 * arguments needs: no control values are interpreted. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pamconf.h"

#define INCLUDE_DEPTH_MAX 8 /* libpam allows a few levels; a loop ends here */
#define LINE_MAX_BYTES 4096
#define FILES_MAX 64

struct walk {
	const char *dir;
	const char *type;
	sspr_pam_line_fn fn;
	void *ctx;
	int files;
};

static bool plain_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '.' || strlen(name) > 255)
		return false;
	return strchr(name, '/') == NULL;
}

static FILE *open_service(const struct walk *w, const char *name)
{
	static const char *const dirs[] = {"/etc/pam.d", "/usr/lib/pam.d"};
	char path[512];

	if (name[0] == '/') /* include and substack may name a path */
		return fopen(name, "re");
	if (!plain_name(name))
		return NULL;
	if (w->dir != NULL) {
		snprintf(path, sizeof(path), "%s/%s", w->dir, name);
		return fopen(path, "re");
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		f = fopen(path, "re");
		if (f != NULL || errno != ENOENT)
			return f;
	}
	return NULL;
}

/* Splits a line into words; a [...] control value is one word, as libpam
 * reads it. Returns the number of words. */
static int split(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		words[n++] = p;
		if (*p == '[') {
			char *close = strchr(p, ']');

			p = close != NULL ? close + 1 : p + strlen(p);
		} else {
			p += strcspn(p, " \t");
		}
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	return n;
}

static void walk_file(struct walk *w, const char *name, int depth);

static void walk_line(struct walk *w, char *text, int depth)
{
	char *words[SSPR_PAMCONF_ARGS_MAX + 3];
	int n = split(text, words, (int)(sizeof(words) / sizeof(words[0])));
	const char *type;
	struct sspr_pam_line line;

	if (n == 0)
		return;
	if (strcmp(words[0], "@include") == 0) {
		if (n >= 2)
			walk_file(w, words[1], depth + 1);
		return;
	}
	if (n < 3)
		return;
	type = words[0][0] == '-' ? words[0] + 1 : words[0];
	if (w->type != NULL && strcmp(type, w->type) != 0)
		return;
	if (strcmp(words[1], "include") == 0 || strcmp(words[1], "substack") == 0) {
		walk_file(w, words[2], depth + 1);
		return;
	}
	line.type = type;
	line.if_present = words[0][0] == '-';
	line.module = words[2];
	line.argc = n - 3;
	for (int i = 0; i < line.argc; i++)
		line.argv[i] = words[i + 3];
	w->fn(&line, w->ctx);
}

static void walk_file(struct walk *w, const char *name, int depth)
{
	char buf[LINE_MAX_BYTES], joined[LINE_MAX_BYTES];
	size_t used = 0;
	FILE *f;

	if (depth > INCLUDE_DEPTH_MAX || w->files >= FILES_MAX)
		return;
	f = open_service(w, name);
	if (f == NULL)
		return;
	w->files++;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t len = strcspn(buf, "\n");
		bool more;

		if (buf[len] != '\n' && !feof(f)) {
			/* A line longer than libpam's bound: skip the rest. */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			used = 0;
			continue;
		}
		buf[len] = '\0';
		/* A backslash at the end continues the line, as for libpam. */
		more = len > 0 && buf[len - 1] == '\\';
		if (more)
			buf[--len] = '\0';
		if (used + len + 2 > sizeof(joined)) {
			used = 0;
			continue;
		}
		memcpy(joined + used, buf, len);
		used += len;
		joined[used] = '\0';
		if (more) {
			joined[used++] = ' ';
			continue;
		}
		walk_line(w, joined, depth);
		used = 0;
	}
	fclose(f);
}

int sspr_pamconf_walk(const char *dir, const char *service, const char *type,
		      sspr_pam_line_fn fn, void *ctx)
{
	struct walk w = {.dir = dir, .type = type, .fn = fn, .ctx = ctx};

	if (!plain_name(service))
		return -1;
	walk_file(&w, service, 0);
	if (w.files == 0) /* libpam's rule: a service without a file is "other" */
		walk_file(&w, "other", 0);
	return w.files;
}
