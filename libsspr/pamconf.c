/* SPDX-License-Identifier: BSD-2-Clause */
/* The PAM stack reader (see pamconf.h). Only what finding a module's
 * arguments, and whether libpam could load it, needs: no jumps are
 * followed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "pamconf.h"
#include "safefile.h"
#include "util.h"

#define INCLUDE_DEPTH_MAX 8 /* libpam allows a few levels; a loop ends here */
#define LINE_MAX_BYTES 4096
#define FILES_MAX 64
#define FILE_BYTES_MAX ((size_t)256 * 1024) /* PAM files are a few KiB */

struct walk {
	const char *dir;
	const char *type;
	sspr_pam_line_fn fn;
	void *ctx;
	int files;
	unsigned unfollowed; /* includes past a bound, or not readable as the walk reads */
};

static bool plain_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '.' || strlen(name) > 255)
		return false;
	return strchr(name, '/') == NULL;
}

/* One file of the stack, read whole through safefile (a regular file
 * owned by root and writable by nobody else, at most FILE_BYTES_MAX): no
 * FIFO, device or endless file can stall the reader. */
struct pam_file {
	char *text;
	size_t len, pos;
	char path[512];
	unsigned lineno, next_lineno; /* of the logical line taken last; of the next */
};

static bool read_file(const char *path, struct pam_file *pf)
{
	pf->pos = 0;
	pf->lineno = 0;
	pf->next_lineno = 1;
	snprintf(pf->path, sizeof(pf->path), "%s", path);
	return sspr_file_read(path, FILE_BYTES_MAX, SSPR_FILE_OPTIONAL, &pf->text, &pf->len,
			      NULL) == SSPR_OK;
}

