#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
  session_state state;
  unsigned gen;
  uint64_t idle_ms, countdown_ms;
  uint64_t last_input_ms;
  uint64_t ending_since_ms;
  char checking_id[MCODE_ID_MAX + 1];
  session_member member;
  mcode_claims code; /* the scanned code as verified: offline redemption */
};

session *session_new(uint64_t idle_ms, uint64_t countdown_ms) {
  session *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->idle_ms = idle_ms;
  s->countdown_ms = countdown_ms < idle_ms ? countdown_ms : 0;
  return s;
}

void session_free(session *s) {
  if (!s) return;
  sodium_memzero(s, sizeof *s);
  free(s);
}

session_state session_state_of(const session *s) { return s->state; }
unsigned session_generation(const session *s) { return s->gen; }

static void wipe(session *s) {
  sodium_memzero(&s->member, sizeof s->member);
  sodium_memzero(s->checking_id, sizeof s->checking_id);
  sodium_memzero(&s->code, sizeof s->code);
}

void session_end(session *s) {
  wipe(s);
  s->state = SESSION_IDLE;
  s->gen++;
}

session_scan_result session_scan(session *s, const char *payload, size_t len,
                                 const unsigned char public_key[32],
                                 const mcode_policy *policy, int64_t now_unix,
                                 mcode_status *status, mcode_claims *claims) {
  if (s->state == SESSION_CHECKING) return SESSION_SCAN_BUSY;
  *status = mcode_verify(payload, len, public_key, now_unix, policy, claims);
  if (*status != MCODE_OK) return SESSION_SCAN_REFUSED;
  /* A new member's code replaces whoever was on screen. */
  session_end(s);
  s->state = SESSION_CHECKING;
  memcpy(s->checking_id, claims->member_id, sizeof s->checking_id);
  s->code = *claims;
  return SESSION_SCAN_RESOLVE;
}

static void copy_str(char *dst, size_t cap, const json_t *v) {
  const char *t = json_is_string(v) ? json_string_value(v) : "";
  snprintf(dst, cap, "%s", t);
}

static void copy_text(session_text *t, const json_t *obj) {
  copy_str(t->zh, sizeof t->zh, json_object_get(obj, "zh"));
  copy_str(t->en, sizeof t->en, json_object_get(obj, "en"));
}

int session_parse_member(const json_t *p, session_member *m, char *msg) {
  memset(m, 0, sizeof *m);
  if (!json_is_object(p))
    return kerr_set(msg, KERR_PROTO, "member profile is not an object");
  const json_t *id = json_object_get(p, "id");
  const json_t *tier = json_object_get(p, "tier");
  const json_t *code = json_object_get(tier, "code");
  const json_t *points = json_object_get(p, "points");
  if (!json_is_string(id) || !json_is_string(code) || !json_is_integer(points))
    return kerr_set(msg, KERR_PROTO, "member profile lacks id, tier or points");
  if (!mcode_tier_valid(json_string_value(code)))
    return kerr_set(msg, KERR_PROTO, "unknown tier %s",
                    json_string_value(code));
  copy_str(m->id, sizeof m->id, id);
  copy_str(m->tier, sizeof m->tier, code);
  copy_text(&m->tier_name, json_object_get(tier, "name"));
  copy_str(m->name_masked, sizeof m->name_masked,
           json_object_get(p, "name_masked"));
  copy_str(m->phone_masked, sizeof m->phone_masked,
           json_object_get(p, "phone_masked"));
  m->points = json_integer_value(points);
  m->tier_points = json_integer_value(json_object_get(p, "tier_points"));
  const json_t *next = json_object_get(p, "next_tier");
  if (json_is_object(next)) {
    m->has_next = 1;
    copy_str(m->next_tier, sizeof m->next_tier, json_object_get(next, "code"));
    copy_text(&m->next_name, json_object_get(next, "name"));
    m->next_threshold = json_integer_value(json_object_get(next, "threshold"));
    m->next_missing = json_integer_value(json_object_get(next, "missing"));
  }
  const json_t *exp = json_object_get(p, "expiring");
  size_t i;
  const json_t *v;
  json_array_foreach(exp, i, v) {
    if (m->n_expiring == SESSION_MAX_EXPIRING) break;
    const json_t *date = json_object_get(v, "date");
    const json_t *pts = json_object_get(v, "points");
    if (!json_is_string(date) || !json_is_integer(pts)) continue;
    copy_str(m->expiring[m->n_expiring].date,
             sizeof m->expiring[0].date, date);
    m->expiring[m->n_expiring].points = json_integer_value(pts);
    m->n_expiring++;
  }
  json_array_foreach(json_object_get(p, "benefits"), i, v) {
    if (m->n_benefits == SESSION_MAX_BENEFITS) break;
    if (!json_is_object(v)) continue;
    copy_text(&m->benefits[m->n_benefits++], v);
  }
  m->birthday = json_is_true(json_object_get(p, "birthday_this_month"));
  const json_t *ci = json_object_get(p, "checkin");
  m->checkin_streak = (int)json_integer_value(json_object_get(ci, "streak"));
  m->checkin_today = json_is_true(json_object_get(ci, "today"));
  return KERR_OK;
}

