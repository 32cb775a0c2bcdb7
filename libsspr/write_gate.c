/* SPDX-License-Identifier: BSD-2-Clause */
/* The store's write gate (see write_gate.h). */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "write_gate.h"
#include "util.h"

/* Far past any data file: LMDB never maps or writes there, and a lock
 * needs no bytes to exist. */
#define GATE_BYTE ((off_t)1 << 40)
#define HOLDER_BYTE (GATE_BYTE + 1)

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

/* A blocking wait for the gate, in a thread of its own so that the caller
 * can give up at its deadline: the kernel wakes a waiter the moment the
 * gate is released, where polling would lose every race to a holder that
 * writes in a loop. No signal is involved (a PAM module must not take
 * SIGALRM from the application): the wait is ended by cancelling the
 * thread, whose fcntl is a cancellation point. */
struct gate_wait {
	int fd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	int rc, error;
};

static void *wait_for_gate(void *arg)
{
	struct gate_wait *w = arg;
	int rc = lock_byte(w->fd, F_OFD_SETLKW, F_WRLCK, GATE_BYTE);
	int error = errno;

	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->error = error;
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* glibc unwinds a cancelled thread with libgcc_s, which it loads at the
 * first cancellation, and aborts the process when it cannot: load it
 * first, or do without the thread. */
static bool cancellation_works(void)
{
	static int state; /* 0: not known yet; 1: works; -1: does not */

	if (state == 0)
		state = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE) != NULL ? 1 : -1;
	return state > 0;
}

/* Without cancellation: tries every few milliseconds. Less fair than the
 * kernel's wake-up (a writer in a loop may win every time), but bounded. */
static int poll_until(int fd, unsigned wait_ms)
{
	int64_t deadline = sspr_monotonic_ms() + wait_ms;
	long nap = 1;

	while (lock_byte(fd, F_OFD_SETLK, F_WRLCK, GATE_BYTE) != 0) {
		struct timespec ts;

		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return errno;
		if (sspr_monotonic_ms() >= deadline)
			return ETIMEDOUT;
		ts.tv_sec = 0;
		ts.tv_nsec = nap * 1000000L;
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		nap = nap < 8 ? nap * 2 : 10;
	}
	return 0;
}

/* 0 with the gate taken, ETIMEDOUT, or an errno. */
static int wait_until(int fd, unsigned wait_ms)
{
	struct gate_wait w = {.fd = fd, .mu = PTHREAD_MUTEX_INITIALIZER};
	pthread_condattr_t attr;
	struct timespec deadline;
	pthread_t thread;
	int r;

	if (!cancellation_works())
		return poll_until(fd, wait_ms);
	if (pthread_condattr_init(&attr) != 0)
		return ENOMEM;
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	r = pthread_cond_init(&w.cv, &attr);
	pthread_condattr_destroy(&attr);
	if (r != 0)
		return r;
	sspr_monotonic_deadline(wait_ms, &deadline);
	r = pthread_create(&thread, NULL, wait_for_gate, &w);
	if (r != 0) {
		pthread_cond_destroy(&w.cv);
		return r;
	}
	pthread_mutex_lock(&w.mu);
	while (!w.done && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&w.cv, &w.mu, &deadline);
	pthread_mutex_unlock(&w.mu);
	if (!w.done)
		pthread_cancel(thread);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&w.cv);
	if (w.done && w.rc == 0)
		return 0; /* taken, if only just */
	/* Cancelled: the kernel may have granted the lock as the cancel
	 * came. The gate belongs to the descriptor, so let it go here. */
	(void)lock_byte(fd, F_OFD_SETLK, F_UNLCK, GATE_BYTE);
	return w.done ? w.error : ETIMEDOUT;
}

int sspr_write_gate_take(int fd, unsigned wait_ms, const char *what, struct sspr_error *err)
{
	pid_t pid;
	int r = 0;

	if (lock_byte(fd, F_OFD_SETLK, F_WRLCK, GATE_BYTE) != 0) {
		if (errno != EAGAIN && errno != EACCES)
			r = errno;
		else
			r = wait_until(fd, wait_ms);
	}
	if (r == ETIMEDOUT) {
		pid = holder(fd);
		if (pid > 0)
			return sspr_error_set(err, SSPR_EBUSY,
					      "%s: another writer (pid %ld) has held it for more "
					      "than %u ms",
					      what, (long)pid, wait_ms);
		return sspr_error_set(err, SSPR_EBUSY,
				      "%s: another writer has held it for more than %u ms", what,
				      wait_ms);
	}
	if (r != 0)
		return sspr_error_set(err, SSPR_ERR, "%s: cannot lock for writing: %s", what,
				      strerror(r));
	/* Only a name for the error above: failing to take it changes nothing. */
	(void)lock_byte(fd, F_SETLK, F_WRLCK, HOLDER_BYTE);
	return SSPR_OK;
}

void sspr_write_gate_release(int fd)
{
	(void)lock_byte(fd, F_SETLK, F_UNLCK, HOLDER_BYTE);
	(void)lock_byte(fd, F_OFD_SETLK, F_UNLCK, GATE_BYTE);
}
