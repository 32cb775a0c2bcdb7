/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the whole dialog: pam_sm_authenticate and pam_sm_acct_mgmt of the
 * real module, on a real store and host key, with the conversation taken
 * from the input and, optionally, one allocation or one read or write
 * failing (the N-th call, counted from the entry point), as pam-u2f's
 * fuzz/wrap.c does. libpam is replaced by pam_stub.c.
 *
 * Input: byte 0 picks the hook (bit 0: account), the policy (bit 1:
 * enumeration = hide, bit 2: unlock offered), trigger=offer (bit 3) and
 * the user (bits 4-5: root, enrolled in every method afresh for each
 * input; daemon, an account never enrolled; a name that is no account;
 * root with resets locked). Bytes 1-2: N (little-endian; 0: no fault);
 * byte 3: what fails (bit 0: allocations, bit 1: read and write) and how
 * things stand (bit 2: root's failures already at lockout_attempts, so
 * the opening write starts the lock; bit 3: the mail command fails). The rest: one reply per prompt,
 * separated by '\n'. A reply of one byte 0x01 is a conversation error,
 * 0x02 a reply with no buffer, 0x03 the current authenticator code, 0x04
 * the answer to root's questions, 0x05 one of root's recovery codes.
 *
 * Properties: no crash, leak or sanitizer report under any fault; the
 * auth hook never returns PAM_SUCCESS (the stack decides); whoever cannot
 * reset never gets PAM_IGNORE after asking for a reset; no log line holds
 * a control character. */
#define _GNU_SOURCE /* nftw */
#include <errno.h>
#include <ftw.h>
#include <shadow.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>
#include <sodium.h>

#include "answer.h"
#include "codes.h"
#include "fuzz.h"
#include "hostkey.h"
#include "pam_stub.h"
#include "record.h"
#include "store.h"
#include "totp.h"
#include "util.h"

#define FAULT_ALLOC 1u
#define FAULT_IO 2u
#define ANSWER "fuzz answer"

static const uint8_t secret[20] = "fuzz-dialog-secret!!";
static char dir[64], store_dir[128], key_dir[128];
static char codes[10][SSPR_RECOVERY_CODE_SIZE];
static unsigned next_code;

/* ---- fault injection ------------------------------------------------ */

static bool armed;
static unsigned fault_kinds;
static unsigned long fault_at, fault_calls;

static bool fail_now(unsigned kind)
{
	if (!armed || fault_at == 0 || !(fault_kinds & kind))
		return false;
	return ++fault_calls == fault_at;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

void *__wrap_malloc(size_t n)
{
	return fail_now(FAULT_ALLOC) ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now(FAULT_ALLOC) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now(FAULT_ALLOC) ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now(FAULT_ALLOC) ? NULL : __real_strdup(s);
}

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	if (fail_now(FAULT_IO)) {
		errno = EIO;
		return -1;
	}
	return __real_read(fd, buf, n);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (fail_now(FAULT_IO)) {
		errno = EIO;
		return -1;
	}
	return __real_write(fd, buf, n);
}

/* ---- the shadow entries the module reads ---------------------------- */

/* root and daemon have a usable password (whatever this machine's shadow
 * file says, where root is often locked); anyone else has no entry. The
 * executable's own getspnam_r wins over glibc's for the module's calls. */
int getspnam_r(const char *name, struct spwd *sp, char *buf, size_t size, struct spwd **res)
{
	static const char hash[] = "$y$j9T$fuzzfuzzfuzzfuzz$fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz";
	size_t len = strlen(name) + 1;

	*res = NULL;
	if (strcmp(name, "root") != 0 && strcmp(name, "daemon") != 0)
		return ENOENT;
	if (size < len + sizeof(hash))
		return ERANGE;
	memset(sp, 0, sizeof(*sp));
	memcpy(buf, name, len);
	memcpy(buf + len, hash, sizeof(hash));
	sp->sp_namp = buf;
	sp->sp_pwdp = buf + len;
	sp->sp_lstchg = 19000;
	sp->sp_min = 0;
	sp->sp_max = 99999;
	sp->sp_warn = 7;
	sp->sp_inact = -1;
	sp->sp_expire = -1;
	sp->sp_flag = ~0UL;
	*res = sp;
	return 0;
}

/* ---- the scripted conversation --------------------------------------- */

struct script {
	const uint8_t *p, *end;
};

/* The next reply, as the application would give it; NULL with *error set
 * for a conversation error. */
