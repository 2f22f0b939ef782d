#include "prnw.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "i18n.h"
#include "klog.h"
#include "prn_doc.h"
#include "prn_job.h"
#include "prn_journal.h"
#include "prn_layout.h"
#include "prn_raster.h"
#include "prn_text.h"
#include "prn_transport.h"
#include "prn_voucher.h"

#define MAX_WAITING 16

typedef struct job {
  struct job *next;
  char code[PRNW_CODE_MAX];
  char txn_id[64];
  char member_id[64];
  char *voucher_json;
  int print;
} job;

struct prnw {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  job *head, *tail;
  int waiting;
  int stopping;
  prnw_done_fn done;
  void *ctx;
  char uri[1024];
  int width, raster;
  prn_journal *journal; /* NULL: print without one */
  prn_raster *r;
  i18n *pri, *sec;
};

const char *prnw_fault_msgid(prnw_fault f) {
  switch (f) {
  case PRNW_OK: return "result.print.ok";
  case PRNW_PAPER_OUT: return "result.print.paper_out";
  case PRNW_COVER_OPEN: return "result.print.cover_open";
  case PRNW_OFFLINE: return "result.print.offline";
  case PRNW_NO_PRINTER: return "result.print.no_printer";
  case PRNW_MID_JOB: return "result.print.mid_job";
  case PRNW_ERROR: break;
  }
  return "result.print.error";
}

const char *prnw_fault_name(prnw_fault f) {
  switch (f) {
  case PRNW_OK: return NULL;
  case PRNW_PAPER_OUT: return "paper_out";
  case PRNW_COVER_OPEN: return "cover_open";
  case PRNW_OFFLINE: return "printer_offline";
  case PRNW_NO_PRINTER: return "no_printer";
  case PRNW_MID_JOB: return "mid_job";
  case PRNW_ERROR: break;
  }
  return "error";
}

/* 1 when the slip is a voucher (kind "gift"): what print records cover. */
static int is_voucher(const char *voucher_json) {
  json_t *j = json_loads(voucher_json, 0, NULL);
  const char *kind = json_string_value(json_object_get(j, "kind"));
  int yes = kind && strcmp(kind, "gift") == 0;
  json_decref(j);
  return yes;
}

/* Which fault the member must hear about: the status read before the job
 * names it when the job was refused. */
static prnw_fault classify(const prn_job_result *jr, int rc) {
  if (rc == KERR_OK) return PRNW_OK;
  if (jr->phase == PRN_JOB_REFUSED && jr->have_status) {
    if (jr->before.paper_end) return PRNW_PAPER_OUT;
    if (jr->before.cover_open) return PRNW_COVER_OPEN;
    return PRNW_OFFLINE;
  }
  if (jr->phase == PRN_JOB_FAILED) return PRNW_MID_JOB;
  return rc == KERR_NET || rc == KERR_TIMEOUT || rc == KERR_DEVICE ||
                 rc == KERR_DENIED || rc == KERR_NOT_FOUND
             ? PRNW_NO_PRINTER
             : PRNW_ERROR;
}

static int render(prnw *w, const char *voucher_json, prn_escpos *e,
                  char *msg) {
  prn_voucher v;
  prn_doc *d = NULL;
  int rc = prn_voucher_parse(voucher_json, &v, msg);
  if (rc) return rc;
  if (prn_doc_new(&d)) return kerr_set(msg, KERR_NOMEM, "out of memory");
  rc = prn_layout_voucher(&v, w->pri, w->sec, d, msg);
  if (!rc)
    rc = w->raster ? prn_raster_render(w->r, d, w->width, e, NULL, msg)
                   : prn_text_render(d, w->width, e, msg);
  prn_doc_free(d);
  return rc;
}

/* Without a journal: the slip goes straight to the printer. */
static int print_direct(prnw *w, prn_transport *t, const job *jb,
                        prn_job_result *jr, char *msg) {
  prn_escpos *e = NULL;
  if (prn_escpos_new(&e)) return kerr_set(msg, KERR_NOMEM, "out of memory");
  int rc = render(w, jb->voucher_json, e, msg);
  if (!rc) {
    size_t len;
    const uint8_t *b = prn_escpos_data(e, &len);
    rc = prn_job_print(t, b, len, jr, msg);
  }
  prn_escpos_free(e);
  return rc;
}

