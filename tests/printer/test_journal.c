/* The print journal through its public functions, on real sqlite files in
 * temporary folders: every transition of the state diagram in prn_journal.h,
 * idempotent owe, recovery after a crash, the reprint banner reaching the
 * bytes and the PNG of the file transport, and clear errors on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "journal_util.h"

/* 重印 in GBK, as text mode sends it. */
static const char reprint_gbk[] = "\xd6\xd8\xd3\xa1";

typedef struct {
  char dir[PATH_MAX];
  jt_catalogs cat;
  prn_journal *j;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  if (!f || jt_dir_make(f->dir, sizeof f->dir) || jt_catalogs_load(&f->cat))
    return -1;
  if (prn_journal_open(f->dir, &f->j, msg)) {
    fprintf(stderr, "%s\n", msg);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  prn_journal_close(f->j);
  jt_catalogs_free(&f->cat);
  jt_dir_remove(f->dir);
  free(f);
  return 0;
}

static void reopen(fixture *f) {
  kerr_msg msg;
  prn_journal_close(f->j);
  f->j = NULL;
  assert_int_equal(prn_journal_open(f->dir, &f->j, msg), KERR_OK);
}

static void owe(fixture *f, const char *code, const char *member) {
  char json[1024];
  kerr_msg msg;
  jt_voucher(json, sizeof json, code, 0);
  int rc = prn_journal_owe(f->j, code, "txn-1", member, json, msg);
  if (rc)
    print_message("%s\n", msg);
  assert_int_equal(rc, KERR_OK);
}

static prn_journal_state state_of(fixture *f, const char *code, prn_journal_entry *out) {
  prn_journal_entry e;
  kerr_msg msg;
  assert_int_equal(prn_journal_get(f->j, code, &e, msg), KERR_OK);
  prn_journal_state s = e.state;
  if (out)
    *out = e;
  else
    prn_journal_entry_free(&e);
  return s;
}

static void begin(fixture *f, const char *code, int want_reprint, prn_journal_job *job) {
  kerr_msg msg;
  int rc = prn_journal_begin(f->j, code, jt_render_text, &f->cat, job, msg);
  if (rc)
    print_message("%s\n", msg);
  assert_int_equal(rc, KERR_OK);
  assert_int_equal(job->reprint, want_reprint);
  assert_int_equal(jt_contains(job->bytes, job->len, "REPRINT"), want_reprint);
  assert_int_equal(jt_contains(job->bytes, job->len, reprint_gbk), want_reprint);
}

static prn_journal_state finish(fixture *f, const char *code, prn_job_phase ph) {
  kerr_msg msg;
  prn_journal_state s = PRN_JOURNAL_PRINTING;
  assert_int_equal(prn_journal_finish(f->j, code, ph, ph == PRN_JOB_DONE ? NULL : "paper out",
                                      &s, msg),
                   KERR_OK);
  return s;
}

static void owed_prints_once_and_keeps_the_exact_bytes(void **state) {
  fixture *f = *state;
  prn_journal_entry e;
  prn_journal_job job;
  owe(f, "GV1", "M1");
  assert_int_equal(state_of(f, "GV1", &e), PRN_JOURNAL_OWED);
  assert_int_equal(e.attempts, 0);
  assert_null(e.job);
  assert_string_equal(e.txn_id, "txn-1");
  assert_string_equal(e.member_id, "M1");
  prn_journal_entry_free(&e);

  begin(f, "GV1", 0, &job);
  assert_int_equal(job.attempt, 1);
  assert_int_equal(state_of(f, "GV1", &e), PRN_JOURNAL_PRINTING);
  assert_int_equal(e.job_len, job.len);
  assert_memory_equal(e.job, job.bytes, job.len);
  prn_journal_entry_free(&e);
  prn_journal_job_free(&job);

  assert_int_equal(finish(f, "GV1", PRN_JOB_DONE), PRN_JOURNAL_PRINTED);
  assert_int_equal(state_of(f, "GV1", &e), PRN_JOURNAL_PRINTED);
  assert_true(e.printed_ms > 0);
  assert_int_equal(e.maybe_printed, 1);
  assert_int_equal(e.reprints, 0);
  prn_journal_entry_free(&e);

  /* A printed voucher does not print again by accident... */
  kerr_msg msg;
  assert_int_equal(prn_journal_begin(f->j, "GV1", jt_render_text, &f->cat, &job, msg),
                   KERR_INVALID);
  assert_non_null(strstr(msg, "already printed"));
  assert_int_equal(state_of(f, "GV1", NULL), PRN_JOURNAL_PRINTED);
  /* ...only when the admin asks, and then as 重印. */
  assert_int_equal(prn_journal_reprint(f->j, "GV1", "member lost it", msg), KERR_OK);
  assert_int_equal(state_of(f, "GV1", &e), PRN_JOURNAL_FAILED);
  assert_string_equal(e.last_error, "member lost it");
  prn_journal_entry_free(&e);
  begin(f, "GV1", 1, &job);
  assert_int_equal(job.attempt, 2);
  prn_journal_job_free(&job);
  assert_int_equal(finish(f, "GV1", PRN_JOB_DONE), PRN_JOURNAL_PRINTED);
  assert_int_equal(state_of(f, "GV1", &e), PRN_JOURNAL_PRINTED);
  assert_int_equal(e.reprints, 1);
  assert_int_equal(e.attempts, 2);
  prn_journal_entry_free(&e);
}

static void owe_is_idempotent_on_the_code(void **state) {
  fixture *f = *state;
  char json[1024], other[1100];
  kerr_msg msg;
  jt_voucher(json, sizeof json, "GV2", 0);
  owe(f, "GV2", "M1");
  prn_journal_job job;
  begin(f, "GV2", 0, &job);
  prn_journal_job_free(&job);
  /* Owed again after a restart of the app: nothing changes. */
  assert_int_equal(prn_journal_owe(f->j, "GV2", "txn-1", "M1", json, msg), KERR_OK);
  assert_int_equal(state_of(f, "GV2", NULL), PRN_JOURNAL_PRINTING);
  finish(f, "GV2", PRN_JOB_DONE);
  assert_int_equal(prn_journal_owe(f->j, "GV2", "txn-1", "M1", json, msg), KERR_OK);
  assert_int_equal(state_of(f, "GV2", NULL), PRN_JOURNAL_PRINTED);
  /* The same voucher serialised with other spacing is the same voucher. */
  snprintf(other, sizeof other, "  %s\n", json);
  assert_int_equal(prn_journal_owe(f->j, "GV2", "txn-1", "M1", other, msg), KERR_OK);
  /* Other content or another transaction under a known code is a bug. */
  jt_voucher(other, sizeof other, "GV2", 1);
  assert_int_equal(prn_journal_owe(f->j, "GV2", "txn-1", "M1", other, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "different content"));
  assert_int_equal(prn_journal_owe(f->j, "GV2", "txn-9", "M1", json, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "transaction txn-1"));
  int n = 0;
  prn_journal_entry e;
  assert_int_equal(state_of(f, "GV2", &e), PRN_JOURNAL_PRINTED);
  n = e.attempts;
  prn_journal_entry_free(&e);
  assert_int_equal(n, 1);
}

static void refused_job_stays_owed_and_is_not_a_reprint(void **state) {
  fixture *f = *state;
  prn_journal_job job;
  prn_journal_entry e;
  owe(f, "GV3", NULL);
  begin(f, "GV3", 0, &job);
  prn_journal_job_free(&job);
  assert_int_equal(finish(f, "GV3", PRN_JOB_REFUSED), PRN_JOURNAL_OWED);
  assert_int_equal(state_of(f, "GV3", &e), PRN_JOURNAL_OWED);
  assert_int_equal(e.maybe_printed, 0);
  assert_string_equal(e.last_error, "paper out");
  prn_journal_entry_free(&e);
  begin(f, "GV3", 0, &job);
  assert_int_equal(job.attempt, 2);
  prn_journal_job_free(&job);
  assert_int_equal(finish(f, "GV3", PRN_JOB_DONE), PRN_JOURNAL_PRINTED);
}

static void failed_job_makes_every_later_print_a_reprint(void **state) {
  fixture *f = *state;
  prn_journal_job job;
  prn_journal_entry e;
  owe(f, "GV4", NULL);
  begin(f, "GV4", 0, &job);
  prn_journal_job_free(&job);
  assert_int_equal(finish(f, "GV4", PRN_JOB_FAILED), PRN_JOURNAL_FAILED);
  begin(f, "GV4", 1, &job);
  prn_journal_job_free(&job);
  /* Refused now, but the first attempt may be on paper: still a reprint,
   * still owed, and the refused attempt is not counted as a reprint. */
  assert_int_equal(finish(f, "GV4", PRN_JOB_REFUSED), PRN_JOURNAL_FAILED);
  assert_int_equal(state_of(f, "GV4", &e), PRN_JOURNAL_FAILED);
  assert_int_equal(e.reprints, 0);
  prn_journal_entry_free(&e);
  begin(f, "GV4", 1, &job);
  prn_journal_job_free(&job);
  assert_int_equal(finish(f, "GV4", PRN_JOB_DONE), PRN_JOURNAL_PRINTED);
  assert_int_equal(state_of(f, "GV4", &e), PRN_JOURNAL_PRINTED);
  assert_int_equal(e.reprints, 1);
  assert_int_equal(e.attempts, 3);
  prn_journal_entry_free(&e);
}

static void crash_while_printing_recovers_as_failed_and_reprints(void **state) {
  fixture *f = *state;
  prn_journal_job job;
  prn_journal_entry e;
  kerr_msg msg;
  owe(f, "GV5", NULL);
  owe(f, "GV6", NULL);
  begin(f, "GV5", 0, &job);
  prn_journal_job_free(&job);
  reopen(f); /* the process died between begin and finish */
  assert_int_equal(state_of(f, "GV5", &e), PRN_JOURNAL_FAILED);
  assert_non_null(strstr(e.last_error, "stopped during the print"));
  assert_int_equal(e.maybe_printed, 1);
  prn_journal_entry_free(&e);
  assert_int_equal(state_of(f, "GV6", NULL), PRN_JOURNAL_OWED);
  int n = -1;
  assert_int_equal(prn_journal_recover(f->j, &n, msg), KERR_OK);
  assert_int_equal(n, 0);
  begin(f, "GV5", 1, &job);
  prn_journal_job_free(&job);
  assert_int_equal(prn_journal_recover(f->j, &n, msg), KERR_OK);
  assert_int_equal(n, 1);
  assert_int_equal(state_of(f, "GV5", NULL), PRN_JOURNAL_FAILED);
}

static void transitions_outside_the_diagram_are_refused(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  prn_journal_job job, again;
  owe(f, "GV7", NULL);
  assert_int_equal(prn_journal_finish(f->j, "GV7", PRN_JOB_DONE, NULL, NULL, msg),
                   KERR_INVALID);
  assert_non_null(strstr(msg, "is owed, not printing"));
  assert_int_equal(prn_journal_reprint(f->j, "GV7", NULL, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "is owed, not printed"));
  begin(f, "GV7", 0, &job);
  assert_int_equal(prn_journal_begin(f->j, "GV7", jt_render_text, &f->cat, &again, msg),
                   KERR_BUSY);
  assert_non_null(strstr(msg, "being printed"));
  assert_null(again.bytes);
  prn_journal_job_free(&job);
  assert_int_equal(prn_journal_finish(f->j, "GV7", (prn_job_phase)7, NULL, NULL, msg),
                   KERR_INVALID);
  assert_int_equal(state_of(f, "GV7", NULL), PRN_JOURNAL_PRINTING);
}

static int fail_render(void *ctx, const prn_voucher *v, prn_escpos *e, char *msg) {
  (void)ctx;
  (void)v;
  (void)e;
  return kerr_set(msg, KERR_IO, "font missing");
}

static void bad_input_gives_clear_errors(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char json[1024];
  prn_journal_job job;
  prn_journal_entry e;
  assert_int_equal(prn_journal_begin(f->j, "NOPE", jt_render_text, &f->cat, &job, msg),
                   KERR_NOT_FOUND);
  assert_string_equal(msg, "print journal: no voucher NOPE is owed");
  assert_int_equal(prn_journal_finish(f->j, "NOPE", PRN_JOB_DONE, NULL, NULL, msg),
                   KERR_NOT_FOUND);
  assert_int_equal(prn_journal_get(f->j, "NOPE", &e, msg), KERR_NOT_FOUND);
  assert_int_equal(prn_journal_reprint(f->j, "NOPE", NULL, msg), KERR_NOT_FOUND);

  assert_int_equal(prn_journal_owe(f->j, "GV8", "t", NULL, "{\"kind\":\"gift\",", msg),
                   KERR_INVALID);
  print_message("%s\n", msg);
  assert_non_null(strstr(msg, "voucher GV8: voucher JSON line 1"));
  assert_int_equal(prn_journal_owe(f->j, "GV8", "t", NULL, "{\"kind\":\"gift\"}", msg),
                   KERR_INVALID);
  assert_non_null(strstr(msg, "mall_name_zh"));
  jt_voucher(json, sizeof json, "GV9", 0);
  assert_int_equal(prn_journal_owe(f->j, "GV8", "t", NULL, json, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "carries voucher_code GV9"));
  assert_int_equal(prn_journal_owe(f->j, "", "t", NULL, json, msg), KERR_INVALID);
  assert_int_equal(prn_journal_owe(f->j, "GV9", "", NULL, json, msg), KERR_INVALID);
  assert_int_equal(prn_journal_get(f->j, "GV8", &e, msg), KERR_NOT_FOUND);

  /* A renderer that fails leaves the row as it was. */
  owe(f, "GV9", NULL);
  assert_int_equal(prn_journal_begin(f->j, "GV9", fail_render, NULL, &job, msg), KERR_IO);
  assert_string_equal(msg, "font missing");
  assert_int_equal(state_of(f, "GV9", &e), PRN_JOURNAL_OWED);
  assert_int_equal(e.attempts, 0);
  prn_journal_entry_free(&e);

  /* A second kiosk process on the same state dir is refused. */
  prn_journal *two = NULL;
  assert_int_equal(prn_journal_open(f->dir, &two, msg), KERR_BUSY);
  assert_non_null(strstr(msg, "in use by another process"));
  assert_null(two);

  /* A row damaged behind the journal's back (valid JSON, not a voucher). */
  prn_journal_close(f->j);
  f->j = NULL;
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/" PRN_JOURNAL_FILE, f->dir);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE voucher SET voucher='{\"kind\":\"gift\"}'"
                                " WHERE code='GV9'", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  reopen(f);
  assert_int_equal(prn_journal_begin(f->j, "GV9", jt_render_text, &f->cat, &job, msg),
                   KERR_INVALID);
  print_message("%s\n", msg);
  assert_non_null(strstr(msg, "stored voucher GV9 does not load"));
  assert_int_equal(state_of(f, "GV9", NULL), PRN_JOURNAL_OWED);
}

typedef struct {
  char codes[8][PRN_JOURNAL_CODE_MAX];
  int n;
} seen;

static int collect(void *ctx, const prn_journal_entry *e) {
  seen *s = ctx;
  if (s->n < 8)
    snprintf(s->codes[s->n++], PRN_JOURNAL_CODE_MAX, "%s", e->code);
  return 0;
}

static void admin_and_member_lists_show_what_is_owed(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  prn_journal_job job;
  owe(f, "A1", "M1");
  owe(f, "A2", "M2");
  owe(f, "A3", "M1");
  owe(f, "A4", "M1");
  begin(f, "A1", 0, &job);
  prn_journal_job_free(&job);
  finish(f, "A1", PRN_JOB_FAILED);
  begin(f, "A3", 0, &job);
  prn_journal_job_free(&job);
  finish(f, "A3", PRN_JOB_DONE);

  seen s = {0};
  assert_int_equal(prn_journal_owed_for_member(f->j, "M1", collect, &s, msg), KERR_OK);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.codes[0], "A1");
  assert_string_equal(s.codes[1], "A4");
  memset(&s, 0, sizeof s);
  assert_int_equal(prn_journal_list(f->j, PRN_JOURNAL_DUE, collect, &s, msg), KERR_OK);
  assert_int_equal(s.n, 3);
  memset(&s, 0, sizeof s);
  assert_int_equal(prn_journal_list(f->j, 1u << PRN_JOURNAL_FAILED, collect, &s, msg),
                   KERR_OK);
  assert_int_equal(s.n, 1);
  assert_string_equal(s.codes[0], "A1");
  memset(&s, 0, sizeof s);
  assert_int_equal(prn_journal_list(f->j, 1u << PRN_JOURNAL_PRINTED, collect, &s, msg),
                   KERR_OK);
  assert_int_equal(s.n, 1);
  memset(&s, 0, sizeof s);
  assert_int_equal(prn_journal_owed_for_member(f->j, "M9", collect, &s, msg), KERR_OK);
  assert_int_equal(s.n, 0);
}

