/*
 * C tests of the dispatch functions of libsteward: the shared vectors of
 * every dispatch.* entry (through the typed function and through
 * steward_call), the plain-matrix linear sum assignment, the store variant,
 * the default policy, NULLs and bad input.
 *
 *   test_dispatch VECTORS_DIR SCRATCH_DIR
 *
 * Exits 0 when every check passed. Run by tests/c/run.sh (against the shared
 * and the static library, under valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steward.h"

#include "common.h"


static const char DEMO_NOW[] = "2022-12-14T10:00:00+08:00";

/* Concatenates strings (caller frees). */
static char *concat3(const char *a, const char *b, const char *c) {
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s != NULL) {
        snprintf(s, n, "%s%s%s", a, b, c);
    }
    return s;
}

typedef steward_status (*typed_fn)(const char *, char **, steward_error **);

/* Runs `call` on a request; returns the response or the error JSON (caller frees). */
static char *outcome(typed_fn fn, const char *entry, const char *request, steward_status *status) {
    char *out = NULL;
    steward_error *err = NULL;
    steward_status s = fn != NULL ? fn(request, &out, &err) : steward_call(entry, request, &out, &err);
    *status = s;
    char *result;
    if (s == STEWARD_STATUS_OK) {
        CHECK(err == NULL);
        result = concat3(out, "", "");
        steward_string_free(out);
    } else {
        CHECK(out == NULL);
        CHECK(err != NULL && steward_error_status(err) == s);
        result = concat3(steward_error_json(err), "", "");
        steward_error_free(err);
    }
    return result;
}

/* ---------------------------------------------------------------- vectors */

static int vectors_run = 0;

static void run_entry_vectors(const char *vectors_dir, const char *entry, typed_fn fn) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", vectors_dir, entry);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (d == NULL) {
        return;
    }
    int cases = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) {
            continue;
        }
        char in_path[1536], out_path[1536];
        snprintf(in_path, sizeof in_path, "%s/%s", dir, e->d_name);
        snprintf(out_path, sizeof out_path, "%s/%.*s.out", dir, (int)(n - 5), e->d_name);
        char *request = read_file(in_path, NULL);
        char *expected = read_file(out_path, NULL);
        CHECK(request != NULL && expected != NULL);
        if (request != NULL && expected != NULL) {
            size_t el = strlen(expected);
            while (el > 0 && (expected[el - 1] == '\n' || expected[el - 1] == '\r')) {
                expected[--el] = '\0';
            }
            for (int via_call = 0; via_call < 2; via_call++) {
                steward_status s;
                char *got = outcome(via_call ? NULL : fn, entry, request, &s);
                int ok;
                if (strcmp(expected, "ok") == 0) {
                    ok = s == STEWARD_STATUS_OK;
                } else {
                    ok = got != NULL && strcmp(got, expected) == 0;
                }
                checks_run++;
                if (!ok) {
                    checks_failed++;
                    fprintf(stderr, "vector %s (%s):\n  expected: %.400s\n  got:      %.400s\n",
                            in_path, via_call ? "steward_call" : "typed", expected,
                            got ? got : "(NULL)");
                }
                free(got);
            }
            cases++;
            vectors_run++;
        }
        free(request);
        free(expected);
    }
    closedir(d);
    CHECK(cases >= 5);
}

static void test_vectors(const char *vectors_dir) {
    run_entry_vectors(vectors_dir, "dispatch.rank", steward_dispatch_rank);
    run_entry_vectors(vectors_dir, "dispatch.assign", steward_dispatch_assign);
    run_entry_vectors(vectors_dir, "dispatch.candidates", steward_dispatch_candidates);
    run_entry_vectors(vectors_dir, "dispatch.follow_ups", steward_dispatch_follow_ups);
    run_entry_vectors(vectors_dir, "dispatch.lsa", steward_dispatch_lsa);
}

/* ------------------------------------------------------------ plain LSA */

