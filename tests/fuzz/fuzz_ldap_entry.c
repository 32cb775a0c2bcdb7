/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzzes the directory entry decoder (sspr_ldap_entry_decode): an entry
 * comes from a directory server, which a bug, another host's newer
 * version or anyone holding the directory's administrator password may
 * have written. Properties: a refused entry leaves the record wiped; an
 * accepted one is built back into an add (sspr_ldap_mods_build), whose
 * attributes decode again to the same record and revision, so what a host
 * reads is what it can write back.
 *
 * The input is a list of attributes, each
 *   NAME   1 byte, an index (modulo) into names[] below: the real
 *          attributes, case variants, attribute options, and junk
 *   COUNT  1 byte: 0xff = no value list at all (vals == NULL), otherwise
 *          COUNT % 65 values (up to 64, past the 50 recovery codes)
 *   VALUE  COUNT times: 2 bytes big-endian length, then that many bytes
 *          (cut short where the input ends)
 * Every name and value gets its own allocation of its exact size, so a
 * read past the end of a berval is an ASan report, not a quiet success. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "fuzz.h"
#include "store_ldap_entry.h"

#define MAX_ATTRS 48
#define MAX_VALUES 64
#define MAX_TOTAL_VALUES 512

static const char *const names[] = {
    /* The mapped attributes, in the schema's order. */
    "ssprUser",
    "ssprRevision",
    "ssprUpdatedAt",
    "ssprRegisteredAt",
    "ssprConfirmedAt",
    "ssprGraceStartedAt",
    "ssprTotpSecret",
    "ssprTotpDigits",
    "ssprTotpPeriod",
    "ssprTotpLastStep",
    "ssprTotpEnrolledAt",
    "ssprQuestion",
    "ssprMail",
    "ssprMailVerifiedAt",
    "ssprRecoverySalt",
    "ssprRecoveryCode",
    "ssprPendingCode",
    "ssprFailureTimes",
    "ssprLockedUntil",
    /* Schema attributes that do not belong in an account. */
    "ssprFormat",
    "ssprDecoy",
    "ssprKeyId",
    "ssprEventId",
    "ssprEventTime",
    "ssprEventData",
    /* Names a server may send along: ignored. */
    "objectClass",
    "entryUUID",
    "entryCSN",
    "cn",
    "modifyTimestamp",
    /* Case variants: attribute names are case-insensitive. */
    "SSPRREVISION",
    "ssprquestion",
    "SsprRecoveryCode",
    "SSPRTOTPSECRET",
    /* Junk and near misses. */
    "ssprQuestion;binary",
    "ssprTotpSecret;x-tag",
    "sspr",
    "ssprUnknown",
    "",
    "ssprUser2",
    "ssprRevision ",
    " ssprMail",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

struct input {
	struct sspr_ldap_attr attrs[MAX_ATTRS];
	size_t n;
	char *name[MAX_ATTRS];
	struct berval **vals[MAX_ATTRS];
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		fuzz_fail("out of memory");
	return p;
}

static void free_input(struct input *in)
{
	for (size_t i = 0; i < in->n; i++) {
		for (size_t v = 0; in->vals[i] != NULL && in->vals[i][v] != NULL; v++) {
			free(in->vals[i][v]->bv_val);
			free(in->vals[i][v]);
		}
		free(in->vals[i]);
		free(in->name[i]);
	}
	in->n = 0;
}

/* Splits the input into attributes as the header comment says. */
static void parse(const uint8_t *d, size_t size, struct input *in)
{
	size_t pos = 0, total = 0;

	in->n = 0;
	while (pos + 2 <= size && in->n < MAX_ATTRS) {
		size_t i = in->n++, count;
		const char *name = names[d[pos] % N_NAMES];
		size_t name_len = strlen(name);

		in->name[i] = xmalloc(name_len + 1);
		memcpy(in->name[i], name, name_len + 1);
		in->vals[i] = NULL;
		count = d[pos + 1] == 0xff ? SIZE_MAX : d[pos + 1] % (MAX_VALUES + 1);
		pos += 2;
		if (count != SIZE_MAX) {
			if (count > MAX_TOTAL_VALUES - total)
				count = MAX_TOTAL_VALUES - total;
			total += count;
			in->vals[i] = xmalloc((count + 1) * sizeof(struct berval *));
			for (size_t v = 0; v < count; v++) {
				size_t len = 0;
				struct berval *bv = xmalloc(sizeof(*bv));

				if (pos + 2 <= size)
					len = (size_t)d[pos] << 8 | d[pos + 1];
				pos = pos + 2 <= size ? pos + 2 : size;
				if (len > size - pos)
					len = size - pos;
				bv->bv_val = xmalloc(len);
				memcpy(bv->bv_val, d + pos, len);
				bv->bv_len = len;
				pos += len;
				in->vals[i][v] = bv;
			}
			in->vals[i][count] = NULL;
		}
		in->attrs[i].name = in->name[i];
		in->attrs[i].vals = in->vals[i];
	}
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The header promises a repeated sspr attribute is corrupt: a real server
 * never sends one attribute twice, but a decoder must not pick one of two
 * revisions. Options (";binary") make a different name, which the decoder
 * refuses as unknown anyway. */
static bool has_repeated_sspr_attr(const struct input *in)
{
	for (size_t i = 0; i < in->n; i++) {
		if (strncasecmp(in->name[i], "sspr", 4) != 0 ||
		    strcasecmp(in->name[i], "ssprUser") == 0)
			continue;
		for (size_t j = i + 1; j < in->n; j++)
			if (strcasecmp(in->name[i], in->name[j]) == 0)
				return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	static struct sspr_record rec, again;
	static struct sspr_ldap_mods mods;
	struct sspr_ldap_attr built[SSPR_LDAP_MOD_ATTRS];
	uint64_t revision = 0, revision_again = 0;
	size_t n = 0;
	int r;

	/* Both directions use sodium_malloc, which needs sodium_init (the
	 * store calls it when it opens). */
	if (sodium_init() < 0)
		fuzz_fail("sodium_init failed");
	parse(data, size, &in);
	r = sspr_ldap_entry_decode(in.attrs, in.n, &rec, &revision);
	if (r != SSPR_OK) {
		if (r != SSPR_ECORRUPT)
			fuzz_fail("refused entry is not SSPR_ECORRUPT");
		if (!all_zero(&rec, sizeof(rec)))
			fuzz_fail("refused entry leaves the record unwiped");
		goto out;
	}
	if (revision == 0 || revision > INT64_MAX)
		fuzz_fail("accepted entry has a revision outside 1..INT64_MAX");
	if (has_repeated_sspr_attr(&in))
		fuzz_fail("entry with a repeated sspr attribute is accepted");
	if (sspr_ldap_mods_build(&mods, "fuzz", &rec, NULL, 0, revision) != SSPR_OK)
		fuzz_fail("accepted record cannot be built back into an entry");
	for (size_t i = 0; mods.list[i] != NULL; i++) {
		if (n == SSPR_LDAP_MOD_ATTRS)
			fuzz_fail("built entry has more than SSPR_LDAP_MOD_ATTRS attributes");
		built[n].name = mods.list[i]->mod_type;
		built[n].vals = mods.list[i]->mod_bvalues;
		n++;
	}
	if (sspr_ldap_entry_decode(built, n, &again, &revision_again) != SSPR_OK)
		fuzz_fail("built entry does not decode");
	if (revision_again != revision)
		fuzz_fail("built entry decodes to a different revision");
	if (memcmp(&rec, &again, sizeof(rec)) != 0)
		fuzz_fail("built entry decodes to a different record");
out:
	free_input(&in);
	return 0;
}