static void file_is_private_versioned_and_in_wal_mode(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  owe(f, "P1", NULL);
  assert_int_equal(prn_journal_check(f->j, msg), KERR_OK);
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/" PRN_JOURNAL_FILE, f->dir);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  prn_journal_close(f->j);
  f->j = NULL;
  sqlite3 *db;
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM"
                                      " pragma_user_version), (SELECT journal_mode FROM"
                                      " pragma_journal_mode)", -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(q, 0), 1);
  assert_string_equal((const char *)sqlite3_column_text(q, 1), "wal");
  sqlite3_finalize(q);
  /* A journal written by a newer kiosk is not touched. */
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(prn_journal_open(f->dir, &f->j, msg), KERR_DB);
  assert_non_null(strstr(msg, "newer kiosk"));
}

typedef struct {
  const jt_catalogs *cat;
  prn_raster *r;
} raster_ctx;

static int render_raster(void *ctx, const prn_voucher *v, prn_escpos *e, char *msg) {
  raster_ctx *c = ctx;
  prn_doc *d = NULL;
  if (prn_doc_new(&d))
    return KERR_NOMEM;
  int rc = prn_layout_voucher(v, c->cat->zh, c->cat->en, d, msg);
  if (!rc)
    rc = prn_raster_render(c->r, d, 576, e, NULL, msg);
  prn_doc_free(d);
  return rc;
}