static void test_lsa_plain(void) {
    const double cost[9] = {4, 1, 3, 2, 0, 5, 3, 2, 2};
    size_t rows[3] = {9, 9, 9}, cols[3] = {9, 9, 9}, len = 0;
    double total = -1;
    steward_error *err = (steward_error *)STRING_SENTINEL;
    steward_status s =
        steward_linear_sum_assignment(cost, 3, 3, false, rows, cols, &len, &total, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    CHECK(err == NULL);
    CHECK(len == 3 && total == 5.0);
    CHECK(rows[0] == 0 && rows[1] == 1 && rows[2] == 2);
    CHECK(cols[0] == 1 && cols[1] == 0 && cols[2] == 2);

    /* tall (more rows than columns), maximising, total optional */
    const double tall[6] = {1, 2, 3, 4, 5, 9};
    s = steward_linear_sum_assignment(tall, 3, 2, true, rows, cols, &len, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    CHECK(len == 2 && rows[0] == 1 && rows[1] == 2 && cols[0] == 0 && cols[1] == 1);

    /* forbidden pairs */
    const double forbid[4] = {INFINITY, 1, 2, INFINITY};
    s = steward_linear_sum_assignment(forbid, 2, 2, false, rows, cols, &len, &total, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    CHECK(total == 3.0 && cols[0] == 1 && cols[1] == 0);

    /* infeasible: nothing written */
    const double none[4] = {INFINITY, INFINITY, 1, 2};
    len = 42;
    total = -1;
    err = NULL;
    s = steward_linear_sum_assignment(none, 2, 2, false, rows, cols, &len, &total, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INFEASIBLE);
    CHECK(len == 42 && total == -1);
    CHECK_CONTAINS(steward_error_json(err), "\"kind\":\"infeasible\"");
    steward_error_free(err);

    /* NaN, and +INFINITY when maximising, are refused with the entry named */
    const double bad[4] = {1, 2, NAN, 4};
    err = NULL;
    s = steward_linear_sum_assignment(bad, 2, 2, false, rows, cols, &len, NULL, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"cost[1][0]\"");
    steward_error_free(err);
    const double up[2] = {1, INFINITY};
    s = steward_linear_sum_assignment(up, 1, 2, true, rows, cols, &len, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_last_error_json(), "\"path\":\"cost[0][1]\"");

    /* NULLs */
    err = NULL;
    s = steward_linear_sum_assignment(NULL, 2, 2, false, rows, cols, &len, NULL, &err);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"cost\"");
    steward_error_free(err);
    s = steward_linear_sum_assignment(cost, 3, 3, false, NULL, cols, &len, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_CONTAINS(steward_last_error_json(), "\"path\":\"row_ind_out\"");
    s = steward_linear_sum_assignment(cost, 3, 3, false, rows, NULL, &len, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    s = steward_linear_sum_assignment(cost, 3, 3, false, rows, cols, NULL, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);

    /* empty matrices need no arrays */
    len = 7;
    s = steward_linear_sum_assignment(NULL, 0, 3, false, NULL, NULL, &len, &total, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    CHECK(len == 0 && total == 0.0);

    /* too large */
    s = steward_linear_sum_assignment(cost, SIZE_MAX, 2, false, rows, cols, &len, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);

    /* a larger random matrix: the assignment is a permutation */
    enum { N = 60 };
    double *big = malloc(sizeof(double) * N * N);
    size_t *r = malloc(sizeof(size_t) * N), *c = malloc(sizeof(size_t) * N);
    CHECK(big != NULL && r != NULL && c != NULL);
    if (big != NULL && r != NULL && c != NULL) {
        uint64_t x = 12345;
        for (int i = 0; i < N * N; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            big[i] = (double)((x >> 33) % 1000);
        }
        s = steward_linear_sum_assignment(big, N, N, false, r, c, &len, &total, NULL);
        CHECK_STATUS(s, STEWARD_STATUS_OK);
        int seen[N] = {0};
        double sum = 0;
        for (int i = 0; i < N; i++) {
            CHECK(r[i] == (size_t)i && c[i] < N);
            if (c[i] < N) {
                seen[c[i]]++;
                sum += big[i * N + c[i]];
            }
        }
        for (int j = 0; j < N; j++) {
            CHECK(seen[j] == 1);
        }
        CHECK(sum == total);
        /* the identity assignment is never better */
        double diagonal = 0;
        for (int i = 0; i < N; i++) {
            diagonal += big[i * N + i];
        }
        CHECK(total <= diagonal);
    }
    free(big);
    free(r);
    free(c);
}

/* ------------------------------------------- documents, store, policy */

static void test_documents_and_store(void) {
    char *estate = NULL;
    CHECK_STATUS(steward_demo_estate(&estate, NULL), STEWARD_STATUS_OK);
    if (estate == NULL) {
        return;
    }
    char head[256];
    snprintf(head, sizeof head,
             "{\"schema\": \"steward.dispatch.rank.request.v1\", \"as_of\": \"%s\", \"limit\": 3",
             DEMO_NOW);
    char *with_estate = concat3(head, ", \"estate\": ", estate);
    char *request = concat3(with_estate, "}", "");
    char *without = concat3(head, "}", "");

    char *direct = NULL;
    CHECK_STATUS(steward_dispatch_rank(request, &direct, NULL), STEWARD_STATUS_OK);
    static const char response_head[] = "{\"schema\":\"steward.dispatch.rank.response.v1\",";
    CHECK(direct != NULL && strncmp(direct, response_head, strlen(response_head)) == 0);
    /* the leak with backflow is first */
    CHECK_CONTAINS(direct, "\"orders\":[{\"rank\":1,\"order\":\"WO-221214-005\"");
    CHECK_CONTAINS(direct, "\"rule_id\":\"vulnerable_household\"");

    steward_store *store = NULL;
    CHECK_STATUS(steward_store_open_in_memory(&store, NULL), STEWARD_STATUS_OK);
    CHECK_STATUS(steward_store_save_estate(store, estate, NULL), STEWARD_STATUS_OK);
    char *from_store = NULL;
    steward_error *err = (steward_error *)STRING_SENTINEL;
    steward_status s =
        steward_store_dispatch(store, "babylon-blue-diamond", without, &from_store, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    CHECK(err == NULL);
    CHECK(from_store != NULL && direct != NULL && strcmp(from_store, direct) == 0);
    steward_string_free(from_store);

    /* an estate in the request too, an unknown estate, bad ids, NULLs */
    char *out = STRING_SENTINEL;
    err = NULL;
    s = steward_store_dispatch(store, "babylon-blue-diamond", request, &out, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    CHECK(out == STRING_SENTINEL);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"estate\"");
    steward_error_free(err);
    s = steward_store_dispatch(store, "nowhere", without, &out, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NOT_FOUND);
    s = steward_store_dispatch(store, "caf\xe9", without, &out, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_UTF8);
    s = steward_store_dispatch(NULL, "babylon-blue-diamond", without, &out, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    s = steward_store_dispatch(store, NULL, without, &out, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    s = steward_store_dispatch(store, "babylon-blue-diamond", NULL, &out, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    s = steward_store_dispatch(store, "babylon-blue-diamond", without, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    s = steward_store_dispatch(store, "babylon-blue-diamond", "{\"schema\": \"nope\"}", &out, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_last_error_json(), "\"path\":\"schema\"");
    CHECK(out == STRING_SENTINEL);

    /* the follow-ups of the demo estate from the store: the riser inspection exists */
    char fu[256];
    snprintf(fu, sizeof fu,
             "{\"schema\": \"steward.dispatch.follow_ups.request.v1\", \"as_of\": \"%s\"}", DEMO_NOW);
    char *found = NULL;
    CHECK_STATUS(steward_store_dispatch(store, "babylon-blue-diamond", fu, &found, NULL),
                 STEWARD_STATUS_OK);
    CHECK_CONTAINS(found, "{\"rule_id\":\"follow_up_backflow_inspection\",\"trigger\":\"WO-221214-005\",\"order\":\"WO-221214-008\"}");
    steward_string_free(found);
    steward_store_free(store);

    /* the typed functions refuse NULLs and leave outputs alone */
    typed_fn fns[5] = {steward_dispatch_rank, steward_dispatch_assign, steward_dispatch_candidates,
                       steward_dispatch_follow_ups, steward_dispatch_lsa};
    for (int i = 0; i < 5; i++) {
        out = STRING_SENTINEL;
        err = NULL;
        s = fns[i](NULL, &out, &err);
        CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
        CHECK_CONTAINS(steward_error_json(err), "\"path\":\"request_json\"");
        CHECK(out == STRING_SENTINEL);
        steward_error_free(err);
        s = fns[i]("{}", NULL, NULL);
        CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
        s = fns[i]("{\"schema\": ", &out, NULL);
        CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
        CHECK_CONTAINS(steward_last_error_json(), "\"code\":\"syntax\"");
        CHECK(out == STRING_SENTINEL);
    }

    /* the default policy */
    char *policy = NULL;
    CHECK_STATUS(steward_dispatch_default_policy(&policy, NULL), STEWARD_STATUS_OK);
    static const char policy_head[] = "{\"name\":\"cn-residential-default\",";
    CHECK(policy != NULL && strncmp(policy, policy_head, strlen(policy_head)) == 0);
    CHECK_CONTAINS(policy, "\"P1\":{\"name\":\"Emergency\",\"name_zh\":\"紧急\",\"points\":400.0,\"respond_minutes\":15");
    steward_string_free(policy);
    CHECK_STATUS(steward_dispatch_default_policy(NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);

    free(with_estate);
    free(request);
    free(without);
    steward_string_free(direct);
    steward_string_free(estate);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    test_vectors(argv[1]);
    test_lsa_plain();
    test_documents_and_store();
    printf("test_dispatch: %d vectors, %d checks, %d failed\n", vectors_run, checks_run,
           checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