static char *next_reply(struct script *sc, bool *error, bool *no_buffer)
{
	const uint8_t *nl;
	size_t len;
	char code[SSPR_TOTP_CODE_MAX + 1];

	*error = *no_buffer = false;
	if (sc->p >= sc->end) {
		*error = true; /* the user gave up (Ctrl-D) */
		return NULL;
	}
	nl = memchr(sc->p, '\n', (size_t)(sc->end - sc->p));
	len = (size_t)((nl != NULL ? nl : sc->end) - sc->p);
	sc->p += len + (nl != NULL);
	if (len == 1) {
		switch (sc->p[-1 - (nl != NULL)]) {
		case 1:
			*error = true;
			return NULL;
		case 2:
			*no_buffer = true;
			return NULL;
		case 3:
			if (sspr_totp_code(secret, sizeof(secret), 6, (uint64_t)sspr_now() / 30,
					   code) != SSPR_OK)
				abort();
			return __real_strdup(code);
		case 4:
			return __real_strdup(ANSWER);
		case 5:
			return __real_strdup(codes[next_code++ % 10]);
		default:
			break;
		}
	}
	{
		char *r = __real_malloc(len + 1);

		if (r == NULL)
			abort();
		memcpy(r, sc->p - len - (nl != NULL), len);
		r[len] = '\0';
		return r;
	}
}

static bool trace; /* FUZZ_DIALOG_TRACE set: print the dialogs (to write seeds) */

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *ctx)
{
	struct script *sc = ctx;
	struct pam_response *out = __real_calloc((size_t)n, sizeof(*out));

	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		bool error, no_buffer;

		if (trace)
			fprintf(stderr, "[%d] %s\n", msg[i]->msg_style, msg[i]->msg);
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF && msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		out[i].resp = next_reply(sc, &error, &no_buffer);
		if (error) {
			for (int j = 0; j < i; j++)
				free(out[j].resp);
			free(out);
			return PAM_CONV_ERR;
		}
	}
	*resp = out;
	return PAM_SUCCESS;
}

/* ---- the host the module runs on -------------------------------------- */

void stub_log_line(const char *line)
{
	if (trace)
		fprintf(stderr, "log: %s\n", line);
	for (const unsigned char *c = (const unsigned char *)line; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			fuzz_fail("a log line holds a control character");
}

static void write_text(const char *name, const char *text)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		fuzz_fail("cannot write the fixture");
	chmod(path, 0644);
}

static void write_policy(const char *name, bool hide, bool unlock, const char *mailer)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "store = %s\nkey_dir = %s\nlock_dir = %s/run\ngroup = *\nmin_uid = 0\n"
		 "allow_root = yes\nadmin_policy = same\nmethods = totp questions email recovery\n"
		 "questions_file = %s/questions\nquestions_to_reset = 2\n"
		 "mail_command = %s\nnotify_user = no\nlockout_attempts = 100\n"
		 "lockout_window = 60\nargon2_opslimit = 1\nargon2_memlimit = 8192\n"
		 "store_wait = 1\npassword_service = sspr-fuzz-passwd\nenumeration = %s\n"
		 "unlock = %s\n",
		 store_dir, key_dir, dir, dir, mailer, hide ? "hide" : "show", unlock ? "yes" : "no");
	write_text(name, text);
}

/* How root stands for this input. */
enum root_state { ROOT_FRESH, ROOT_LOCKED, ROOT_AT_LIMIT };

struct enrolment {
	const uint8_t *pk;
	enum root_state state;
};

/* root: every method, nothing spent; no failure and no lock, or locked,
 * or as many failures as lockout_attempts (100). */
static int enroll_root(struct sspr_record *rec, bool exists, struct sspr_event *ev, void *ctx)
{
	const struct enrolment *e = ctx;
	const uint8_t *pk = e->pk;
	size_t len = 0;

	sspr_record_init(rec);
	rec->n_totp = 1;
	snprintf(rec->totp[0].name, sizeof(rec->totp[0].name), "%s", SSPR_DEVICE_DEFAULT);
	rec->totp[0].digits = 6;
	rec->totp[0].period = 30;
	if (sspr_seal(pk, secret, sizeof(secret), rec->totp[0].sealed, sizeof(rec->totp[0].sealed),
		      &len) != SSPR_OK)
		return SSPR_ERR;
	rec->totp[0].sealed_len = (uint16_t)len;
	rec->n_questions = 3;
	for (int i = 0; i < 3; i++) {
		snprintf(rec->questions[i].question, sizeof(rec->questions[i].question),
			 "Fuzz question %d?", i + 1);
		if (sspr_answer_hash(ANSWER, 1, 8192, rec->questions[i].hash) != SSPR_OK)
			return SSPR_ERR;
	}
	rec->has_email = true;
	snprintf(rec->email.address, sizeof(rec->email.address), "root@example.org");
	rec->email.verified = true;
	if (sspr_recovery_issue(rec, 10, codes) != SSPR_OK)
		return SSPR_ERR;
	rec->registered_at = rec->confirmed_at = sspr_now();
	if (e->state == ROOT_LOCKED)
		rec->locked_until = sspr_now() + 3600;
	if (e->state == ROOT_AT_LIMIT) {
		rec->n_failures = 100;
		for (int i = 0; i < 100; i++)
			rec->failures[i] = sspr_now() - 1;
	}
	return SSPR_OK;
}