static bool load_service(const struct walk *w, const char *name, struct pam_file *pf)
{
	static const char *const dirs[] = {"/etc/pam.d", "/usr/lib/pam.d"};
	char path[512];

	if (name[0] == '/') /* include and substack may name a path */
		return read_file(name, pf);
	if (!plain_name(name))
		return false;
	if (w->dir != NULL) {
		snprintf(path, sizeof(path), "%s/%s", w->dir, name);
		return read_file(path, pf);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (read_file(path, pf))
			return true;
	}
	return false;
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

/* Takes one logical line (backslash continuations joined, as libpam
 * does) from pf into out; false at the end of the file. A line longer than
 * libpam's bound is skipped whole, continuations too. */
static bool next_line(struct pam_file *pf, char *out, size_t size)
{
	size_t used = 0;
	bool skipping = false;

	pf->lineno = pf->next_lineno;
	while (pf->pos < pf->len) {
		const char *start = pf->text + pf->pos;
		const char *nl = memchr(start, '\n', pf->len - pf->pos);
		size_t len = nl != NULL ? (size_t)(nl - start) : pf->len - pf->pos;
		bool more = len > 0 && start[len - 1] == '\\';

		pf->pos += len + (nl != NULL);
		pf->next_lineno++;
		if (more)
			len--;
		if (skipping || used + len + 2 > size || memchr(start, '\0', len) != NULL) {
			skipping = more;
			used = 0;
			pf->lineno = pf->next_lineno;
			continue;
		}
		memcpy(out + used, start, len);
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
static const char *handle_line(struct walk *w, const struct pam_file *pf, char *text)
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
	if (w->type != NULL && sspr_ascii_casecmp(type, w->type) != 0)
		return NULL;
	if (sspr_ascii_casecmp(words[1], "include") == 0 || sspr_ascii_casecmp(words[1], "substack") == 0)
		return words[2];
	line.type = type;
	line.if_present = words[0][0] == '-';
	line.control = words[1];
	line.module = words[2];
	line.argc = n - 3;
	for (int i = 0; i < line.argc; i++)
		line.argv[i] = words[i + 3];
	line.file = pf->path;
	line.lineno = pf->lineno;
	w->fn(&line, w->ctx);
	return NULL;
}

/* Depth-first through the includes, in file order, with an explicit stack
 * of files (bounded by INCLUDE_DEPTH_MAX). */
static void walk_service(struct walk *w, const char *service)
{
	struct pam_file files[INCLUDE_DEPTH_MAX + 1];
	char text[LINE_MAX_BYTES];
	int depth = 0;

	if (!load_service(w, service, &files[0]))
		return;
	w->files++;
	while (depth >= 0) {
		const char *include;

		if (!next_line(&files[depth], text, sizeof(text))) {
			sspr_file_free(files[depth].text, files[depth].len);
			depth--;
			continue;
		}
		include = handle_line(w, &files[depth], text);
		if (include == NULL)
			continue;
		if (depth == INCLUDE_DEPTH_MAX || w->files >= FILES_MAX ||
		    !load_service(w, include, &files[depth + 1])) {
			w->unfollowed++;
			continue;
		}
		w->files++;
		depth++;
	}
}

int sspr_pamconf_walk_all(const char *dir, const char *service, const char *type,
			  sspr_pam_line_fn fn, void *ctx, unsigned *unfollowed)
{
	struct walk w = {.dir = dir, .type = type, .fn = fn, .ctx = ctx};

	if (unfollowed != NULL)
		*unfollowed = 0;
	if (!plain_name(service))
		return -1;
	walk_service(&w, service);
	if (w.files == 0) /* libpam's rule: a service without a file is "other" */
		walk_service(&w, "other");
	if (unfollowed != NULL)
		*unfollowed = w.unfollowed;
	return w.files;
}

int sspr_pamconf_walk(const char *dir, const char *service, const char *type, sspr_pam_line_fn fn,
		      void *ctx)
{
	return sspr_pamconf_walk_all(dir, service, type, fn, ctx, NULL);
}

const char *sspr_pamconf_module_name(const struct sspr_pam_line *line)
{
	const char *slash = strrchr(line->module, '/');

	return slash != NULL ? slash + 1 : line->module;
}

bool sspr_pamconf_line_missing(const struct sspr_pam_line *line)
{
	const char *c = line->control;
	char path[512];
	bool fatal;

	/* optional, sufficient: a failure is not the end of the stack */
	if (sspr_ascii_casecmp(c, "required") == 0 || sspr_ascii_casecmp(c, "requisite") == 0)
		fatal = true;
	else
		fatal = c[0] == '[' && strstr(c, "module_unknown=") == NULL &&
			strstr(c, "default=ignore") == NULL;
	if (!fatal || line->if_present)
		return false;
	if (line->module[0] == '/')
		snprintf(path, sizeof(path), "%s", line->module);
	else
		snprintf(path, sizeof(path), "%s/%s", SSPR_PAM_MODULE_DIR, line->module);
	return access(path, F_OK) != 0;
}

struct first_missing {
	char *module;
	size_t size;
	bool found;
};

static void note_missing(const struct sspr_pam_line *line, void *ctx)
{
	struct first_missing *m = ctx;

	if (m->found || !sspr_pamconf_line_missing(line))
		return;
	snprintf(m->module, m->size, "%s", line->module);
	m->found = true;
}

bool sspr_pamconf_find_missing(const char *dir, const char *service, const char *type,
			       char *module, size_t size)
{
	struct first_missing m = {.module = module, .size = size};

	(void)sspr_pamconf_walk(dir, service, type, note_missing, &m);
	return m.found;
}

struct module_search {
	const char *module;
	bool found;
};

static void note_module(const struct sspr_pam_line *line, void *ctx)
{
	struct module_search *m = ctx;

	m->found = m->found || strcmp(sspr_pamconf_module_name(line), m->module) == 0;
}

bool sspr_pamconf_service_exists(const char *dir, const char *service)
{
	const struct walk w = {.dir = dir};
	struct pam_file pf = {0};

	if (!load_service(&w, service, &pf))
		return false;
	sspr_file_free(pf.text, pf.len);
	return true;
}

bool sspr_pamconf_has_module(const char *dir, const char *service, const char *type,
			     const char *module)
{
	struct module_search m = {.module = module};

	(void)sspr_pamconf_walk(dir, service, type, note_module, &m);
	return m.found;
}
