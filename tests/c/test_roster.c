/*
 * C tests of the roster engine in libsteward: steward_roster_solve/evaluate/
 * repair/nsp_import, the progress callback, the cancellation flag (from
 * another thread), NULLs, bad input, and agreement with the shared vectors
 * (the typed functions must give byte for byte what the vectors say).
 *
 *   test_roster VECTORS_DIR SCRATCH_DIR
 *
 * Exits 0 when every check passed. Run by tests/c/run.sh (against the shared
 * and the static library, under valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __STDC_NO_THREADS__
#include <threads.h>
#endif

#include "steward.h"

#include "common.h"

static const char *vectors_dir;

/* A vector file's text without its final newline (caller frees); NULL on error. */
static char *vector(const char *entry, const char *name, const char *ext) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s.%s", vectors_dir, entry, name, ext);
    size_t n = 0;
    char *text = read_file(path, &n);
    /* Expected outputs end with a newline; drop it. */
    while (text != NULL && n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) {
        text[--n] = '\0';
    }
    return text;
}

/* ------------------------------------------------------------ callbacks */

struct progress_log {
    int calls;
    int64_t last_hard;
    int64_t last_soft;
    uint64_t last_moves;
    int stop_after; /* stop when calls reaches this (0 = never) */
};

static int on_progress(void *user_data, double elapsed, int64_t hard, int64_t soft,
                       uint64_t moves) {
    struct progress_log *log = user_data;
    log->calls++;
    log->last_hard = hard;
    log->last_soft = soft;
    log->last_moves = moves;
    if (elapsed < 0.0) {
        log->calls = -1000; /* never: elapsed is a duration */
    }
    return log->stop_after != 0 && log->calls >= log->stop_after;
}

/* ---------------------------------------------------------------- tests */