static void refresh_store(enum root_state state)
{
	static unsigned runs;
	uint8_t pk[SSPR_HOSTKEY_PUBLIC_BYTES];
	struct enrolment e = {.pk = pk, .state = state};
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	unsigned long removed = 0;

	if (sspr_hostkey_load_public(key_dir, pk, &err) != SSPR_OK ||
	    sspr_store_open_lmdb(store_dir, 0, &st, &err) != SSPR_OK ||
	    sspr_store_update(st, "root", 0, enroll_root, &e, &err) < 0)
		fuzz_fail(err.msg);
	/* Events pile up over millions of runs: drop them now and then. */
	if (++runs % 256 == 0 && sspr_store_prune_events(st, sspr_now() + 1, &removed, &err) != 0)
		fuzz_fail(err.msg);
	sspr_store_close(st);
}

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* The fixture goes when the fuzzer or the replay exits. */
static void remove_fixture(void)
{
	(void)nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	struct sspr_error err = {{0}};
	struct sspr_store *st = NULL;
	char path[160];

	if (sodium_init() < 0 || sspr_totp_init() != SSPR_OK)
		fuzz_fail("sodium_init");
	snprintf(dir, sizeof(dir), "%s/sspr-fuzz-dialog-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		fuzz_fail("mkdtemp");
	atexit(remove_fixture);
	chmod(dir, 0755);
	snprintf(store_dir, sizeof(store_dir), "%s/store", dir);
	snprintf(key_dir, sizeof(key_dir), "%s/keys", dir);
	snprintf(path, sizeof(path), "%s/run", dir);
	if (mkdir(path, 0700) != 0 || sspr_hostkey_generate(key_dir, &err) != SSPR_OK ||
	    sspr_store_open_lmdb(store_dir, SSPR_STORE_CREATE, &st, &err) != SSPR_OK)
		fuzz_fail(err.msg[0] ? err.msg : "fixture");
	sspr_store_close(st);
	write_text("questions", "Fuzz decoy one?\nFuzz decoy two?\nFuzz decoy three?\n"
				"Fuzz decoy four?\n");
	for (int i = 0; i < 8; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s%s.conf", (i & 1) ? "hide" : "show",
			 (i & 2) ? "-unlock" : "", (i & 4) ? "-nomail" : "");
		write_policy(name, i & 1, i & 2, (i & 4) ? "/bin/false" : "/bin/true");
	}
}

int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv);
int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static const char *const users[] = {"root", "daemon", "zqfuzzstranger", "root"}; /* 3: locked */
	struct script sc;
	struct pam_conv pc = {conv, &sc};
	char config[200];
	const char *argv[3];
	pam_handle_t *h;
	bool account, hide, can_reset, asked;
	const char *user;
	int argc = 0, r;

	if (!ready) {
		setup();
		trace = getenv("FUZZ_DIALOG_TRACE") != NULL;
		ready = true;
	}
	if (size < 4)
		return 0;
	account = data[0] & 1;
	hide = data[0] & 2;
	user = users[(data[0] >> 4) & 3];
	snprintf(config, sizeof(config), "config=%s/%s%s%s.conf", dir, hide ? "hide" : "show",
		 (data[0] & 4) ? "-unlock" : "", (data[3] & 8) ? "-nomail" : "");
	argv[argc++] = config;
	if (data[0] & 8)
		argv[argc++] = "trigger=offer";
	fault_at = (unsigned long)data[1] | (unsigned long)data[2] << 8;
	fault_kinds = data[3];
	fault_calls = 0;
	sc.p = data + 4;
	sc.end = data + size;
	asked = sc.p < sc.end && sc.p[0] == '\n'; /* Enter at the first prompt */
	refresh_store(((data[0] >> 4) & 3) == 3 ? ROOT_LOCKED
		      : (data[3] & 4)		? ROOT_AT_LIMIT
						: ROOT_FRESH);
	h = stub_handle("sspr-fuzz", user, &pc);
	armed = true;
	if (account)
		r = pam_sm_acct_mgmt(h, 0, argc, argv);
	else
		r = pam_sm_authenticate(h, 0, argc, argv);
	armed = false;
	stub_free(h);
	if (trace)
		fprintf(stderr, "result: %d\n", r);
	can_reset = ((data[0] >> 4) & 3) == 0 && !(data[3] & 4);
	if (!account && r == PAM_SUCCESS)
		fuzz_fail("the auth hook returned PAM_SUCCESS: the stack must decide");
	if (!account && !can_reset && asked && !(data[0] & 8) && r == PAM_IGNORE)
		fuzz_fail("someone who cannot reset got PAM_IGNORE after asking for a reset");
	return 0;
}
