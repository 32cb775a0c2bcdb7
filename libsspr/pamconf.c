/* The PAM stack reader (see pamconf.h). Only what finding a module's
 * arguments needs: no control values are interpreted. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pamconf.h"

#define INCLUDE_DEPTH_MAX 8 /* libpam allows a few levels; a loop ends here */
#define LINE_MAX_BYTES 4096
#define FILES_MAX 64
#define FILE_BYTES_MAX (256 * 1024L) /* read of one file; PAM files are a few KiB */

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

/* Reads one logical line (backslash continuations joined, as libpam does)
 * into out; false at the end of the file or of its byte budget (*left). A
 * line longer than libpam's bound is skipped whole, continuations too. */
static bool next_line(FILE *f, long *left, char *out, size_t size)
{
	char buf[LINE_MAX_BYTES];
	size_t used = 0;
	bool skipping = false;

	while (*left > 0 && fgets(buf, sizeof(buf), f) != NULL) {
		size_t len = strcspn(buf, "\n");
		bool more;

		*left -= (long)strlen(buf);
		if (buf[len] != '\n' && !feof(f)) {
			skipping = true; /* longer than the buffer: drop this line */
			continue;
		}
		buf[len] = '\0';
		more = len > 0 && buf[len - 1] == '\\';
		if (more)
			buf[--len] = '\0';
		if (skipping || used + len + 2 > size) {
			skipping = more;
			used = 0;
			continue;
		}
		memcpy(out + used, buf, len);
		used += len;
		out[used] = '\0';
		if (!more)
			return true;
		out[used++] = ' ';
	}
	return false;
}

/* The include to follow, if the line is one ("@include FILE", "TYPE
 * include FILE", "TYPE substack FILE" of a matching type); otherwise
 * reports a module line and returns NULL. Points into text. */
static const char *handle_line(struct walk *w, char *text)
{
	char *words[SSPR_PAMCONF_ARGS_MAX + 3];
	int n = split(text, words, (int)(sizeof(words) / sizeof(words[0])));
	const char *type;
	struct sspr_pam_line line;

	if (n == 0)
		return NULL;
	if (strcmp(words[0], "@include") == 0)
		return n >= 2 ? words[1] : NULL;
	if (n < 3)
		return NULL;
	/* libpam reads types and the include keywords in any case. */
	type = words[0][0] == '-' ? words[0] + 1 : words[0];
	if (w->type != NULL && strcasecmp(type, w->type) != 0)
		return NULL;
	if (strcasecmp(words[1], "include") == 0 || strcasecmp(words[1], "substack") == 0)
		return words[2];
	line.type = type;
	line.if_present = words[0][0] == '-';
	line.control = words[1];
	line.module = words[2];
	line.argc = n - 3;
	for (int i = 0; i < line.argc; i++)
		line.argv[i] = words[i + 3];
	w->fn(&line, w->ctx);
	return NULL;
}

/* Depth-first through the includes, in file order, with an explicit stack
 * of open files (bounded by INCLUDE_DEPTH_MAX). */
static void walk_service(struct walk *w, const char *service)
{
	FILE *open_files[INCLUDE_DEPTH_MAX + 1];
	long left[INCLUDE_DEPTH_MAX + 1];
	char text[LINE_MAX_BYTES];
	int depth = 0;

	open_files[0] = open_service(w, service);
	if (open_files[0] == NULL)
		return;
	left[0] = FILE_BYTES_MAX;
	w->files++;
	while (depth >= 0) {
		const char *include;
		FILE *f;

		if (!next_line(open_files[depth], &left[depth], text, sizeof(text))) {
			fclose(open_files[depth--]);
			continue;
		}
		include = handle_line(w, text);
		if (include == NULL || depth == INCLUDE_DEPTH_MAX || w->files >= FILES_MAX)
			continue;
		f = open_service(w, include);
		if (f == NULL)
			continue;
		w->files++;
		open_files[++depth] = f;
		left[depth] = FILE_BYTES_MAX;
	}
}

int sspr_pamconf_walk(const char *dir, const char *service, const char *type, sspr_pam_line_fn fn,
		      void *ctx)
{
	struct walk w = {.dir = dir, .type = type, .fn = fn, .ctx = ctx};

	if (!plain_name(service))
		return -1;
	walk_service(&w, service);
	if (w.files == 0) /* libpam's rule: a service without a file is "other" */
		walk_service(&w, "other");
	return w.files;
}
