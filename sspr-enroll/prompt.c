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
#include <strings.h>
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

int enroll_ask_yes_no(const char *question, bool def)
{
	char line[16], prompt[512];

	snprintf(prompt, sizeof(prompt), "%s %s ", question, def ? "[Y/n]" : "[y/N]");
	for (int i = 0; i < 3; i++) {
		int r = enroll_read_line(prompt, line, sizeof(line));

		if (r == -1)
			return -1;
		if (r == 0 && line[0] == '\0')
			return def;
		if (r == 0 && (strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0))
			return 1;
		if (r == 0 && (strcasecmp(line, "n") == 0 || strcasecmp(line, "no") == 0))
			return 0;
		printf("Please answer y or n.\n");
	}
	return -1;
}
