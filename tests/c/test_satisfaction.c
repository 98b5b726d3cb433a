/*
 * C tests of satisfaction scoring: steward_satisfaction_score (every vector
 * in tests/vectors/satisfaction.score/, byte for byte), the store variant,
 * the columnar function, and their NULL and error paths.
 *
 *   test_satisfaction VECTORS_DIR SCRATCH_DIR
 *
 * Exits 0 when every check passed. Run by tests/c/run.sh under valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steward.h"

#include "common.h"


static const char REQUEST[] =
    "{\"schema\": \"steward.satisfaction.score.request.v1\","
    " \"as_of\": \"2022-12-31T00:00:00+08:00\","
    " \"responses\": [{\"at\": \"2022-12-01T10:00:00+08:00\", \"overall\": 4,"
    " \"comment\": \"PLANTED-COMMENT\", \"respondent\": \"Planted Name\"}]}";

/* ------------------------------------------------------------- documents */

static void test_score(void) {
    char *out = STRING_SENTINEL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_satisfaction_score(REQUEST, &out, &err), STEWARD_STATUS_OK);
    CHECK(err == NULL);
    CHECK(out != STRING_SENTINEL);
    CHECK(strncmp(out, "{\"schema\":\"steward.satisfaction.score.response.v1\"", 50) == 0);
    CHECK_CONTAINS(out, "\"responses\":1");
    /* personal data given in the request never comes back */
    CHECK(strstr(out, "PLANTED") == NULL);
    CHECK(strstr(out, "Planted") == NULL);
    /* the generic entry point gives the same document */
    char *same = NULL;
    CHECK_STATUS(steward_call("satisfaction.score", REQUEST, &same, NULL), STEWARD_STATUS_OK);
    CHECK(same != NULL && strcmp(same, out) == 0);
    steward_string_free(same);
    steward_string_free(out);
}

static void test_score_errors(void) {
    char *out = STRING_SENTINEL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_satisfaction_score(NULL, &out, &err), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_CONTAINS(steward_error_message(err), "request_json");
    CHECK(out == STRING_SENTINEL);
    steward_error_free(err);
    err = NULL;
    CHECK_STATUS(steward_satisfaction_score(REQUEST, NULL, &err), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_CONTAINS(steward_error_message(err), "response_out");
    steward_error_free(err);
    err = NULL;
    CHECK_STATUS(steward_satisfaction_score("{\"schema\": \"x\", \"as_of\": "
                                            "\"2022-12-31T00:00:00+08:00\"}",
                                            &out, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"schema\"");
    CHECK(out == STRING_SENTINEL);
    steward_error_free(err);
    /* bad UTF-8 in the document is invalid input with an invalid_utf8 issue */
    CHECK_STATUS(steward_satisfaction_score("{\"schema\": \"\xff\"}", &out, NULL),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_last_error_json(), "\"code\":\"invalid_utf8\"");
    /* err_out may be NULL */
    CHECK_STATUS(steward_satisfaction_score("{", &out, NULL), STEWARD_STATUS_INVALID_INPUT);
    CHECK(out == STRING_SENTINEL);
}

/* Every vector of tests/vectors/satisfaction.score through the typed function. */
static void test_vectors(const char *vectors_dir) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/satisfaction.score", vectors_dir);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (d == NULL) {
        return;
    }
    int count = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0) {
            continue;
        }
        char in_path[4608], out_path[4608];
        snprintf(in_path, sizeof in_path, "%s/%s", dir, de->d_name);
        snprintf(out_path, sizeof out_path, "%s/%.*s.out", dir, (int)(len - 5), de->d_name);
        size_t in_len = 0;
        char *input = read_file(in_path, &in_len);
        char *expected = read_file(out_path, NULL);
        CHECK(input != NULL && expected != NULL);
        if (input != NULL && expected != NULL && strlen(input) == in_len) {
            size_t e = strlen(expected);
            while (e > 0 && (expected[e - 1] == '\n' || expected[e - 1] == '\r')) {
                expected[--e] = '\0';
            }
            char *response = NULL;
            steward_error *err = NULL;
            steward_status s = steward_satisfaction_score(input, &response, &err);
            const char *got = s == STEWARD_STATUS_OK ? response : steward_error_json(err);
            int ok = strcmp(expected, "ok") == 0 ? s == STEWARD_STATUS_OK
                                                 : got != NULL && strcmp(got, expected) == 0;
            if (!ok) {
                fprintf(stderr, "vector %s: status %u\n   got: %.300s\n  want: %.300s\n",
                        de->d_name, (unsigned)s, got ? got : "(NULL)", expected);
            }
            CHECK(ok);
            steward_string_free(response);
            steward_error_free(err);
            count++;
        }
        free(input);
        free(expected);
    }
    closedir(d);
    CHECK(count >= 5);
    printf("satisfaction.score vectors: %d run\n", count);
}