static void run_job(prnw *w, const job *jb, prnw_result *r) {
  snprintf(r->code, sizeof r->code, "%s", jb->code);
  snprintf(r->member_id, sizeof r->member_id, "%s", jb->member_id);
  r->voucher = is_voucher(jb->voucher_json);
  r->print = jb->print;
  if (w->journal) {
    r->rc = prn_journal_owe(w->journal, jb->code, jb->txn_id,
                            jb->member_id[0] ? jb->member_id : NULL,
                            jb->voucher_json, r->msg);
    if (r->rc) {
      r->fault = PRNW_ERROR;
      return;
    }
    r->journaled = 1;
  }
  if (!jb->print) return;
  prn_opts po;
  prn_transport_defaults(&po);
  prn_transport *t = NULL;
  r->rc = prn_transport_open(w->uri, &po, &t, r->msg);
  if (r->rc) {
    r->fault = classify(&(prn_job_result){0}, r->rc);
    return;
  }
  prn_job_result jr;
  memset(&jr, 0, sizeof jr);
  if (w->journal) {
    prn_journal_layout lo = {w->width, w->raster, w->r, w->pri, w->sec};
    prn_journal_outcome out;
    r->rc = prn_journal_print(w->journal, t, jb->code, &lo, &out, r->msg);
    jr = out.job;
    r->reprint = out.reprint;
  } else {
    r->rc = print_direct(w, t, jb, &jr, r->msg);
  }
  prn_transport_close(t);
  r->fault = classify(&jr, r->rc);
  r->near_end = jr.paper_near_end;
}

static void *loop(void *arg) {
  prnw *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->head && !w->stopping) pthread_cond_wait(&w->cv, &w->mu);
    job *jb = w->head;
    if (!jb) break;
    w->head = jb->next;
    if (!w->head) w->tail = NULL;
    w->waiting--;
    int stopping = w->stopping;
    pthread_mutex_unlock(&w->mu);
    prnw_result *r = calloc(1, sizeof *r);
    if (r) {
      if (stopping) {
        /* No paper at shutdown, but the voucher is still owed. */
        int print = jb->print;
        jb->print = 0;
        run_job(w, jb, r);
        r->print = print;
        if (!r->rc && print) {
          r->rc = kerr_set(r->msg, KERR_BUSY, "shutting down");
          r->fault = PRNW_ERROR;
        }
      } else {
        run_job(w, jb, r);
      }
      r->done_at = (long long)time(NULL);
      if (r->rc && !stopping)
        klog_warn("prnw", "voucher %.24s...: %s (%s)", r->code, kerr_str(r->rc),
                  r->msg);
      w->done(w->ctx, r);
    }
    free(jb->voucher_json);
    free(jb);
    pthread_mutex_lock(&w->mu);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

/* Opens every font the voucher layout uses here, on the UI thread: FreeType
 * must not create faces on two threads at once, and the screen's text opens
 * its fonts on the UI thread too. */
static void warm_up(prnw *w) {
  const char *sample =
      "{\"kind\":\"gift\",\"mall_name_zh\":\"\\u661f\",\"mall_name_en\":\"G\","
      "\"item_name_zh\":\"\\u661f\",\"item_name_en\":\"G\",\"points_charged\":1,"
      "\"points_balance\":1,\"member_name\":\"\\u661f\",\"voucher_code\":\"W\","
      "\"pickup_zh\":\"\\u661f\",\"pickup_en\":\"G\",\"expires_at\":\"1\","
      "\"kiosk_id\":\"k\",\"time\":\"1\",\"pending\":true,\"reprint\":true}";
  prn_escpos *e = NULL;
  kerr_msg msg;
  if (prn_escpos_new(&e)) return;
  if (render(w, sample, e, msg))
    klog_warn("prnw", "voucher layout warm-up: %s", msg);
  prn_escpos_free(e);
}

