/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON, after iproute2's json_print.h.
 *
 * Every value is printed with print_*(type, key, fmt, value):
 *   PRINT_FP    text only (fmt is used, key ignored)
 *   PRINT_JSON  JSON only (key is used, fmt ignored)
 *   PRINT_ANY   whichever mode is on
 * In JSON mode the values build a json-c tree (no hand-written escaping);
 * out_end() prints it as one document. Text mode prints straight to stdout.
 */
#ifndef CLUSTERLBCTL_OUTPUT_H
#define CLUSTERLBCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 3,
};

void out_init(bool json, bool pretty);
bool out_is_json(void);

/* Start a JSON document whose root is an object (text: nothing). */
void out_begin(void);
/* Print the document and a newline, flush stdout (text: just flush). */
void out_end(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text);
/* Text only; JSON has no layout. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_nl(void);

#endif
