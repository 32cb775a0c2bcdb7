/* SPDX-License-Identifier: BSD-2-Clause */
/* Process-shared slots: at most max holders, released when a holder dies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "slots.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sspr-slots-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_at_most_max_holders(void **state)
{
	struct sspr_slot a, b, c;
	struct sspr_error err;
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/run", dir); /* created on first use */
	assert_int_equal(sspr_slot_acquire(sub, "t", 2, 0, &a, &err), SSPR_OK);
	assert_int_equal(sspr_slot_acquire(sub, "t", 2, 0, &b, &err), SSPR_OK);
	assert_int_equal(sspr_slot_acquire(sub, "t", 2, 100, &c, &err), SSPR_EBUSY);
	assert_int_equal(c.fd, -1);
	sspr_slot_release(&a);
	assert_int_equal(sspr_slot_acquire(sub, "t", 2, 0, &c, &err), SSPR_OK);
	sspr_slot_release(&b);
	sspr_slot_release(&c);
	/* max 0: no limit, nothing held. */
	assert_int_equal(sspr_slot_acquire("/nonexistent/dir", "t", 0, 0, &a, &err), SSPR_OK);
	assert_int_equal(a.fd, -1);
}

static void test_a_killed_holder_frees_its_slot(void **state)
{
	struct sspr_slot s;
	struct sspr_error err;
	int ready[2], status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		struct sspr_slot held;

		if (sspr_slot_acquire(dir, "k", 1, 0, &held, &err) != SSPR_OK)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(sspr_slot_acquire(dir, "k", 1, 50, &s, &err), SSPR_EBUSY);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_int_equal(sspr_slot_acquire(dir, "k", 1, 1000, &s, &err), SSPR_OK);
	sspr_slot_release(&s);
	close(ready[0]);
	close(ready[1]);
}

static void test_unusable_directory_is_an_error(void **state)
{
	struct sspr_slot s;
	struct sspr_error err = {{0}};

	assert_int_equal(sspr_slot_acquire("/proc/sspr-no", "t", 1, 0, &s, &err), SSPR_ERR);
	assert_non_null(err.msg[0] != '\0' ? err.msg : NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_at_most_max_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_killed_holder_frees_its_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_directory_is_an_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
