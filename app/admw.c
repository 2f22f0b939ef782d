#include "admw.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "klog.h"
#include "offline.h"
#include "prn_doc.h"
#include "prn_job.h"
#include "prn_journal.h"
#include "prn_layout.h"
#include "prn_text.h"
#include "prn_transport.h"

enum { WANT_REFRESH = 1, WANT_TEST = 2 };

struct admw {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int want, stopping;
  admw_config cfg;
  char uri[1024];
  admw_snapshot snap; /* under mu */
};

static int is_file(const char *uri) { return !strncmp(uri, "file:", 5); }

static int owed_row(void *ctx, const prn_journal_entry *e) {
  admw_snapshot *s = ctx;
  if (s->n_owed == ADMW_OWED_MAX) {
    s->more_owed++;
    return 0;
  }
  snprintf(s->owed[s->n_owed].code, sizeof s->owed[0].code, "%.64s", e->code);
  snprintf(s->owed[s->n_owed].state, sizeof s->owed[0].state, "%s",
           prn_journal_state_name(e->state));
  s->owed[s->n_owed].attempts = e->attempts;
  s->owed[s->n_owed].created_ms = e->created_ms;
  s->n_owed++;
  return 0;
}

static void printer_status(admw *w, admw_snapshot *s) {
  if (!w->uri[0]) {
    s->printer = ADMW_PRN_UNREACHABLE;
    snprintf(s->printer_msg, sizeof s->printer_msg, "no printer");
    return;
  }
  if (is_file(w->uri)) {
    /* The demo's printer: the folder is long and says nothing on screen. */
    const char *base = strrchr(w->uri, '/');
    s->printer = ADMW_PRN_NO_STATUS;
    snprintf(s->printer_msg, sizeof s->printer_msg, "file:%s%.64s",
             base ? "…" : "", base ? base : w->uri + 5);
    return;
  }
  prn_opts po;
  prn_transport_defaults(&po);
  prn_transport *t = NULL;
  kerr_msg msg = "";
  int rc = prn_transport_open(w->uri, &po, &t, msg);
  if (!rc) rc = prn_transport_status(t, &s->status, msg);
  prn_transport_close(t);
  if (rc == KERR_UNSUPPORTED) {
    s->printer = ADMW_PRN_NO_STATUS;
  } else if (rc) {
    s->printer = ADMW_PRN_UNREACHABLE;
  } else {
    s->printer = prn_escpos_status_blocks(&s->status) ? ADMW_PRN_FAULT : ADMW_PRN_OK;
    prn_job_describe(&s->status, msg, sizeof msg);
  }
  snprintf(s->printer_msg, sizeof s->printer_msg, "%s", msg);
}

/* The latest vouchers the central voided, and how many in all. */
static void offline_voids(admw *w, admw_snapshot *s) {
  offline_entry e[ADMW_VOID_MAX];
  offline_stats_t st;
  kerr_msg msg = "";
  int n = 0;
  s->n_void = 0;
  s->have_void = w->cfg.off && offline_stats(w->cfg.off, &st, msg) == KERR_OK &&
                 offline_list_void(w->cfg.off, e, ADMW_VOID_MAX, &n, msg) == KERR_OK;
  if (w->cfg.off && !s->have_void) klog_warn("admin", "offline vouchers: %s", msg);
  if (!s->have_void) return;
  s->n_voided = st.voided;
  for (int i = 0; i < n; i++) {
    snprintf(s->voids[i].voucher_id, sizeof s->voids[i].voucher_id, "%s", e[i].voucher_id);
    snprintf(s->voids[i].item_id, sizeof s->voids[i].item_id, "%s", e[i].item_id);
    snprintf(s->voids[i].reason, sizeof s->voids[i].reason, "%s", e[i].reason);
    s->voids[i].settled_at = e[i].settled_at;
  }
  s->n_void = n;
}

