/* SPDX-License-Identifier: BSD-2-Clause */
/* The connection watchdog (see the header). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "store_ldap_watch.h"
#include "util.h"

static void *watch_run(void *arg)
{
	struct sspr_ldap_watch *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->done) {
		if (pthread_cond_timedwait(&w->cv, &w->mu, &w->deadline) == ETIMEDOUT &&
		    !w->done) {
			(void)shutdown(w->fd, SHUT_RDWR);
			w->fired = true;
			break;
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

bool sspr_ldap_watch_start(struct sspr_ldap_watch *w, int fd, int64_t ms)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	w->running = w->done = w->fired = false;
	sspr_monotonic_deadline(ms, &w->deadline);
	if (pthread_condattr_init(&ca) != 0)
		return false;
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		return false;
	/* A descriptor of our own: libldap may close its one meanwhile, and
	 * the number could then be another thread's socket. */
	if ((w->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		pthread_cond_destroy(&w->cv);
		return false;
	}
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		close(w->fd);
		pthread_cond_destroy(&w->cv);
		return false;
	}
	/* The application's signals stay with its own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, watch_run, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		close(w->fd);
		return false;
	}
	/* The watch lives on the caller's stack: no cancellation may unwind
	 * it before the stop. */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &w->cancel_state);
	w->running = true;
	return true;
}

bool sspr_ldap_watch_stop(struct sspr_ldap_watch *w)
{
	bool fired;

	if (!w->running)
		return false;
	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	fired = w->fired;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	close(w->fd);
	w->running = false;
	pthread_setcancelstate(w->cancel_state, NULL);
	return fired;
}