/* The typed functions give what the vectors say, byte for byte. */
static void test_typed_functions_match_vectors(void) {
    struct {
        const char *entry;
        const char *name;
    } cases[] = {
        {"roster.solve", "normal-week"},       {"roster.solve", "closed-management"},
        {"roster.solve", "dangling-references"}, {"roster.evaluate", "violations"},
        {"roster.evaluate", "unknown-post"},   {"roster.repair", "sick-from-wednesday"},
        {"roster.repair", "no-disruptions"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *input = vector(cases[i].entry, cases[i].name, "json");
        char *want = vector(cases[i].entry, cases[i].name, "out");
        CHECK(input != NULL && want != NULL);
        if (input == NULL || want == NULL) {
            free(input);
            free(want);
            continue;
        }
        char *out = STRING_SENTINEL;
        steward_error *err = NULL;
        steward_status st;
        if (strcmp(cases[i].entry, "roster.solve") == 0) {
            st = steward_roster_solve(input, NULL, NULL, NULL, &out, &err);
        } else if (strcmp(cases[i].entry, "roster.evaluate") == 0) {
            st = steward_roster_evaluate(input, &out, &err);
        } else {
            st = steward_roster_repair(input, NULL, NULL, NULL, &out, &err);
        }
        const char *got = st == STEWARD_STATUS_OK ? out : steward_error_json(err);
        checks_run++;
        if (got == NULL || strcmp(got, want) != 0) {
            checks_failed++;
            fprintf(stderr, "%s/%s: got %.200s\n  want %.200s\n", cases[i].entry, cases[i].name,
                    got ? got : "(NULL)", want);
        }
        if (st == STEWARD_STATUS_OK) {
            CHECK(err == NULL);
            steward_string_free(out);
        } else {
            CHECK(out == STRING_SENTINEL); /* untouched on failure */
            steward_error_free(err);
        }
        free(input);
        free(want);
    }
}

static void test_progress_callback(void) {
    char *input = vector("roster.solve", "normal-week", "json");
    CHECK(input != NULL);
    struct progress_log log = {0, -1, -1, 0, 0};
    char *out = NULL;
    CHECK_STATUS(steward_roster_solve(input, on_progress, &log, NULL, &out, NULL),
                 STEWARD_STATUS_OK);
    CHECK(log.calls >= 1);
    CHECK(log.last_hard == 0);
    CHECK(log.last_moves > 0);
    char score[64];
    snprintf(score, sizeof score, "\"score\":{\"hard\":%lld,\"soft\":%lld}",
             (long long)log.last_hard, (long long)log.last_soft);
    CHECK_CONTAINS(out, score);
    steward_string_free(out);

    /* Returning non-zero stops the search. */
    struct progress_log stop = {0, -1, -1, 0, 1};
    out = NULL;
    CHECK_STATUS(steward_roster_solve(input, on_progress, &stop, NULL, &out, NULL),
                 STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"stopped_by\":\"cancelled\"");
    steward_string_free(out);
    free(input);
}

/* `request` with `"threads": N, ` put first in its limits (malloc'd; the
 * caller frees it), or NULL. */
static char *with_threads(const char *request, const char *n) {
    const char *limits = "\"limits\": {";
    const char *at = strstr(request, limits);
    if (at == NULL) {
        return NULL;
    }
    size_t head = (size_t)(at - request) + strlen(limits);
    size_t len = strlen(request) + strlen(n) + 16;
    char *out = malloc(len);
    if (out == NULL) {
        return NULL;
    }
    snprintf(out, len, "%.*s\"threads\": %s, %s", (int)head, request, n, request + head);
    return out;
}

static void test_threads(void) {
    char *input = vector("roster.solve", "closed-management", "json");
    CHECK(input != NULL);
    char *two = input ? with_threads(input, "2") : NULL;
    CHECK(two != NULL);
    if (two != NULL) {
        /* Two searches side by side: the same roster every time, the
         * progress reports (all on this thread) end on its score. */
        struct progress_log log = {0, -1, -1, 0, 0};
        char *a = NULL;
        char *b = NULL;
        CHECK_STATUS(steward_roster_solve(two, on_progress, &log, NULL, &a, NULL),
                     STEWARD_STATUS_OK);
        CHECK_STATUS(steward_roster_solve(two, NULL, NULL, NULL, &b, NULL), STEWARD_STATUS_OK);
        CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
        CHECK(log.calls >= 1);
        char score[64];
        snprintf(score, sizeof score, "\"score\":{\"hard\":%lld,\"soft\":%lld}",
                 (long long)log.last_hard, (long long)log.last_soft);
        CHECK_CONTAINS(a, score);
        steward_string_free(a);
        steward_string_free(b);
    }
    free(two);
    char *none = input ? with_threads(input, "0") : NULL;
    CHECK(none != NULL);
    if (none != NULL) {
        char *out = STRING_SENTINEL;
        steward_error *err = NULL;
        CHECK_STATUS(steward_roster_solve(none, NULL, NULL, NULL, &out, &err),
                     STEWARD_STATUS_INVALID_INPUT);
        CHECK_CONTAINS(steward_error_json(err), "\"path\":\"limits.threads\"");
        CHECK(out == STRING_SENTINEL);
        steward_error_free(err);
    }
    free(none);
    free(input);
}

#ifndef __STDC_NO_THREADS__
struct solve_job {
    const char *request;
    const steward_cancel *cancel;
    char *out;
    steward_status status;
};

static int solve_in_thread(void *p) {
    struct solve_job *job = p;
    job->status = steward_roster_solve(job->request, NULL, NULL, job->cancel, &job->out, NULL);
    return 0;
}
#endif

static void test_cancel(void) {
    steward_cancel *cancel = NULL;
    CHECK_STATUS(steward_cancel_new(&cancel, NULL), STEWARD_STATUS_OK);
    CHECK(cancel != NULL);
    char *input = vector("roster.solve", "closed-management", "json");
    CHECK(input != NULL);
    /* A flag set before the call stops it at once, with the best so far. */
    CHECK_STATUS(steward_cancel_set(cancel, NULL), STEWARD_STATUS_OK);
    char *out = NULL;
    CHECK_STATUS(steward_roster_solve(input, NULL, NULL, cancel, &out, NULL), STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"stopped_by\":\"cancelled\"");
    steward_string_free(out);
    steward_cancel_free(cancel);

#ifndef __STDC_NO_THREADS__
    /* Set from this thread while another one solves a long request. */
    const char *limits = "\"limits\": {";
    char *moves = strstr(input, limits);
    CHECK(moves != NULL);
    if (moves != NULL) {
        /* Raise the move budget: "moves": 30000 -> 3000000000. */
        char *digits = strstr(moves, "30000");
        CHECK(digits != NULL);
        size_t len = strlen(input);
        char *big = malloc(len + 8);
        if (digits != NULL && big != NULL) {
            size_t head = (size_t)(digits - input);
            memcpy(big, input, head);
            strcpy(big + head, "3000000000");
            strcpy(big + head + 10, digits + 5);
            steward_cancel *flag = NULL;
            CHECK_STATUS(steward_cancel_new(&flag, NULL), STEWARD_STATUS_OK);
            struct solve_job job = {big, flag, NULL, STEWARD_STATUS_PANIC};
            thrd_t t;
            CHECK(thrd_create(&t, solve_in_thread, &job) == thrd_success);
            struct timespec pause = {0, 200 * 1000 * 1000};
            thrd_sleep(&pause, NULL);
            CHECK_STATUS(steward_cancel_set(flag, NULL), STEWARD_STATUS_OK);
            thrd_join(t, NULL);
            CHECK_STATUS(job.status, STEWARD_STATUS_OK);
            CHECK_CONTAINS(job.out, "\"stopped_by\":\"cancelled\"");
            steward_string_free(job.out);
            steward_cancel_free(flag);
        }
        free(big);
    }
#endif
    free(input);
    /* A freed flag is refused, not used; freeing again is a no-op. */
    out = STRING_SENTINEL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_roster_solve("{}", NULL, NULL, cancel, &out, &err),
                 STEWARD_STATUS_INVALID_HANDLE);
    CHECK(out == STRING_SENTINEL);
    steward_error_free(err);
    CHECK_STATUS(steward_cancel_set(cancel, NULL), STEWARD_STATUS_INVALID_HANDLE);
    steward_cancel_free(cancel);
    steward_cancel_free(NULL);
}

