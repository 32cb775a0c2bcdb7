/* SPDX-License-Identifier: BSD-2-Clause */
/* Process-shared slots on flock (see slots.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "slots.h"

#define SLOTS_MAX 64
#define POLL_MS 20

static int open_slot(const char *dir, const char *name, unsigned i, struct sspr_error *err)
{
	char path[1100];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%u", dir, name, i) >= sizeof(path))
		return sspr_error_set(err, SSPR_EINVAL, "%s: path too long", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sspr_error_set(err, SSPR_ERR, "%s: %s", path, strerror(errno));
	return fd;
}

int sspr_slot_acquire(const char *dir, const char *name, unsigned max, unsigned timeout_ms,
		      struct sspr_slot *slot, struct sspr_error *err)
{
	unsigned waited = 0;

	slot->fd = -1;
	if (max == 0)
		return SSPR_OK;
	if (max > SLOTS_MAX)
		max = SLOTS_MAX;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return sspr_error_set(err, SSPR_ERR, "%s: %s", dir, strerror(errno));
	for (;;) {
		for (unsigned i = 0; i < max; i++) {
			int fd = open_slot(dir, name, i, err);

			if (fd < 0)
				return fd;
			if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
				slot->fd = fd;
				return SSPR_OK;
			}
			close(fd);
		}
		if (waited >= timeout_ms)
			return sspr_error_set(err, SSPR_EBUSY, "all %u %s slots stayed busy for %u ms",
					      max, name, timeout_ms);
		nanosleep(&(struct timespec){0, POLL_MS * 1000000L}, NULL);
		waited += POLL_MS;
	}
}

void sspr_slot_release(struct sspr_slot *slot)
{
	if (slot->fd >= 0)
		close(slot->fd); /* closing the last descriptor drops the lock */
	slot->fd = -1;
}
