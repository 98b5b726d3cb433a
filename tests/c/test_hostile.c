/*
 * Hostile use of libsteward, the way a buggy or malicious C caller would use
 * it: handles used after free, freed twice, passed as the wrong type or
 * invented; strings that are not UTF-8 or end early at an embedded NUL; a
 * 100 MB document through every document entry point; NULL everywhere.
 * Nothing may crash, leak (valgrind, AddressSanitizer) or be misreported.
 *
 *   test_hostile VECTORS_DIR SCRATCH_DIR
 *
 * Run by tests/c/run.sh (under valgrind) and tests/c/asan.sh (under ASan).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steward.h"

#include "common.h"

static const char MINIMAL[] =
    "{\"id\": \"tiny\", \"name\": \"Tiny\", \"company\": {\"name\": \"C\", \"branch\": \"B\"}}";


static steward_store *open_store(void) {
    steward_store *store = NULL;
    CHECK_STATUS(steward_store_open_in_memory(&store, NULL), STEWARD_STATUS_OK);
    CHECK(store != NULL);
    return store;
}

/* ------------------------------------------------------ stale store handles */

static void check_invalid_handle(steward_status s, steward_error *err, const char *param) {
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_HANDLE);
    CHECK(err != NULL);
    CHECK(steward_error_status(err) == STEWARD_STATUS_INVALID_HANDLE);
    CHECK_CONTAINS(steward_error_json(err), "\"kind\":\"invalid_handle\"");
    char path[64];
    snprintf(path, sizeof path, "\"path\":\"%s\"", param);
    CHECK_CONTAINS(steward_error_json(err), path);
    steward_error_free(err);
}

static void test_store_used_after_free(void) {
    steward_store *store = open_store();
    steward_error *err = NULL;
    CHECK_STATUS(steward_store_save_estate(store, MINIMAL, &err), STEWARD_STATUS_OK);
    steward_store_free(store);

    char *json = STRING_SENTINEL;
    uint32_t version = 77;
    {
        steward_status s_ = steward_store_save_estate(store, MINIMAL, &err);
        check_invalid_handle(s_, err, "store");
    }
    err = NULL;
    {
        steward_status s_ = steward_store_load_estate(store, "tiny", &json, &err);
        check_invalid_handle(s_, err, "store");
    }
    err = NULL;
    {
        steward_status s_ = steward_store_estate_ids(store, &json, &err);
        check_invalid_handle(s_, err, "store");
    }
    err = NULL;
    {
        steward_status s_ = steward_store_schema_version(store, &version, &err);
        check_invalid_handle(s_, err, "store");
    }
    CHECK(json == STRING_SENTINEL);
    CHECK(version == 77);
    CHECK_CONTAINS(steward_last_error_message(), "freed already");

    /* double free, and a free of a never-issued pointer: ignored */
    steward_store_free(store);
    steward_store_free(store);
    steward_store_free((steward_store *)(uintptr_t)0x12345670u);

    /* a new store is a new handle, the old one stays refused */
    steward_store *again = open_store();
    CHECK(again != store);
    err = NULL;
    {
        steward_status s_ = steward_store_estate_ids(store, &json, &err);
        check_invalid_handle(s_, err, "store");
    }
    CHECK_STATUS(steward_store_estate_ids(again, &json, NULL), STEWARD_STATUS_OK);
    CHECK(json != STRING_SENTINEL && strcmp(json, "[]") == 0);
    steward_string_free(json);
    steward_store_free(again);
}

static void test_wrong_and_invented_handles(void) {
    steward_error *err = NULL;
    /* an error object passed where a store belongs */
    CHECK_STATUS(steward_estate_validate("{", NULL, &err), STEWARD_STATUS_INVALID_INPUT);
    char *json = STRING_SENTINEL;
    steward_error *err2 = NULL;
    {
        steward_status s_ = steward_store_estate_ids((steward_store *)(void *)err, &json, &err2);
        check_invalid_handle(s_, err2, "store");
    }
    steward_store_free((steward_store *)(void *)err); /* ignored: not a store */
    CHECK(steward_error_status(err) == STEWARD_STATUS_INVALID_INPUT); /* still alive */

    /* a store passed where an error belongs */
    steward_store *store = open_store();
    CHECK(steward_error_status((steward_error *)(void *)store) == STEWARD_STATUS_INVALID_HANDLE);
    CHECK(strcmp(steward_error_json((steward_error *)(void *)store), "") == 0);
    steward_error_free((steward_error *)(void *)store); /* ignored: not an error */
    CHECK_STATUS(steward_store_estate_ids(store, &json, NULL), STEWARD_STATUS_OK);
    steward_string_free(json);
    steward_store_free(store);

    /* invented pointers */
    static int not_a_handle;
    json = STRING_SENTINEL;
    err2 = NULL;
    {
        steward_status s_ = steward_store_estate_ids((steward_store *)(void *)&not_a_handle, &json, &err2);
        check_invalid_handle(s_, err2, "store");
    }
    CHECK(json == STRING_SENTINEL);
    steward_error_free(err);
}

static void test_error_used_after_free(void) {
    steward_error *err = NULL;
    CHECK_STATUS(steward_estate_validate("{", NULL, &err), STEWARD_STATUS_INVALID_INPUT);
    CHECK(err != NULL);
    steward_error_free(err);
    CHECK(steward_error_status(err) == STEWARD_STATUS_INVALID_HANDLE);
    CHECK(strcmp(steward_error_message(err), "") == 0);
    CHECK(strcmp(steward_error_json(err), "") == 0);
    steward_error_free(err); /* double free: ignored */
}