static int make_dir_for(const char *uri, char *msg) {
  if (strncmp(uri, "file:", 5) != 0) return KERR_OK;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", uri + 5);
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir) return KERR_OK;
  *slash = '\0';
  if (mkdir(dir, 0700) != 0 && errno != EEXIST)
    return kerr_set(msg, KERR_IO, "printer folder %s: %s", dir, strerror(errno));
  return KERR_OK;
}

int prnw_start(const prnw_config *cfg, prnw_done_fn done, void *ctx,
               prnw **out, char *msg) {
  prn_uri u;
  int rc = prn_transport_parse(cfg->uri, &u, msg);
  if (rc) return rc;
  if ((rc = make_dir_for(cfg->uri, msg))) return rc;
  prnw *w = calloc(1, sizeof *w);
  if (!w) return kerr_set(msg, KERR_NOMEM, "out of memory");
  w->done = done;
  w->ctx = ctx;
  snprintf(w->uri, sizeof w->uri, "%s", cfg->uri);
  w->width = cfg->width;
  w->raster = cfg->raster;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/i18n/zh_CN", cfg->assets);
  rc = i18n_load_dir(dir, &w->pri, msg);
  snprintf(dir, sizeof dir, "%s/i18n/en", cfg->assets);
  if (!rc) rc = i18n_load_dir(dir, &w->sec, msg);
  if (!rc && w->raster) rc = prn_raster_new(NULL, NULL, &w->r, msg);
  if (rc) {
    i18n_free(w->pri);
    i18n_free(w->sec);
    free(w);
    return rc;
  }
  if (w->raster) warm_up(w);
  kerr_msg jmsg;
  if (prn_journal_open(cfg->state_dir, &w->journal, jmsg) != KERR_OK) {
    klog_error("prnw", "print journal unavailable, printing without it: %s",
               jmsg);
    w->journal = NULL;
  }
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  if (pthread_create(&w->thread, NULL, loop, w) != 0) {
    prn_journal_close(w->journal);
    prn_raster_free(w->r);
    i18n_free(w->pri);
    i18n_free(w->sec);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
    return kerr_set(msg, KERR_NOMEM, "printer worker: cannot start a thread");
  }
  klog_info("prnw", "printer %s, %d dots, %s mode%s", cfg->uri, w->width,
            w->raster ? "raster" : "text",
            w->journal ? ", print journal open" : "");
  *out = w;
  return KERR_OK;
}

int prnw_submit(prnw *w, const char *code, const char *txn_id,
                const char *member_id, const char *voucher_json, int print) {
  if (!w || !code || !*code || strlen(code) >= PRNW_CODE_MAX || !voucher_json)
    return KERR_INVALID;
  job *jb = calloc(1, sizeof *jb);
  if (!jb) return KERR_NOMEM;
  jb->voucher_json = strdup(voucher_json);
  if (!jb->voucher_json) {
    free(jb);
    return KERR_NOMEM;
  }
  snprintf(jb->code, sizeof jb->code, "%s", code);
  snprintf(jb->txn_id, sizeof jb->txn_id, "%s", txn_id ? txn_id : "");
  snprintf(jb->member_id, sizeof jb->member_id, "%s",
           member_id ? member_id : "");
  jb->print = print;
  pthread_mutex_lock(&w->mu);
  if (w->waiting >= MAX_WAITING || w->stopping) {
    pthread_mutex_unlock(&w->mu);
    free(jb->voucher_json);
    free(jb);
    return KERR_BUSY;
  }
  if (w->tail) w->tail->next = jb;
  else w->head = jb;
  w->tail = jb;
  w->waiting++;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  return KERR_OK;
}

void prnw_stop(prnw *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stopping = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  prn_journal_close(w->journal);
  prn_raster_free(w->r);
  i18n_free(w->pri);
  i18n_free(w->sec);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  free(w);
}

void prnw_result_free(prnw_result *r) { free(r); }

struct prn_journal *prnw_journal(prnw *w) { return w ? w->journal : NULL; }
