/* A tiny streaming JSON writer for --json output. Strings are escaped per
 * RFC 8259; bytes that are not valid UTF-8 become U+FFFD so the output is
 * always valid JSON whatever a record holds. */
#include <inttypes.h>
#include <string.h>

#include "admin.h"
#include "record.h"
#include "safe_text.h"

void admin_json_init(struct admin_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Our documents are a few levels deep; past the limit the commas of the
 * deepest levels share one slot, which never happens in practice but keeps
 * every index in bounds. */
static bool *comma_slot(struct admin_json *j)
{
	return &j->need_comma[j->depth < ADMIN_JSON_DEPTH_MAX ? j->depth : ADMIN_JSON_DEPTH_MAX];
}

/* Before any value: the comma that separates it from the previous one. */
static void before_value(struct admin_json *j)
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

static void open_container(struct admin_json *j, char c)
{
	before_value(j);
	fputc(c, j->f);
	j->depth++;
	*comma_slot(j) = false;
}

static void close_container(struct admin_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
}

void admin_json_begin_object(struct admin_json *j)
{
	open_container(j, '{');
}

void admin_json_end_object(struct admin_json *j)
{
	close_container(j, '}');
}

void admin_json_begin_array(struct admin_json *j)
{
	open_container(j, '[');
}

void admin_json_end_array(struct admin_json *j)
{
	close_container(j, ']');
}

void admin_json_key(struct admin_json *j, const char *key)
{
	before_value(j);
	sspr_text_print_json(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void admin_json_string(struct admin_json *j, const char *s)
{
	before_value(j);
	sspr_text_print_json(j->f, s);
}

void admin_json_int(struct admin_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void admin_json_uint(struct admin_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void admin_json_bool(struct admin_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void admin_json_null(struct admin_json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void admin_json_time(struct admin_json *j, int64_t t)
{
	char buf[ADMIN_TIME_MAX];

	if (t == 0)
		admin_json_null(j);
	else
		admin_json_string(j, admin_time_iso(t, buf));
}

void admin_json_methods(struct admin_json *j, unsigned mask)
{
	admin_json_begin_array(j);
	for (unsigned bit = 1; bit <= SSPR_METHOD_ALL; bit <<= 1) {
		const char *name;

		if ((mask & bit) != 0 && (name = sspr_method_name(bit)) != NULL)
			admin_json_string(j, name);
	}
	admin_json_end_array(j);
}