/* ------------------------------------------------------------ bad strings */

static void test_bad_strings(void) {
    char *out = STRING_SENTINEL;
    steward_error *err = NULL;
    /* an entry name that is not UTF-8 */
    CHECK_STATUS(steward_call("\xff\xfe", "{}", &out, &err), STEWARD_STATUS_INVALID_UTF8);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"entry\"");
    steward_error_free(err);
    /* a document that is not UTF-8: an invalid input like any other */
    CHECK_STATUS(steward_call("estate", "{\"id\": \"\xc3\x28\"}", &out, &err),
                 STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"code\":\"invalid_utf8\"");
    steward_error_free(err);
    /* an embedded NUL: C sees the document up to it, which is truncated */
    static const char truncated[] = "{\"id\": \"tiny\"\0, \"name\": \"Tiny\"}";
    CHECK(sizeof truncated > strlen(truncated) + 1);
    CHECK_STATUS(steward_call("estate", truncated, &out, &err), STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"code\":\"syntax\"");
    steward_error_free(err);
    /* an estate id with a NUL in the middle reads as its prefix */
    steward_store *store = open_store();
    CHECK_STATUS(steward_store_save_estate(store, MINIMAL, NULL), STEWARD_STATUS_OK);
    CHECK_STATUS(steward_store_load_estate(store, "tiny\0garbage", &out, NULL), STEWARD_STATUS_OK);
    CHECK_CONTAINS(out, "\"id\":\"tiny\"");
    steward_string_free(out);
    out = STRING_SENTINEL;
    CHECK_STATUS(steward_store_load_estate(store, "caf\xe9", &out, &err), STEWARD_STATUS_INVALID_UTF8);
    steward_error_free(err);
    CHECK(out == STRING_SENTINEL);
    steward_store_free(store);
    /* a path that is not UTF-8 */
    steward_store *s2 = NULL;
    CHECK_STATUS(steward_store_open("/tmp/\xff\xfe.db", &s2, NULL), STEWARD_STATUS_INVALID_UTF8);
    CHECK(s2 == NULL);
}

/* ----------------------------------------------------------- huge inputs */

/* The entry names, from the NOT_FOUND message of an unknown entry:
 * "no document entry point named \"?\"; known: a, b, c". */
static int entry_names(char names[][64], int max) {
    steward_error *err = NULL;
    char *out = NULL;
    CHECK_STATUS(steward_call("?", "{}", &out, &err), STEWARD_STATUS_NOT_FOUND);
    const char *known = strstr(steward_error_message(err), "known: ");
    int n = 0;
    if (known != NULL) {
        const char *p = known + strlen("known: ");
        while (*p != '\0' && n < max) {
            size_t len = strcspn(p, ",");
            if (len > 0 && len < 64) {
                memcpy(names[n], p, len);
                names[n][len] = '\0';
                n++;
            }
            p += len;
            while (*p == ',' || *p == ' ') {
                p++;
            }
        }
    }
    steward_error_free(err);
    return n;
}

static void test_huge_document(void) {
    const size_t len = (size_t)100 * 1024 * 1024;
    char *doc = malloc(len + 1);
    CHECK(doc != NULL);
    if (doc == NULL) {
        return;
    }
    memset(doc, ' ', len);
    doc[0] = '{';
    doc[len - 1] = '}';
    doc[len] = '\0';
    char names[64][64];
    int n = entry_names(names, 64);
    CHECK(n >= 1);
    char expected[128];
    snprintf(expected, sizeof expected, "document is %zu bytes; the limit is 67108864", len);
    for (int i = 0; i < n; i++) {
        char *out = STRING_SENTINEL;
        steward_error *err = NULL;
        CHECK_STATUS(steward_call(names[i], doc, &out, &err), STEWARD_STATUS_INVALID_INPUT);
        CHECK_CONTAINS(steward_error_json(err), expected);
        CHECK(out == STRING_SENTINEL);
        steward_error_free(err);
    }
    /* the typed functions too */
    steward_error *err = NULL;
    CHECK_STATUS(steward_estate_validate(doc, NULL, &err), STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), expected);
    steward_error_free(err);
    steward_store *store = open_store();
    CHECK_STATUS(steward_store_save_estate(store, doc, &err), STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), expected);
    steward_error_free(err);
    steward_store_free(store);
    free(doc);
    printf("huge: a 100 MB document refused by %d entry points and 2 typed functions\n", n);
}

/* ------------------------------------------------------------------ NULLs */

static void test_nulls_everywhere(void) {
    char *out = STRING_SENTINEL;
    CHECK_STATUS(steward_call(NULL, NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_call("estate", MINIMAL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_estate_validate(NULL, &out, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_demo_estate(NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_open(NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_open_in_memory(NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_save_estate(NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_load_estate(NULL, NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_estate_ids(NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(steward_store_schema_version(NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK(out == STRING_SENTINEL);
    steward_string_free(NULL);
    steward_error_free(NULL);
    steward_store_free(NULL);
    CHECK(steward_error_status(NULL) == STEWARD_STATUS_OK);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    CHECK(STEWARD_STATUS_INVALID_HANDLE == 103);
    test_store_used_after_free();
    test_wrong_and_invented_handles();
    test_error_used_after_free();
    test_bad_strings();
    test_nulls_everywhere();
    test_huge_document();
    printf("hostile %s: %d checks, %d failed\n", steward_version(), checks_run, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