static void test_nulls_and_bad_input(void) {
    char *out = STRING_SENTINEL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_roster_solve(NULL, NULL, NULL, NULL, &out, &err),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_CONTAINS(steward_error_json(err), "request_json");
    steward_error_free(err);
    CHECK_STATUS(steward_roster_solve("{}", NULL, NULL, NULL, NULL, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_roster_evaluate(NULL, &out, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_roster_repair("{}", NULL, NULL, NULL, NULL, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_cancel_new(NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_cancel_set(NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK(out == STRING_SENTINEL);

    /* Not UTF-8: an invalid_utf8 issue, as in Rust and Python. */
    err = NULL;
    CHECK_STATUS(steward_roster_evaluate("{\"schema\": \"\xff\"}", &out, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"code\":\"invalid_utf8\"");
    steward_error_free(err);

    /* Bad JSON. */
    err = NULL;
    CHECK_STATUS(steward_roster_solve("{\"schema\":", NULL, NULL, NULL, &out, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"code\":\"syntax\"");
    steward_error_free(err);
    CHECK(out == STRING_SENTINEL);
}

static void test_nsp_import(void) {
    const char *text =
        "SECTION_HORIZON\r\n7\r\n\r\nSECTION_SHIFTS\r\nD,480,\r\n\r\nSECTION_STAFF\r\n"
        "A,D=7,2400,0,5,1,1,2\r\n\r\nSECTION_COVER\r\n0,D,1,100,1\r\n1,D,-0,100,1\r\n";
    char *out = NULL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_roster_nsp_import(text, "Mini", &out, &err), STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"schema\":\"steward.roster.solve.request.v1\"");
    CHECK_CONTAINS(out, "\"id\":\"nsp-mini\"");
    /* The imported request solves. */
    char *roster = NULL;
    CHECK_STATUS(steward_roster_solve(out, NULL, NULL, NULL, &roster, NULL), STEWARD_STATUS_OK);
    CHECK_CONTAINS(roster, "\"feasible\":true");
    steward_string_free(roster);
    steward_string_free(out);

    out = STRING_SENTINEL;
    CHECK_STATUS(steward_roster_nsp_import("SECTION_HORIZON\nseven\n", "Bad", &out, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"line 2\"");
    steward_error_free(err);
    CHECK_STATUS(steward_roster_nsp_import(NULL, "x", &out, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_roster_nsp_import(text, "caf\xe9", &out, NULL),
                 STEWARD_STATUS_INVALID_UTF8);
    CHECK(out == STRING_SENTINEL);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    vectors_dir = argv[1];
    test_typed_functions_match_vectors();
    test_progress_callback();
    test_cancel();
    test_threads();
    test_nulls_and_bad_input();
    test_nsp_import();
    printf("test_roster (steward %s): %d checks, %d failed\n", steward_version(), checks_run,
           checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
