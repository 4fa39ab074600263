// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output through one set of print_* calls (see output.h).
 * JSON values go into a json-c tree; json-c does all quoting and escaping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "output.h"

#define OUT_DEPTH 16

static bool json_mode, pretty_mode;
static json_object *stack[OUT_DEPTH];
static int depth;		/* stack[depth - 1] is the open container */

void out_init(bool json, bool pretty)
{
	json_mode = json;
	pretty_mode = pretty;
}

bool out_is_json(void)
{
	return json_mode;
}

static void die_nesting(void)
{
	fprintf(stderr, "clusterlbctl: internal error: bad JSON nesting\n");
	abort();
}

/* Attach v to the open container under key (objects) or at the end (arrays). */
static void attach(const char *key, json_object *v)
{
	json_object *top;

	if (depth == 0)
		die_nesting();
	top = stack[depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, v);
	else if (key)
		json_object_object_add(top, key, v);
	else
		die_nesting();
}

static void push(const char *key, json_object *v)
{
	if (depth == OUT_DEPTH)
		die_nesting();
	attach(key, v);
	stack[depth++] = v;
}

void out_begin(void)
{
	if (!json_mode)
		return;
	if (depth)
		die_nesting();
	stack[depth++] = json_object_new_object();
}

void out_end(void)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	if (json_mode) {
		if (depth != 1)
			die_nesting();
		flags |= pretty_mode ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
				     : JSON_C_TO_STRING_PLAIN;
		fputs(json_object_to_json_string_ext(stack[0], flags), stdout);
		fputc('\n', stdout);
		json_object_put(stack[0]);
		depth = 0;
	}
	fflush(stdout);
}

void open_json_object(const char *key)
{
	if (json_mode)
		push(key, json_object_new_object());
}

void close_json_object(void)
{
	if (!json_mode)
		return;
	if (depth < 2 || !json_object_is_type(stack[depth - 1], json_type_object))
		die_nesting();
	depth--;
}

void open_json_array(const char *key)
{
	if (json_mode)
		push(key, json_object_new_array());
}

void close_json_array(void)
{
	if (!json_mode)
		return;
	if (depth < 2 || !json_object_is_type(stack[depth - 1], json_type_array))
		die_nesting();
	depth--;
}

#define PRINT_BODY(jexpr, value)					\
	do {								\
		if (json_mode) {					\
			if (t & PRINT_JSON)				\
				attach(key, jexpr);			\
		} else if ((t & PRINT_FP) && fmt) {			\
			printf(fmt, value);				\
		}							\
	} while (0)

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	PRINT_BODY(json_object_new_string(value ? value : ""), value ? value : "");
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	/* Text formats use %llu: uint64_t is not unsigned long long everywhere. */
	PRINT_BODY(json_object_new_uint64(value), (unsigned long long)value);
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	PRINT_BODY(json_object_new_uint64(value), value);
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	PRINT_BODY(json_object_new_boolean(value), value ? "true" : "false");
}

void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text)
{
	PRINT_BODY(NULL, text);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (!json_mode)
		putchar('\n');
}
