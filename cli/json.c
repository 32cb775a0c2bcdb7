/* SPDX-License-Identifier: BSD-2-Clause */
/* The JSON writer (json.h). */
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "method.h"
#include "record.h"
#include "safe_text.h"

void cli_json_init(struct cli_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Our documents are a few levels deep; past the limit the commas of the
 * deepest levels share one slot, which never happens in practice but keeps
 * every index in bounds. */
static bool *comma_slot(struct cli_json *j)
{
	return &j->need_comma[j->depth < CLI_JSON_DEPTH_MAX ? j->depth : CLI_JSON_DEPTH_MAX];
}

/* Before any value: the comma that separates it from the previous one. */
static void before_value(struct cli_json *j)
{
	bool *slot = comma_slot(j);

	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (*slot)
		fputc(',', j->f);
	*slot = true;
}

static void open_container(struct cli_json *j, char c)
{
	before_value(j);
	fputc(c, j->f);
	j->depth++;
	*comma_slot(j) = false;
}

static void close_container(struct cli_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
}

void cli_json_begin_object(struct cli_json *j)
{
	open_container(j, '{');
}

void cli_json_end_object(struct cli_json *j)
{
	close_container(j, '}');
}

void cli_json_begin_array(struct cli_json *j)
{
	open_container(j, '[');
}

void cli_json_end_array(struct cli_json *j)
{
	close_container(j, ']');
}

void cli_json_key(struct cli_json *j, const char *key)
{
	before_value(j);
	sspr_text_print_json(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void cli_json_string(struct cli_json *j, const char *s)
{
	before_value(j);
	sspr_text_print_json(j->f, s);
}

void cli_json_int(struct cli_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void cli_json_uint(struct cli_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void cli_json_bool(struct cli_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void cli_json_null(struct cli_json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void cli_json_time(struct cli_json *j, int64_t t)
{
	char buf[CLI_TIME_MAX];

	if (t == 0)
		cli_json_null(j);
	else
		cli_json_string(j, cli_time_iso(t, buf));
}

void cli_json_methods(struct cli_json *j, unsigned mask)
{
	cli_json_begin_array(j);
	SSPR_FOR_EACH_METHOD(m)
		if (mask & m)
			cli_json_string(j, sspr_method_name(m));
	cli_json_end_array(j);
}

void cli_json_contact(struct cli_json *j, const char *key, bool has, const struct sspr_contact *c,
		      bool iso_time)
{
	cli_json_key(j, key);
	if (!has) {
		cli_json_null(j);
		return;
	}
	cli_json_begin_object(j);
	cli_json_key(j, "address");
	cli_json_string(j, c->address);
	cli_json_key(j, "verified");
	cli_json_bool(j, c->verified);
	cli_json_key(j, "verified_at");
	if (iso_time)
		cli_json_time(j, c->verified_at);
	else
		cli_json_int(j, c->verified_at);
	cli_json_end_object(j);
}
