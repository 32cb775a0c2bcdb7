/* SPDX-License-Identifier: BSD-2-Clause */
/* The store's write gate: a bounded wait for the right to write.
 *
 * LMDB serialises writers with a mutex in its lock file, and a writer that
 * is stopped (SIGSTOP, a debugger, a frozen cgroup) while it holds that
 * mutex is not dead, so the mutex is never recovered and every later
 * writer waits for ever. Any user can stop their own sspr-enroll. So every
 * writer of ours first takes this gate, an open-file-description lock on
 * a byte far past the end of the store's data file, with a deadline; it
 * reaches LMDB's mutex only once it holds the gate, and a stopped holder
 * costs the others at most the deadline.
 *
 * The gate lives in the data file, not a file of its own, so it has the
 * store's owner and mode and nobody can create, replace or chmod it.
 * OFD locks (not POSIX record locks) because a process's POSIX locks are
 * shared by its threads and dropped when any descriptor of the file is
 * closed; an OFD lock belongs to the one descriptor. Since an OFD lock
 * does not name its holder, the holder also takes a POSIX lock on the
 * next byte, read only to name it in the error. */
#ifndef SSPR_WRITE_GATE_H
#define SSPR_WRITE_GATE_H

#include "status.h"

#define SSPR_WRITE_GATE_DEFAULT_MS 3000

/* Takes the gate on fd (open for writing), waiting at most wait_ms.
 * SSPR_OK; SSPR_EBUSY when the wait ran out ("another writer (pid N)
 * holds <what>"), SSPR_ERR on a lock error; err names `what`. */
int sspr_write_gate_take(int fd, unsigned wait_ms, const char *what, struct sspr_error *err);

/* Releases what sspr_write_gate_take took. */
void sspr_write_gate_release(int fd);

#endif
