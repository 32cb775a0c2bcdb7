/* SPDX-License-Identifier: BSD-2-Clause */
/* Text from the store or the directory on its way to a terminal or into
 * JSON. Such text may have been written by anyone who could write an entry:
 * it must not move the cursor, retitle the window, hide what follows or
 * make a line read backwards. Unsafe are C0 controls and DEL, the C1
 * controls U+0080..U+009F (an 8-bit terminal obeys them as raw bytes too),
 * the bidirectional marks, embeddings, overrides and isolates (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), the line and paragraph
 * separators U+2028 and U+2029, the invisible ones a look-alike hides in
 * (zero widths U+200B..U+200D, U+2060..U+2064, U+206A..U+206F, U+FEFF,
 * the annotation marks U+FFF9..U+FFFB, the tags U+E0000..U+E007F), and
 * byte sequences that are not UTF-8. Residual: a terminal that is not in
 * UTF-8 mode reads the continuation bytes 0x80..0x9f of valid UTF-8 as C1
 * controls; ours assume UTF-8 or ASCII terminals. */
#ifndef SSPR_SAFE_TEXT_H
#define SSPR_SAFE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length (1..4) of the valid, shortest-form UTF-8 sequence at s, with its
 * code point in *cp; 0 when s does not start one (a NUL inside ends it). */
size_t sspr_utf8_decode(const unsigned char *s, uint32_t *cp);

/* True for the code points above. */
bool sspr_codepoint_unsafe(uint32_t cp);

/* Writes s to f with every unsafe character and every byte that is not
 * UTF-8 shown as '?'. */
void sspr_text_print_safe(FILE *f, const char *s);

/* Writes s to f as a JSON string: quotes and backslashes escaped, every
 * unsafe character as \uXXXX, every byte that is not UTF-8 as \ufffd. */
void sspr_text_print_json(FILE *f, const char *s);

#endif