int session_resolved(session *s, unsigned gen, const json_t *profile,
                     uint64_t now_ms, char *msg) {
  if (gen != s->gen || s->state != SESSION_CHECKING) return KERR_OK;
  int rc = session_parse_member(profile, &s->member, msg);
  if (rc == KERR_OK && strcmp(s->member.id, s->checking_id) != 0)
    rc = kerr_set(msg, KERR_PROTO, "central answered for another member");
  if (rc != KERR_OK) {
    session_end(s);
    return rc;
  }
  s->state = SESSION_ACTIVE;
  s->last_input_ms = now_ms;
  return KERR_OK;
}

int session_refresh(session *s, unsigned gen, const json_t *profile,
                    char *msg) {
  if (gen != s->gen || (s->state != SESSION_ACTIVE && s->state != SESSION_ENDING))
    return KERR_OK;
  session_member m;
  int rc = session_parse_member(profile, &m, msg);
  if (rc == KERR_OK && strcmp(m.id, s->member.id) != 0)
    rc = kerr_set(msg, KERR_PROTO, "central answered for another member");
  if (rc == KERR_OK) s->member = m;
  sodium_memzero(&m, sizeof m);
  return rc;
}

void session_resolve_failed(session *s, unsigned gen) {
  if (gen == s->gen && s->state == SESSION_CHECKING) session_end(s);
}

void session_touch(session *s, uint64_t now_ms) {
  if (s->state == SESSION_ACTIVE || s->state == SESSION_ENDING) {
    s->state = SESSION_ACTIVE;
    s->last_input_ms = now_ms;
  }
}

int session_tick(session *s, uint64_t now_ms) {
  if (s->state == SESSION_ACTIVE &&
      now_ms >= s->last_input_ms + s->idle_ms - s->countdown_ms) {
    if (s->countdown_ms == 0) {
      session_end(s);
      return 1;
    }
    s->state = SESSION_ENDING;
    s->ending_since_ms = s->last_input_ms + s->idle_ms - s->countdown_ms;
    return 1;
  }
  if (s->state == SESSION_ENDING &&
      now_ms >= s->ending_since_ms + s->countdown_ms) {
    session_end(s);
    return 1;
  }
  return 0;
}

int session_countdown_left(const session *s, uint64_t now_ms) {
  if (s->state != SESSION_ENDING) return 0;
  uint64_t end = s->ending_since_ms + s->countdown_ms;
  if (now_ms >= end) return 0;
  return (int)((end - now_ms + 999) / 1000);
}

uint64_t session_deadline(const session *s, uint64_t now_ms) {
  if (s->state == SESSION_ACTIVE)
    return s->last_input_ms + s->idle_ms - s->countdown_ms;
  if (s->state == SESSION_ENDING) {
    /* Wake at each whole second so the countdown on screen moves. */
    uint64_t end = s->ending_since_ms + s->countdown_ms;
    if (now_ms >= end) return now_ms;
    uint64_t left = end - now_ms;
    uint64_t step = left % 1000 ? left % 1000 : 1000;
    return now_ms + step;
  }
  return UINT64_MAX;
}

const mcode_claims *session_code_of(const session *s) {
  if ((s->state == SESSION_ACTIVE || s->state == SESSION_ENDING) &&
      !strcmp(s->code.member_id, s->member.id))
    return &s->code;
  return NULL;
}

const session_member *session_member_of(const session *s) {
  if (s->state == SESSION_ACTIVE || s->state == SESSION_ENDING)
    return &s->member;
  return NULL;
}
