/* SPDX-License-Identifier: BSD-2-Clause */
/* Decoy challenges (enumeration = hide): what someone who cannot reset
 * sees instead of "not set up" or "locked", and what an enrolled user sees
 * for a method of the menu they did not enroll. Each method's decoy lives
 * next to its real challenge (challenge_*.c, the method table in
 * challenge.c); this file has what they share and the entry point. The
 * truth goes only to syslog and the audit trail, written before the decoy
 * starts. */
#include <syslog.h>

#include <security/pam_ext.h>
#include <sodium.h>

#include "challenge.h"
#include "conv.h"
#include "decoy.h"

/* A synced store write where the real challenge makes one (opening,
 * verdict). When it fails, the decoy ends as the real challenge does when
 * its write fails: "unavailable" (a stopped writer must not tell who is
 * real). Returns SSPR_OK or the store's error, reported. */
int sspr_decoy_pace(struct sspr_session *s, const char *method)
{
	struct sspr_error err = {{0}};
	int r = sspr_session_paced_write(s, &err);

	if (r != SSPR_OK) {
		sspr_session_stop(s, LOG_ERR, false, "unavailable", method, err.msg,
				  SSPR_MSG_UNAVAILABLE);
	}
	return r;
}

/* Asks one prompt; false when the conversation failed, which is then
 * answered as a real challenge answers it (sspr_session_aborted, with its
 * audit write). */
bool sspr_decoy_ask(struct sspr_session *s, const char *method, const char *prompt,
		    const char *refusal, char **reply)
{
	if (sspr_conv_ask(s->pamh, PAM_PROMPT_ECHO_OFF, prompt, reply) == PAM_SUCCESS)
		return true;
	sspr_session_aborted(s, method, refusal);
	return false;
}

int sspr_decoy_refuse(struct sspr_session *s, const char *method, const char *text)
{
	int r = sspr_decoy_pace(s, method);

	if (r != SSPR_OK)
		return r;
	sspr_session_refuse(s, text);
	return SSPR_EBADCODE;
}

int sspr_decoy_secret(struct sspr_session *s, const char *method, const char *prompt,
		      const char *refusal, sspr_decoy_work_fn work)
{
	struct sspr_record *scratch = sodium_malloc(sizeof(*scratch));
	char *typed = NULL;

	if (!sspr_decoy_ask(s, method, _(prompt), refusal, &typed)) {
		sodium_free(scratch);
		return SSPR_EINVAL;
	}
	if (scratch != NULL) {
		sspr_record_init(scratch);
		work(scratch, typed);
		sodium_free(scratch);
	}
	sspr_conv_free(typed);
	return sspr_decoy_refuse(s, method, refusal);
}

int sspr_decoy_challenge(struct sspr_session *s, unsigned method, const struct sspr_record *rec,
			 bool opened)
{
	/* A real challenge opens with a write that counts the attempt
	 * (sspr_challenge_begin); unless that write was made, so does this. */
	if (!opened && sspr_decoy_pace(s, sspr_method_name(method)) != SSPR_OK)
		return SSPR_ERR;
	return sspr_method_ops_of(method)->decoy(s, rec);
}
