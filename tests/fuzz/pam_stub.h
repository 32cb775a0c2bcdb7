/* SPDX-License-Identifier: BSD-2-Clause */
/* The libpam stand-in of fuzz_dialog.c (see pam_stub.c). */
#ifndef SSPR_FUZZ_PAM_STUB_H
#define SSPR_FUZZ_PAM_STUB_H

#include <security/pam_appl.h>

pam_handle_t *stub_handle(const char *service, const char *user, const struct pam_conv *conv);
void stub_free(pam_handle_t *h);
/* Every pam_syslog line, for the harness to check (defined there). */
void stub_log_line(const char *line);

#endif
