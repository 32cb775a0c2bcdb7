/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading what the user types: lines, hidden lines and yes/no answers.
 *
 * stdin is unbuffered (main.c), so no copy of a typed secret lingers in a
 * stdio buffer and nothing is read past the line a question needs: the PAM
 * conversation, the commands and the tests' pipes all see the same line
 * boundaries. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "enroll.h"

static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

/* A signal while echo is off must not leave the terminal silent. */
static void restore_and_die(int sig)
{
	if (tty_changed)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int read_into(char *buf, size_t size)
{
	size_t n = 0;
	bool too_long = false;
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (n + 1 < size)
			buf[n++] = (char)c;
		else
			too_long = true;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (too_long) {
		sodium_memzero(buf, size);
		return -2;
	}
	if (c == EOF && n == 0)
		return -1;
	return 0;
}

int enroll_read_line(const char *prompt, char *buf, size_t size)
{
	fputs(prompt, stdout);
	fflush(stdout);
	return read_into(buf, size);
}

int enroll_read_secret(const char *prompt, char *buf, size_t size)
{
	struct sigaction sa = {.sa_handler = restore_and_die}, old[3];
	static const int sigs[3] = {SIGINT, SIGQUIT, SIGTERM};
	struct termios quiet;
	int r;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) != 0)
		return enroll_read_line(prompt, buf, size);
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tty_changed = 1;
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	r = enroll_read_line(prompt, buf, size);
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	tty_changed = 0;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return r;
}

/* The words of the user's language count as well as the English y, yes,
 * n and no (sspr_answer_is_yes), whatever the hint shows. */
int enroll_ask_yes_no(const char *question, bool def)
{
	/* TRANSLATORS: the hint after a question that Enter answers with yes:
	 * the first letters of your words for yes and no (those of "y|yes" and
	 * "n|no"), the one Enter gives in capitals. */
	const char *yes_hint = _("[Y/n]");
	/* TRANSLATORS: the same hint, for a question that Enter answers with no. */
	const char *no_hint = _("[y/N]");
	char line[64], prompt[1024];

	snprintf(prompt, sizeof(prompt), "%s %s ", question, def ? yes_hint : no_hint);
	for (int i = 0; i < 3; i++) {
		int r = enroll_read_line(prompt, line, sizeof(line));

		if (r == -1)
			return -1;
		if (r == 0 && line[0] == '\0')
			return def;
		if (r == 0 && sspr_answer_is_yes(line))
			return 1;
		if (r == 0 && sspr_answer_is_no(line))
			return 0;
		/* TRANSLATORS: y and n: the same letters as in the [Y/n] hint. */
		fputs(_("Please answer y or n.\n"), stdout);
	}
	return -1;
}