static void refresh(admw *w, admw_snapshot *s) {
  kerr_msg msg = "";
  s->have_queue = w->cfg.ob &&
                  outbox_stats(w->cfg.ob, outbox_now_ms(), &s->queue, msg) == KERR_OK;
  if (w->cfg.ob && !s->have_queue) klog_warn("admin", "queue stats: %s", msg);
  s->n_owed = s->more_owed = 0;
  s->have_owed = w->cfg.journal &&
                 prn_journal_list(w->cfg.journal, PRN_JOURNAL_DUE, owed_row, s,
                                  msg) == KERR_OK;
  if (w->cfg.journal && !s->have_owed) klog_warn("admin", "print journal: %s", msg);
  offline_voids(w, s);
  printer_status(w, s);
}

static void test_page(admw *w, admw_snapshot *s) {
  prn_doc *d = NULL;
  prn_escpos *e = NULL;
  prn_transport *t = NULL;
  kerr_msg msg = "";
  prn_opts po;
  prn_transport_defaults(&po);
  int rc = w->uri[0] ? KERR_OK : kerr_set(msg, KERR_NOT_FOUND, "no printer");
  if (!rc && (prn_doc_new(&d) || prn_escpos_new(&e)))
    rc = kerr_set(msg, KERR_NOMEM, "out of memory");
  if (!rc) rc = prn_transport_open(w->uri, &po, &t, msg);
  if (!rc) {
    prn_status st;
    kerr_msg smsg;
    int have = !is_file(w->uri) && prn_transport_status(t, &st, smsg) == KERR_OK;
    rc = prn_layout_test_page(have ? &st : NULL, w->cfg.width, 0, w->cfg.pri,
                              w->cfg.sec, d, msg);
  }
  if (!rc) rc = prn_text_render(d, w->cfg.width, e, msg);
  if (!rc) {
    size_t len;
    const uint8_t *b = prn_escpos_data(e, &len);
    prn_job_result jr;
    rc = prn_job_print(t, b, len, &jr, msg);
  }
  prn_transport_close(t);
  prn_escpos_free(e);
  prn_doc_free(d);
  s->test_state = rc ? -1 : 2;
  snprintf(s->test_msg, sizeof s->test_msg, "%s", rc ? msg : "");
  if (rc) klog_warn("admin", "test page: %s", msg);
  else klog_info("admin", "test page printed to %s", w->uri);
}

static void *loop(void *arg) {
  admw *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->want && !w->stopping) pthread_cond_wait(&w->cv, &w->mu);
    if (w->stopping) break;
    int want = w->want;
    w->want = 0;
    admw_snapshot s = w->snap;
    pthread_mutex_unlock(&w->mu);
    if (want & WANT_TEST) test_page(w, &s);
    if (want & (WANT_REFRESH | WANT_TEST)) refresh(w, &s);
    pthread_mutex_lock(&w->mu);
    s.gen = w->snap.gen + 1;
    if (w->want & WANT_TEST) s.test_state = 1; /* asked again meanwhile */
    w->snap = s;
    pthread_mutex_unlock(&w->mu);
    events_push(EVENTS_WAKE, NULL);
    pthread_mutex_lock(&w->mu);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

int admw_start(const admw_config *cfg, admw **out, char *msg) {
  admw *w = calloc(1, sizeof *w);
  if (!w) return kerr_set(msg, KERR_NOMEM, "out of memory");
  w->cfg = *cfg;
  snprintf(w->uri, sizeof w->uri, "%s", cfg->printer_uri ? cfg->printer_uri : "");
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  if (pthread_create(&w->thread, NULL, loop, w) != 0) {
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
    return kerr_set(msg, KERR_NOMEM, "admin worker: cannot start a thread");
  }
  *out = w;
  return KERR_OK;
}

static void ask(admw *w, int what) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->want |= what;
  if (what & WANT_TEST) w->snap.test_state = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

void admw_refresh(admw *w) { ask(w, WANT_REFRESH); }
void admw_test_print(admw *w) { ask(w, WANT_TEST); }

unsigned admw_get(admw *w, admw_snapshot *out) {
  pthread_mutex_lock(&w->mu);
  *out = w->snap;
  pthread_mutex_unlock(&w->mu);
  return out->gen;
}

unsigned admw_gen(admw *w) {
  pthread_mutex_lock(&w->mu);
  unsigned g = w->snap.gen;
  pthread_mutex_unlock(&w->mu);
  return g;
}

void admw_stop(admw *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stopping = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  free(w);
}
