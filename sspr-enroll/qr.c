/* SPDX-License-Identifier: BSD-2-Clause */
/* A QR code in the terminal: two rows of modules per line of text with
 * Unicode half blocks. Light modules (and the quiet zone) are drawn in the
 * text colour, dark ones are left as background: dark-on-light on the
 * usual light-on-dark terminal. On a light theme the code comes out
 * inverted, which most authenticator apps still read; the otpauth URI and
 * the key printed under it cover the rest. */
#include <stdio.h>

#include <qrencode.h>

#include "enroll.h"

#define QUIET_ZONE 2

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
	/* Light modules are printed as full blocks (the foreground colour),
	 * dark ones as spaces, in pairs of rows: upper and lower half. */
	for (int y = -QUIET_ZONE; y < qr->width + QUIET_ZONE; y += 2) {
		for (int x = -QUIET_ZONE; x < qr->width + QUIET_ZONE; x++) {
			bool top = !dark(qr, x, y), bottom = !dark(qr, x, y + 1);

			if (top && bottom)
				fputs("\u2588", stdout);
			else if (top)
				fputs("\u2580", stdout);
			else if (bottom)
				fputs("\u2584", stdout);
			else
				fputs(" ", stdout);
		}
		fputs("\n", stdout);
	}
	QRcode_free(qr);
	return 0;
}
