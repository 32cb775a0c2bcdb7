/* SPDX-License-Identifier: BSD-2-Clause */
/* A QR code in the terminal: two rows of modules per line of text with
 * Unicode half blocks, in colours set here rather than the theme's: black
 * modules on a white ground (the quiet zone too). Left to the theme, a code
 * drawn for light-on-dark terminals comes out inverted on a light one,
 * which many scanners (zbar among them) do not read. Each line ends by
 * resetting the colours, so a scrolling terminal does not paint the rest
 * of the line white. */
#include <stdio.h>

#include <qrencode.h>

#include "enroll.h"

#define QUIET_ZONE 2
#define BLACK_ON_WHITE "\033[0;30;47m" /* 47, not 107: the Linux console has no bright grounds */
#define DEFAULT_COLOURS "\033[0m"

static bool dark(const QRcode *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return qr->data[y * qr->width + x] & 1;
}

int enroll_draw_qr(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

	if (qr == NULL)
		return -1;
	/* Dark modules are drawn (the black foreground), light ones are left
	 * as the white ground, in pairs of rows: upper and lower half. */
	for (int y = -QUIET_ZONE; y < qr->width + QUIET_ZONE; y += 2) {
		fputs(BLACK_ON_WHITE, stdout);
		for (int x = -QUIET_ZONE; x < qr->width + QUIET_ZONE; x++) {
			bool top = dark(qr, x, y), bottom = dark(qr, x, y + 1);

			if (top && bottom)
				fputs("\u2588", stdout);
			else if (top)
				fputs("\u2580", stdout);
			else if (bottom)
				fputs("\u2584", stdout);
			else
				fputs(" ", stdout);
		}
		fputs(DEFAULT_COLOURS "\n", stdout);
	}
	QRcode_free(qr);
	return 0;
}
