/* The store's write gate (see write_gate.h). */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "write_gate.h"

/* Far past any data file: LMDB never maps or writes there, and a lock
 * needs no bytes to exist. */
#define GATE_BYTE ((off_t)1 << 40)
#define HOLDER_BYTE (GATE_BYTE + 1)

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int lock_byte(int fd, int cmd, short type, off_t at)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};

	return fcntl(fd, cmd, &fl);
}

/* The pid of whoever holds the gate, or 0 if it is not known. */
static pid_t holder(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = HOLDER_BYTE,
			   .l_len = 1};

	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK || fl.l_pid <= 0)
		return 0;
	return fl.l_pid;
}

int sspr_write_gate_take(int fd, unsigned wait_ms, const char *what, struct sspr_error *err)
{
	int64_t deadline = monotonic_ms() + wait_ms;
	long nap = 1;
	pid_t pid;

	/* Polled rather than F_OFD_SETLKW under an alarm: a PAM module must
	 * not take SIGALRM from the application. Naps grow to 50 ms, so a
	 * free gate is taken at once and a busy one costs little CPU. */
	while (lock_byte(fd, F_OFD_SETLK, F_WRLCK, GATE_BYTE) != 0) {
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return sspr_error_set(err, SSPR_ERR, "%s: cannot lock for writing: %s",
					      what, strerror(errno));
		if (monotonic_ms() >= deadline) {
			pid = holder(fd);
			if (pid > 0)
				return sspr_error_set(err, SSPR_EBUSY,
						      "%s: another writer (pid %ld) has held it for "
						      "more than %u ms",
						      what, (long)pid, wait_ms);
			return sspr_error_set(err, SSPR_EBUSY,
					      "%s: another writer has held it for more than %u ms",
					      what, wait_ms);
		}
		nap_ms(nap);
		nap = nap < 50 ? nap * 2 : 50;
	}
	/* Only a name for the error above: failing to take it changes nothing. */
	(void)lock_byte(fd, F_SETLK, F_WRLCK, HOLDER_BYTE);
	return SSPR_OK;
}

void sspr_write_gate_release(int fd)
{
	(void)lock_byte(fd, F_SETLK, F_UNLCK, HOLDER_BYTE);
	(void)lock_byte(fd, F_OFD_SETLK, F_UNLCK, GATE_BYTE);
}
