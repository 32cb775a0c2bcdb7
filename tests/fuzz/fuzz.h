/* SPDX-License-Identifier: BSD-2-Clause */
/* What every harness shares: the libFuzzer entry point, the input written
 * to a file for the parsers that only read files, and a way to stop on a
 * broken property (abort, so libFuzzer keeps the input). */
#ifndef SSPR_FUZZ_H
#define SSPR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to an in-memory file (memfd, mode 0600, owned by us, so the
 * careful readers accept it) and returns a path that opens it. The same
 * file is reused for every input: no temporary file, nothing left behind.
 * Aborts when the file cannot be made: a harness that cannot feed its
 * target must not pass. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* Aborts with a message: a property the target promised does not hold. */
void fuzz_fail(const char *what) __attribute__((noreturn));

#endif