/* Through the file transport in raster mode: the first slip is exactly the
 * voucher without the banner; after a crash mid-print the next one is
 * exactly the voucher with 重印 / REPRINT, and its image is taller by it. */
static void reprint_banner_reaches_the_paper_only_after_a_crash(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char json[1024], uri[PATH_MAX + 64], path[PATH_MAX + 64];
  prn_raster *r = NULL;
  assert_int_equal(prn_raster_new(NULL, NULL, &r, msg), KERR_OK);
  jt_voucher(json, sizeof json, "R1", 1);
  assert_int_equal(prn_journal_owe(f->j, "R1", "txn-7", "M1", json, msg), KERR_OK);

  /* Attempt 1: every byte reaches the printer, then the kiosk dies before
   * it can record that. */
  raster_ctx rc = {&f->cat, r};
  prn_journal_job job;
  assert_int_equal(prn_journal_begin(f->j, "R1", render_raster, &rc, &job, msg), KERR_OK);
  assert_int_equal(job.reprint, 0);
  prn_transport *t = NULL;
  snprintf(uri, sizeof uri, "file:%s/first.bin", f->dir);
  assert_int_equal(prn_transport_open(uri, NULL, &t, msg), KERR_OK);
  assert_int_equal(prn_transport_write(t, job.bytes, job.len, msg), KERR_OK);
  prn_transport_close(t);
  prn_journal_job_free(&job);
  reopen(f);

  /* Attempt 2, the way the kiosk prints: prn_journal_print. */
  prn_journal_layout lo = {576, 1, r, f->cat.zh, f->cat.en};
  prn_journal_outcome out;
  snprintf(uri, sizeof uri, "file:%s/second.bin", f->dir);
  assert_int_equal(prn_transport_open(uri, NULL, &t, msg), KERR_OK);
  assert_int_equal(prn_journal_print(f->j, t, "R1", &lo, &out, msg), KERR_OK);
  prn_transport_close(t);
  assert_int_equal(out.reprint, 1);
  assert_int_equal(out.attempt, 2);
  assert_int_equal(out.job.phase, PRN_JOB_DONE);
  assert_int_equal(out.state, PRN_JOURNAL_PRINTED);
  assert_int_equal(state_of(f, "R1", NULL), PRN_JOURNAL_PRINTED);

  uint8_t *ref0, *ref1, *got;
  size_t n0, n1, n;
  assert_int_equal(jt_reference(json, 0, &f->cat, r, &ref0, &n0), KERR_OK);
  assert_int_equal(jt_reference(json, 1, &f->cat, r, &ref1, &n1), KERR_OK);
  assert_false(n0 == n1 && memcmp(ref0, ref1, n0) == 0);
  snprintf(path, sizeof path, "%s/first.bin", f->dir);
  got = jt_slurp(path, &n);
  assert_non_null(got);
  assert_int_equal(n, n0);
  assert_memory_equal(got, ref0, n0);
  free(got);
  snprintf(path, sizeof path, "%s/second.bin", f->dir);
  got = jt_slurp(path, &n);
  assert_non_null(got);
  assert_int_equal(n, n1);
  assert_memory_equal(got, ref1, n1);
  free(got);
  free(ref0);
  free(ref1);

  snprintf(path, sizeof path, "%s/first.bin.png", f->dir);
  long h1 = jt_png_height(path);
  snprintf(path, sizeof path, "%s/second.bin.png", f->dir);
  long h2 = jt_png_height(path);
  print_message("slip heights: first %ld dots, reprint %ld dots\n", h1, h2);
  assert_true(h1 > 200);
  assert_true(h2 > h1 + 20); /* the banner */
  prn_raster_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(owed_prints_once_and_keeps_the_exact_bytes),
      T(owe_is_idempotent_on_the_code),
      T(refused_job_stays_owed_and_is_not_a_reprint),
      T(failed_job_makes_every_later_print_a_reprint),
      T(crash_while_printing_recovers_as_failed_and_reprints),
      T(transitions_outside_the_diagram_are_refused),
      T(bad_input_gives_clear_errors),
      T(admin_and_member_lists_show_what_is_owed),
      T(file_is_private_versioned_and_in_wal_mode),
      T(reprint_banner_reaches_the_paper_only_after_a_crash),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