/* ----------------------------------------------------------------- store */

static void test_store(void) {
    steward_store *store = NULL;
    char *demo = NULL;
    CHECK_STATUS(steward_store_open_in_memory(&store, NULL), STEWARD_STATUS_OK);
    CHECK_STATUS(steward_demo_estate(&demo, NULL), STEWARD_STATUS_OK);
    CHECK_STATUS(steward_store_save_estate(store, demo, NULL), STEWARD_STATUS_OK);
    steward_string_free(demo);

    const char *request = "{\"schema\": \"steward.satisfaction.score.request.v1\","
                          " \"as_of\": \"2022-12-14T10:00:00+08:00\","
                          " \"config\": {\"groupings\": [{\"by\": [\"building\"]}]}}";
    char *out = NULL;
    CHECK_STATUS(
        steward_store_satisfaction_score(store, "babylon-blue-diamond", request, &out, NULL),
        STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"keys\":{\"building\":\"B9\"},\"satisfaction\":{\"status\":\"suppressed\"");
    steward_string_free(out);

    char *untouched = STRING_SENTINEL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_store_satisfaction_score(store, "nowhere", request, &untouched, &err),
                 STEWARD_STATUS_NOT_FOUND);
    CHECK(untouched == STRING_SENTINEL);
    steward_error_free(err);
    err = NULL;
    const char *with_estate = "{\"schema\": \"steward.satisfaction.score.request.v1\","
                              " \"as_of\": \"2022-12-14T10:00:00+08:00\","
                              " \"estate\": {\"id\": \"e\", \"name\": \"E\","
                              " \"company\": {\"name\": \"C\", \"branch\": \"B\"}}}";
    CHECK_STATUS(steward_store_satisfaction_score(store, "babylon-blue-diamond", with_estate,
                                                  &untouched, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"estate\"");
    steward_error_free(err);
    CHECK_STATUS(steward_store_satisfaction_score(NULL, "x", request, &untouched, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_satisfaction_score(store, NULL, request, &untouched, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_satisfaction_score(store, "x", NULL, &untouched, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_satisfaction_score(store, "x", request, NULL, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_satisfaction_score(store, "caf\xe9", request, &untouched, NULL),
                 STEWARD_STATUS_INVALID_UTF8);
    CHECK(untouched == STRING_SENTINEL);
    steward_store_free(store);
}

/* --------------------------------------------------------------- columns */

static void test_columns(void) {
    /* group 0: 5 4 4 5 3 (mean 4.2, CSAT 0.8); group 1: 2 3 4 3 3 (mean 3, CSAT 0.2) */
    const uint32_t groups[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    const uint8_t scores[] = {5, 4, 4, 5, 3, 2, 3, 4, 3, 3};
    char *out = NULL;
    CHECK_STATUS(steward_satisfaction_score_columns(groups, scores, 10, NULL, &out, NULL),
                 STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"status\":[0,0]");
    CHECK_CONTAINS(out, "\"n\":[5,5]");
    CHECK_CONTAINS(out, "\"mean\":[4.2,3.0]");
    CHECK_CONTAINS(out, "\"csat\":[0.8,0.2]");
    steward_string_free(out);

    /* a threshold of 6 suppresses both groups, and the total stays */
    out = NULL;
    CHECK_STATUS(steward_satisfaction_score_columns(groups, scores, 10,
                                                    "{\"anonymity_threshold\": 6}", &out, NULL),
                 STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"status\":[1,1]");
    CHECK_CONTAINS(out, "\"mean\":[null,null]");
    steward_string_free(out);

    char *untouched = STRING_SENTINEL;
    steward_error *err = NULL;
    const uint8_t bad[] = {5, 9};
    CHECK_STATUS(steward_satisfaction_score_columns(groups, bad, 2, NULL, &untouched, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"scores[1]\"");
    CHECK(untouched == STRING_SENTINEL);
    steward_error_free(err);
    err = NULL;
    CHECK_STATUS(steward_satisfaction_score_columns(groups, scores, 10, "{\"colour\": 1}",
                                                    &untouched, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"colour\"");
    steward_error_free(err);
    CHECK_STATUS(steward_satisfaction_score_columns(NULL, scores, 10, NULL, &untouched, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_satisfaction_score_columns(groups, NULL, 10, NULL, &untouched, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_satisfaction_score_columns(groups, scores, 10, NULL, NULL, NULL),
                 STEWARD_STATUS_NULL_ARGUMENT);
    CHECK(untouched == STRING_SENTINEL);
    /* zero rows: NULL arrays are fine */
    out = NULL;
    CHECK_STATUS(steward_satisfaction_score_columns(NULL, NULL, 0, NULL, &out, NULL),
                 STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"n\":[]");
    steward_string_free(out);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    test_score();
    test_score_errors();
    test_vectors(argv[1]);
    test_store();
    test_columns();
    printf("test_satisfaction: %d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
