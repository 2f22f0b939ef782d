/*
 * prn_slip: the donation thank-you slip (公益积分, issue 10), as prn_doc
 * blocks, from a prn_voucher of kind "thanks".
 *
 * What it prints: the mall's logo and name, the title 感谢您的爱心 / Thank
 * you for giving, the charity project's name, the points donated, the
 * mall's total for the project, the member id masked (prn_slip_mask_id), the
 * date, and a QR of the donation id with the id under it (what the service
 * desk looks up); then the kiosk and a line of thanks.
 *
 * Contract: the words come from the print.thanks.* keys of the catalogs
 * (assets/i18n/<lang>/offers.po), both languages as prn_layout.h does (sec
 * may be NULL: one language). No member name goes on this slip. 0 = done;
 * else KERR_NOMEM with msg.
 */
#ifndef PRN_SLIP_H
#define PRN_SLIP_H

#include <stddef.h>

#include "i18n.h"
#include "kerr.h"
#include "prn_doc.h"
#include "prn_voucher.h"

int prn_slip_thanks(const prn_voucher *v, const i18n *pri, const i18n *sec, prn_doc *d,
                    char *msg);

/* The first two and the last two characters, '*' for each one between
 * (M100001 → M1***01); ids of 4 characters or fewer become all '*'. */
void prn_slip_mask_id(const char *id, char *out, size_t outlen);

#endif
