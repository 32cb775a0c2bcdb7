/* SPDX-License-Identifier: BSD-2-Clause */
/* Inputs that hold secrets (TOTP secrets, answers, scratch codes), read
 * whole into sodium_malloc'd memory that is wiped when freed. Reading with
 * read(2) keeps the only copy in that buffer: no stdio buffer is left
 * behind holding a secret we could not wipe. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"

static int input_alloc(size_t max, struct admin_input *in)
{
	memset(in, 0, sizeof(*in));
	in->cap = max + 1;
	in->buf = sodium_malloc(in->cap);
	if (in->buf == NULL)
		return admin_error(SSPR_ENOMEM, "out of memory");
	return SSPR_EXIT_OK;
}

void admin_input_free(struct admin_input *in)
{
	if (in->buf != NULL) {
		sodium_memzero(in->buf, in->cap);
		sodium_free(in->buf);
	}
	memset(in, 0, sizeof(*in));
}

/* Reads fd to its end into in. One byte past max tells "too big" apart
 * from "exactly max". Returns 0, or an errno value, or -1 when too big. */
static int read_all(int fd, size_t max, struct admin_input *in)
{
	for (;;) {
		ssize_t got;

		if (in->len == in->cap - 1)
			return -1;
		got = read(fd, in->buf + in->len, in->cap - 1 - in->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno;
		if (got == 0)
			break;
		in->len += (size_t)got;
		if (in->len > max)
			return -1;
	}
	in->buf[in->len] = '\0';
	return 0;
}

static int check_text(const char *what, const struct admin_input *in)
{
	if (memchr(in->buf, '\0', in->len) != NULL)
		return admin_error(SSPR_EINVAL, "%s: holds a NUL byte: not a text file", what);
	return SSPR_EXIT_OK;
}

/* Root reads files that users can reach: a user's own file may be a link
 * (or a hard link, or in a linked directory) to another user's secret.
 * What was opened is judged, never the name: its owner must be root or
 * the one account it is meant to come from, and no one else may write it. */
static int check_owner(const char *path, const struct stat *st, uid_t owner)
{
	if (st->st_uid != 0 && st->st_uid != owner)
		return admin_error(SSPR_EACCES, "%s: belongs to uid %u, not to %s: refused", path,
				   (unsigned)st->st_uid,
				   owner == 0 ? "root" : "the user or root");
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return admin_error(SSPR_EACCES, "%s: others may write it: refused", path);
	/* Another name for it elsewhere may be someone else's way in (where
	 * fs.protected_hardlinks is off, a user can link root's files). */
	if (st->st_nlink != 1)
		return admin_error(SSPR_EACCES, "%s: has %ju names (hard links): refused", path,
				   (uintmax_t)st->st_nlink);
	return SSPR_EXIT_OK;
}

int admin_input_file(const char *path, size_t max, uid_t owner, struct admin_input *in)
{
	struct stat st;
	int fd = -1, e, rc;

	if ((rc = input_alloc(max + 1, in)) != SSPR_EXIT_OK)
		return rc;
	/* O_NONBLOCK: a FIFO named by mistake must not hang the tool; it is
	 * refused below as not a regular file. O_NOFOLLOW: a symbolic link is
	 * refused (ELOOP), not followed. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		e = errno;
		rc = e == ELOOP ? admin_error(SSPR_EACCES, "%s: is a symbolic link: refused", path)
				: admin_error(e == EACCES || e == EPERM ? SSPR_EACCES : SSPR_ERR,
					      "%s: %s", path, strerror(e));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = admin_error(SSPR_EINVAL, "%s: not a regular file", path);
		goto out;
	}
	if ((rc = check_owner(path, &st, owner)) != SSPR_EXIT_OK)
		goto out;
	if ((uintmax_t)st.st_size > max) {
		rc = admin_error(SSPR_EINVAL, "%s: too large (at most %zu bytes)", path, max);
		goto out;
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		cli_warn("%s is readable by others: treat the secrets in it as exposed, and "
			   "remove it once imported",
			   path);
	e = read_all(fd, max, in);
	if (e != 0) {
		rc = e < 0
			 ? admin_error(SSPR_EINVAL, "%s: too large (at most %zu bytes)", path, max)
			 : admin_error(SSPR_ERR, "%s: %s", path, strerror(e));
		goto out;
	}
	rc = check_text(path, in);
out:
	if (fd >= 0)
		close(fd);
	if (rc != SSPR_EXIT_OK)
		admin_input_free(in);
	return rc;
}

int admin_input_stdin(size_t max, struct admin_input *in)
{
	struct termios saved, quiet;
	bool restore = false;
	int e, rc;

	if ((rc = input_alloc(max + 1, in)) != SSPR_EXIT_OK)
		return rc;
	/* Typed at a terminal, the answers must not be echoed. */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		fputs("Lines of question<TAB>answer, then Ctrl-D (not echoed):\n", stderr);
	}
	e = read_all(STDIN_FILENO, max, in);
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (e != 0) {
		rc = e < 0 ? admin_error(SSPR_EINVAL, "stdin: too much input (at most %zu bytes)",
					 max)
			   : admin_error(SSPR_ERR, "stdin: %s", strerror(e));
		goto out;
	}
	rc = check_text("stdin", in);
out:
	if (rc != SSPR_EXIT_OK)
		admin_input_free(in);
	return rc;
}

char *admin_input_line(struct admin_input *in, size_t *pos, unsigned *lineno)
{
	char *line, *nl;
	size_t n;

	if (*pos >= in->len)
		return NULL;
	line = in->buf + *pos;
	nl = memchr(line, '\n', in->len - *pos);
	n = nl != NULL ? (size_t)(nl - line) : in->len - *pos;
	*pos += n + (nl != NULL);
	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	++*lineno;
	return line;
}
