/*
 * prn_layout: the slips the kiosk prints, as prn_doc blocks.
 *
 * Contract: every word comes from the print.* keys of the catalogs
 * (assets/i18n/<lang>/print.po). With a secondary catalog (zh_CN printing
 * with en second) each heading is Chinese first and English after it, and the
 * voucher's *_en fields print under the *_zh ones; without one (lang en) the
 * slip is English only, using the *_en fields when set. The member name is
 * masked with mask_name() here, the only place it is turned into paper.
 * A pending (offline) voucher carries the 待确认 / PENDING banner and note, a
 * reprint the 重印 / REPRINT banner, both above the title so they cannot be
 * torn off with the bottom of the slip.
 */
#ifndef PRN_LAYOUT_H
#define PRN_LAYOUT_H

#include "i18n.h"
#include "kerr.h"
#include "prn_doc.h"
#include "prn_escpos.h"
#include "prn_voucher.h"

/* Gift voucher or parking receipt, by v->kind. sec may be NULL. */
int prn_layout_voucher(const prn_voucher *v, const i18n *pri, const i18n *sec, prn_doc *d,
                       char *msg);

/* The printer test page. st is NULL when the transport cannot read status;
 * raster says which mode the page goes out in. */
int prn_layout_test_page(const prn_status *st, int width, int raster, const i18n *pri,
                         const i18n *sec, prn_doc *d, char *msg);

/* Replaces each "{name}" in tmpl by val (for translated templates such as
 * "{n} 小时"); never uses tmpl as a printf format. */
void prn_layout_fill(const char *tmpl, const char *name, const char *val, char *out,
                     size_t outlen);

#endif
