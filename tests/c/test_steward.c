/*
 * C tests of libsteward: every exported function, its error paths, and the
 * shared test vectors (tests/vectors/estate/). Plain C11 plus POSIX <dirent.h>
 * to list the vectors; C11 <threads.h> where available.
 *
 *   test_steward VECTORS_DIR SCRATCH_DIR
 *
 * VECTORS_DIR is tests/vectors; SCRATCH_DIR an existing, writable directory
 * for database files. Exits 0 when every check passed. Run by tests/c/run.sh
 * (against the shared and the static library, under valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __STDC_NO_THREADS__
#include <threads.h>
#endif

#include "steward.h"

#include "common.h"

#define CHECK_STR(got, want)                                                        \
    do {                                                                            \
        const char *got_s = (got);                                                  \
        const char *want_s = (want);                                                \
        checks_run++;                                                               \
        if (got_s == NULL || strcmp(got_s, want_s) != 0) {                          \
            checks_failed++;                                                        \
            fprintf(stderr, "%s:%d: %s: %s\n   got: %s\n  want: %s\n", __FILE__,     \
                    __LINE__, __func__, #got, got_s ? got_s : "(NULL)", want_s);    \
        }                                                                           \
    } while (0)

static int sentinel_store_storage;
#define STORE_SENTINEL ((steward_store *)(void *)&sentinel_store_storage)

static const char MINIMAL[] =
    "{\"id\": \"tiny\", \"name\": \"Tiny\", \"company\": {\"name\": \"C\", \"branch\": \"B\"}}";
static const char NOT_UTF8_ID[] = "caf\xe9";

static const char *scratch_dir;

static char *path_in_scratch(const char *name) {
    size_t n = strlen(scratch_dir) + 1 + strlen(name) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        snprintf(p, n, "%s/%s", scratch_dir, name);
    }
    return p;
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Checks that err and the thread-local last error agree with status. */
static void check_error_agrees(steward_status status, const steward_error *err) {
    if (status == STEWARD_STATUS_OK) {
        CHECK(err == NULL);
        CHECK_STR(steward_last_error_message(), "");
        CHECK_STR(steward_last_error_json(), "");
        return;
    }
    CHECK(err != NULL);
    CHECK(steward_error_status(err) == status);
    CHECK(strlen(steward_error_message(err)) > 0);
    CHECK_STR(steward_last_error_message(), steward_error_message(err));
    CHECK_STR(steward_last_error_json(), steward_error_json(err));
    CHECK_CONTAINS(steward_error_json(err), "{\"kind\":\"");
}

/* ---------------------------------------------------------------- version */

static void test_version(void) {
    const char *v = steward_version();
    CHECK(v != NULL);
    CHECK_STR(v, STEWARD_VERSION_STRING);
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", STEWARD_VERSION_MAJOR, STEWARD_VERSION_MINOR,
             STEWARD_VERSION_PATCH);
    CHECK_STR(v, buf);
    CHECK(STEWARD_VERSION_NUMBER ==
          STEWARD_VERSION_MAJOR * 1000000 + STEWARD_VERSION_MINOR * 1000 + STEWARD_VERSION_PATCH);
    CHECK(steward_version() == v); /* static */
    /* the numeric values of the statuses are part of the ABI */
    CHECK(STEWARD_STATUS_OK == 0 && STEWARD_STATUS_INVALID_INPUT == 1 &&
          STEWARD_STATUS_NOT_FOUND == 2 && STEWARD_STATUS_CONFLICT == 3 &&
          STEWARD_STATUS_INFEASIBLE == 4 && STEWARD_STATUS_STORAGE == 5 &&
          STEWARD_STATUS_INTERNAL == 6 && STEWARD_STATUS_NULL_ARGUMENT == 100 &&
          STEWARD_STATUS_INVALID_UTF8 == 101 && STEWARD_STATUS_PANIC == 102);
    CHECK(sizeof(steward_status) == sizeof(uint32_t));
}

/* ----------------------------------------------------------------- errors */

static void test_free_null_is_a_no_op(void) {
    steward_error_free(NULL);
    steward_string_free(NULL);
    steward_store_free(NULL);
    CHECK(steward_error_status(NULL) == STEWARD_STATUS_OK);
    CHECK_STR(steward_error_message(NULL), "");
    CHECK_STR(steward_error_json(NULL), "");
}

static void test_last_error_is_reset_by_success(void) {
    steward_status s = steward_estate_validate(NULL, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_STR(steward_last_error_message(),
              "steward_estate_validate: estate_json: expected a non-NULL pointer, found NULL");
    /* functions without a status leave it alone */
    (void)steward_version();
    steward_string_free(NULL);
    steward_error_free(NULL);
    CHECK_CONTAINS(steward_last_error_json(), "\"kind\":\"null_argument\"");
    s = steward_estate_validate(MINIMAL, NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    CHECK_STR(steward_last_error_message(), "");
    CHECK_STR(steward_last_error_json(), "");
}

/* ----------------------------------------------------------------- estate */

static void test_validate_ok(void) {
    char *normalised = STRING_SENTINEL;
    steward_error *err = (steward_error *)STRING_SENTINEL;
    steward_status s = steward_estate_validate(MINIMAL, &normalised, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    check_error_agrees(s, err);
    CHECK(normalised != STRING_SENTINEL && normalised != NULL);
    if (normalised != STRING_SENTINEL && normalised != NULL) {
        CHECK_CONTAINS(normalised, "\"id\":\"tiny\"");
        /* the normalised form validates to itself */
        char *again = NULL;
        CHECK_STATUS(steward_estate_validate(normalised, &again, NULL), STEWARD_STATUS_OK);
        CHECK_STR(again, normalised);
        steward_string_free(again);
        steward_string_free(normalised);
    }
    /* both optional outputs may be NULL */
    CHECK_STATUS(steward_estate_validate(MINIMAL, NULL, NULL), STEWARD_STATUS_OK);
}

static void test_validate_errors(void) {
    const char *bad =
        "{\"id\": \"e1\", \"name\": \"X\", \"company\": {\"name\": \"C\", \"branch\": \"B\"},"
        " \"buildings\": [{\"id\": \"B1\", \"name\": \"One\", \"floors\": 0}]}";
    char *out = STRING_SENTINEL;
    steward_error *err = NULL;
    steward_status s = steward_estate_validate(bad, &out, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    check_error_agrees(s, err);
    CHECK(out == STRING_SENTINEL);
    CHECK_STR(steward_error_json(err),
              "{\"kind\":\"invalid_input\",\"message\":\"invalid estate: buildings[0].floors: "
              "expected a floor count from 1 to 200, found 0\",\"issues\":[{\"path\":"
              "\"buildings[0].floors\",\"value\":\"0\",\"code\":\"out_of_range\",\"message\":"
              "\"expected a floor count from 1 to 200, found 0\"}]}");
    CHECK_STR(steward_error_message(err),
              "invalid estate: buildings[0].floors: expected a floor count from 1 to 200, found 0");
    steward_error_free(err);

    /* NULL document */
    err = NULL;
    s = steward_estate_validate(NULL, &out, &err);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    check_error_agrees(s, err);
    CHECK_STR(steward_error_json(err),
              "{\"kind\":\"null_argument\",\"message\":\"steward_estate_validate: estate_json: "
              "expected a non-NULL pointer, found NULL\",\"issues\":[{\"path\":\"estate_json\","
              "\"value\":\"\",\"code\":\"null_argument\",\"message\":\"expected a non-NULL "
              "pointer, found NULL\"}]}");
    CHECK(out == STRING_SENTINEL);
    steward_error_free(err);

    /* a document that is not UTF-8 is an invalid document, as in Rust and Python */
    err = NULL;
    s = steward_estate_validate("{\"id\": \"\xff\"}", NULL, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    check_error_agrees(s, err);
    CHECK_CONTAINS(steward_error_json(err),
                   "\"issues\":[{\"path\":\"\",\"value\":\"byte 8\",\"code\":\"invalid_utf8\"");
    steward_error_free(err);

    /* syntax error, err_out NULL: only the last error tells */
    s = steward_estate_validate("{", NULL, NULL);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_last_error_json(), "\"code\":\"syntax\"");
}

static void test_call(void) {
    char *out = NULL;
    steward_error *err = NULL;
    CHECK_STATUS(steward_call("estate", MINIMAL, &out, &err), STEWARD_STATUS_OK);
    CHECK(out != NULL && strncmp(out, "{\"id\":", 6) == 0);
    steward_string_free(out);
    out = NULL;
    CHECK_STATUS(steward_call("horoscope", "{}", &out, &err), STEWARD_STATUS_NOT_FOUND);
    CHECK(out == NULL);
    CHECK_CONTAINS(steward_error_message(err),
                   "no document entry point named \"horoscope\"; known: estate");
    steward_error_free(err);
    err = NULL;
    CHECK_STATUS(steward_call(NULL, "{}", &out, &err), STEWARD_STATUS_NULL_ARGUMENT);
    steward_error_free(err);
    CHECK_STATUS(steward_call("estate", "{}", NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
}

static void test_demo(void) {
    char *json = STRING_SENTINEL;
    steward_error *err = NULL;
    steward_status s = steward_demo_estate(&json, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    check_error_agrees(s, err);
    if (s != STEWARD_STATUS_OK) {
        fprintf(stderr, "  steward_demo_estate: %s\n", steward_error_json(err));
        steward_error_free(err);
    } else {
        /* the demo validates, normalises to itself, and is deterministic */
        char *normalised = NULL;
        CHECK_STATUS(steward_estate_validate(json, &normalised, NULL), STEWARD_STATUS_OK);
        CHECK_STR(normalised, json);
        steward_string_free(normalised);
        char *second = NULL;
        CHECK_STATUS(steward_demo_estate(&second, NULL), STEWARD_STATUS_OK);
        CHECK_STR(second, json);
        steward_string_free(second);

        /* and it round-trips through a store */
        steward_store *store = NULL;
        CHECK_STATUS(steward_store_open_in_memory(&store, NULL), STEWARD_STATUS_OK);
        CHECK_STATUS(steward_store_save_estate(store, json, NULL), STEWARD_STATUS_OK);
        char *ids = NULL;
        CHECK_STATUS(steward_store_estate_ids(store, &ids, NULL), STEWARD_STATUS_OK);
        CHECK(ids != NULL && ids[0] == '[' && strcmp(ids, "[]") != 0);
        steward_string_free(ids);
        steward_store_free(store);
        steward_string_free(json);
    }
    /* NULL output */
    err = NULL;
    s = steward_demo_estate(NULL, &err);
    CHECK_STATUS(s, STEWARD_STATUS_NULL_ARGUMENT);
    check_error_agrees(s, err);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"json_out\"");
    steward_error_free(err);
}

/* ------------------------------------------------------------------ store */

static char *ids_of(steward_store *store) {
    char *ids = NULL;
    CHECK_STATUS(steward_store_estate_ids(store, &ids, NULL), STEWARD_STATUS_OK);
    return ids;
}

static void test_store_in_memory(void) {
    steward_store *store = STORE_SENTINEL;
    steward_error *err = (steward_error *)STRING_SENTINEL;
    steward_status s = steward_store_open_in_memory(&store, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    check_error_agrees(s, err);
    if (s != STEWARD_STATUS_OK) {
        return;
    }

    uint32_t version = 0;
    CHECK_STATUS(steward_store_schema_version(store, &version, NULL), STEWARD_STATUS_OK);
    CHECK(version >= 1);

    char *ids = ids_of(store);
    CHECK_STR(ids, "[]");
    steward_string_free(ids);

    err = NULL;
    s = steward_store_save_estate(store, MINIMAL, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    check_error_agrees(s, err);
    ids = ids_of(store);
    CHECK_STR(ids, "[\"tiny\"]");
    steward_string_free(ids);

    char *json = NULL;
    char *normalised = NULL;
    CHECK_STATUS(steward_store_load_estate(store, "tiny", &json, NULL), STEWARD_STATUS_OK);
    CHECK_STATUS(steward_estate_validate(MINIMAL, &normalised, NULL), STEWARD_STATUS_OK);
    CHECK_STR(json, normalised);
    steward_string_free(json);
    steward_string_free(normalised);

    /* unknown id */
    json = STRING_SENTINEL;
    err = NULL;
    s = steward_store_load_estate(store, "nope", &json, &err);
    CHECK_STATUS(s, STEWARD_STATUS_NOT_FOUND);
    check_error_agrees(s, err);
    CHECK_STR(steward_error_json(err),
              "{\"kind\":\"not_found\",\"message\":\"estate \\\"nope\\\" not found\",\"issues\":[]}");
    CHECK(json == STRING_SENTINEL);
    steward_error_free(err);

    /* malformed id */
    err = NULL;
    s = steward_store_load_estate(store, "not an id", &json, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    check_error_agrees(s, err);
    CHECK_CONTAINS(steward_error_json(err), "\"code\":\"invalid_value\"");
    steward_error_free(err);

    /* id that is not UTF-8 */
    err = NULL;
    s = steward_store_load_estate(store, NOT_UTF8_ID, &json, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_UTF8);
    check_error_agrees(s, err);
    CHECK_STR(steward_error_json(err),
              "{\"kind\":\"invalid_utf8\",\"message\":\"steward_store_load_estate: estate_id: "
              "string is not valid UTF-8 (invalid byte at offset 3)\",\"issues\":[{\"path\":"
              "\"estate_id\",\"value\":\"byte 3\",\"code\":\"invalid_utf8\",\"message\":\"string "
              "is not valid UTF-8 (invalid byte at offset 3)\"}]}");
    CHECK(json == STRING_SENTINEL);
    steward_error_free(err);

    /* an invalid estate is refused and nothing is written */
    err = NULL;
    s = steward_store_save_estate(
        store, "{\"id\": \"other\", \"name\": \"\", \"company\": {\"name\": \"C\", \"branch\": \"B\"}}",
        &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    check_error_agrees(s, err);
    steward_error_free(err);
    err = NULL;
    s = steward_store_save_estate(store, "{\"id\": \"\xc3\"}", &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_INPUT);
    CHECK_CONTAINS(steward_error_json(err), "\"code\":\"invalid_utf8\"");
    steward_error_free(err);
    ids = ids_of(store);
    CHECK_STR(ids, "[\"tiny\"]");
    steward_string_free(ids);

    /* saving again is fine (facts are replaced) */
    CHECK_STATUS(steward_store_save_estate(store, MINIMAL, NULL), STEWARD_STATUS_OK);

    steward_store_free(store);
}

struct null_case {
    const char *param;
    steward_status status;
    steward_error *err;
};

static void check_null_case(struct null_case c) {
    check_error_agrees(c.status, c.err);
    CHECK_STATUS(c.status, STEWARD_STATUS_NULL_ARGUMENT);
    char needle[64];
    snprintf(needle, sizeof needle, "\"issues\":[{\"path\":\"%s\"", c.param);
    CHECK_CONTAINS(steward_error_json(c.err), needle);
    CHECK_CONTAINS(steward_error_message(c.err), c.param);
    steward_error_free(c.err);
}

static void test_store_null_arguments(void) {
    steward_store *store = NULL;
    CHECK_STATUS(steward_store_open_in_memory(&store, NULL), STEWARD_STATUS_OK);
    char *json = STRING_SENTINEL;
    uint32_t version = 12345;
    steward_store *other = STORE_SENTINEL;
    struct null_case c;

#define NULL_CASE(name, call)                                                       \
    do {                                                                            \
        c.param = (name);                                                           \
        c.err = NULL;                                                               \
        c.status = (call);                                                          \
        check_null_case(c);                                                         \
    } while (0)

    NULL_CASE("path", steward_store_open(NULL, &other, &c.err));
    NULL_CASE("store_out", steward_store_open("x.db", NULL, &c.err));
    NULL_CASE("store_out", steward_store_open_in_memory(NULL, &c.err));
    NULL_CASE("store", steward_store_save_estate(NULL, MINIMAL, &c.err));
    NULL_CASE("estate_json", steward_store_save_estate(store, NULL, &c.err));
    NULL_CASE("store", steward_store_load_estate(NULL, "tiny", &json, &c.err));
    NULL_CASE("estate_id", steward_store_load_estate(store, NULL, &json, &c.err));
    NULL_CASE("json_out", steward_store_load_estate(store, "tiny", NULL, &c.err));
    NULL_CASE("store", steward_store_estate_ids(NULL, &json, &c.err));
    NULL_CASE("json_out", steward_store_estate_ids(store, NULL, &c.err));
    NULL_CASE("store", steward_store_schema_version(NULL, &version, &c.err));
    NULL_CASE("version_out", steward_store_schema_version(store, NULL, &c.err));
    NULL_CASE("json_out", steward_demo_estate(NULL, &c.err));
    NULL_CASE("estate_json", steward_estate_validate(NULL, NULL, &c.err));
#undef NULL_CASE

    /* outputs are untouched on failure */
    CHECK(json == STRING_SENTINEL);
    CHECK(version == 12345);
    CHECK(other == STORE_SENTINEL);
    /* with err_out NULL too */
    CHECK_STATUS(steward_store_estate_ids(NULL, NULL, NULL), STEWARD_STATUS_NULL_ARGUMENT);
    CHECK_CONTAINS(steward_last_error_message(), "store");
    steward_store_free(store);
}

static void test_store_file(void) {
    char *db = path_in_scratch("estate.db");
    char *text = path_in_scratch("notes.txt");
    char *missing = path_in_scratch("no/such/dir/estate.db");
    if (db == NULL || text == NULL || missing == NULL) {
        CHECK(!"out of memory");
        free(db);
        free(text);
        free(missing);
        return;
    }
    remove(db);

    /* create, save, close, reopen, load */
    steward_store *store = NULL;
    steward_error *err = NULL;
    steward_status s = steward_store_open(db, &store, &err);
    CHECK_STATUS(s, STEWARD_STATUS_OK);
    check_error_agrees(s, err);
    if (s == STEWARD_STATUS_OK) {
        CHECK_STATUS(steward_store_save_estate(store, MINIMAL, NULL), STEWARD_STATUS_OK);
        steward_store_free(store);
        store = NULL;
        CHECK_STATUS(steward_store_open(db, &store, NULL), STEWARD_STATUS_OK);
        char *ids = ids_of(store);
        CHECK_STR(ids, "[\"tiny\"]");
        steward_string_free(ids);
        char *json = NULL;
        CHECK_STATUS(steward_store_load_estate(store, "tiny", &json, NULL), STEWARD_STATUS_OK);
        CHECK_CONTAINS(json, "\"name\":\"Tiny\"");
        steward_string_free(json);
        steward_store_free(store);
    }

    /* a directory */
    steward_store *bad = STORE_SENTINEL;
    err = NULL;
    s = steward_store_open(scratch_dir, &bad, &err);
    CHECK_STATUS(s, STEWARD_STATUS_STORAGE);
    check_error_agrees(s, err);
    CHECK_CONTAINS(steward_error_json(err), "{\"kind\":\"storage\"");
    CHECK(bad == STORE_SENTINEL);
    steward_error_free(err);

    /* a file that is not a database: refused and left as it was */
    const char *content = "these are not the data you are looking for, not at all, no";
    CHECK(write_file(text, content) == 0);
    err = NULL;
    s = steward_store_open(text, &bad, &err);
    CHECK_STATUS(s, STEWARD_STATUS_STORAGE);
    check_error_agrees(s, err);
    CHECK_CONTAINS(steward_error_message(err), "not a SQLite database");
    CHECK(bad == STORE_SENTINEL);
    steward_error_free(err);
    char *after = read_file(text, NULL);
    CHECK_STR(after, content);
    free(after);

    /* a directory that does not exist */
    err = NULL;
    s = steward_store_open(missing, &bad, &err);
    CHECK_STATUS(s, STEWARD_STATUS_STORAGE);
    check_error_agrees(s, err);
    steward_error_free(err);

    /* a path that is not UTF-8 */
    err = NULL;
    s = steward_store_open("/tmp/\xff.db", &bad, &err);
    CHECK_STATUS(s, STEWARD_STATUS_INVALID_UTF8);
    check_error_agrees(s, err);
    CHECK_CONTAINS(steward_error_json(err), "\"path\":\"path\",\"value\":\"byte 5\"");
    CHECK(bad == STORE_SENTINEL);
    steward_error_free(err);

    remove(text);
    free(db);
    free(text);
    free(missing);
}

/* ---------------------------------------------------------------- threads */

#ifndef __STDC_NO_THREADS__
struct thread_arg {
    steward_store *store;
    int index;
    int ok;
};

static int save_from_thread(void *p) {
    struct thread_arg *arg = p;
    char doc[160];
    snprintf(doc, sizeof doc,
             "{\"id\": \"t%d\", \"name\": \"T\", \"company\": {\"name\": \"C\", \"branch\": \"B\"}}",
             arg->index);
    /* a fresh thread starts with no last error */
    arg->ok = strcmp(steward_last_error_message(), "") == 0;
    for (int i = 0; i < 5; i++) {
        arg->ok &= steward_store_save_estate(arg->store, doc, NULL) == STEWARD_STATUS_OK;
    }
    /* fail here: must not change the main thread's last error */
    arg->ok &= steward_store_load_estate(arg->store, "missing", NULL, NULL) ==
               STEWARD_STATUS_NULL_ARGUMENT;
    return 0;
}

static void test_threads(void) {
    steward_store *store = NULL;
    CHECK_STATUS(steward_store_open_in_memory(&store, NULL), STEWARD_STATUS_OK);
    /* leave a distinctive last error on this thread */
    char *unused = STRING_SENTINEL;
    CHECK_STATUS(steward_store_load_estate(store, "absent", &unused, NULL), STEWARD_STATUS_NOT_FOUND);
    CHECK(unused == STRING_SENTINEL);
    struct thread_arg args[4];
    thrd_t threads[4];
    int started = 0;
    for (int i = 0; i < 4; i++) {
        args[i] = (struct thread_arg){.store = store, .index = i, .ok = 0};
        if (thrd_create(&threads[i], save_from_thread, &args[i]) == thrd_success) {
            started++;
        } else {
            CHECK(!"thrd_create failed");
            break;
        }
    }
    for (int i = 0; i < started; i++) {
        thrd_join(threads[i], NULL);
        CHECK(args[i].ok);
    }
    CHECK_STR(steward_last_error_message(), "estate \"absent\" not found");
    char *ids = ids_of(store);
    CHECK_STR(ids, "[\"t0\",\"t1\",\"t2\",\"t3\"]");
    steward_string_free(ids);
    steward_store_free(store);
}
#endif

/* ---------------------------------------------------------------- vectors */

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *kind_of(const char *expected_json) {
    static const char *const kinds[] = {"invalid_input", "not_found", "conflict",
                                        "infeasible",    "storage",   "internal"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "{\"kind\":\"%s\"", kinds[i]);
        if (strncmp(expected_json, prefix, strlen(prefix)) == 0) {
            return kinds[i];
        }
    }
    return NULL;
}

static steward_status status_of(const char *kind) {
    if (kind == NULL) return STEWARD_STATUS_OK;
    if (strcmp(kind, "invalid_input") == 0) return STEWARD_STATUS_INVALID_INPUT;
    if (strcmp(kind, "not_found") == 0) return STEWARD_STATUS_NOT_FOUND;
    if (strcmp(kind, "conflict") == 0) return STEWARD_STATUS_CONFLICT;
    if (strcmp(kind, "infeasible") == 0) return STEWARD_STATUS_INFEASIBLE;
    if (strcmp(kind, "storage") == 0) return STEWARD_STATUS_STORAGE;
    return STEWARD_STATUS_INTERNAL;
}

/* Runs one vector of entry point `entry` through steward_call; returns 1 if
 * it passed. A `.out` of `ok` accepts any successful response; otherwise the
 * response, or the error's JSON, must equal the `.out` line byte for byte. */
static int run_vector(const char *dir, const char *entry, const char *name) {
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *json_path = malloc(n);
    char *out_path = malloc(n);
    if (json_path == NULL || out_path == NULL) {
        free(json_path);
        free(out_path);
        return 0;
    }
    snprintf(json_path, n, "%s/%s", dir, name);
    snprintf(out_path, n, "%s/%s", dir, name);
    strcpy(out_path + strlen(out_path) - strlen(".json"), ".out");

    int passed = 0;
    size_t len = 0;
    char *input = read_file(json_path, &len);
    char *expected = read_file(out_path, NULL);
    if (input == NULL || expected == NULL) {
        fprintf(stderr, "vector %s: cannot read %s\n", name, input == NULL ? json_path : out_path);
    } else if (strlen(input) != len) {
        fprintf(stderr, "vector %s: the input contains a NUL byte; C cannot pass it\n", name);
    } else {
        size_t e = strlen(expected);
        while (e > 0 && (expected[e - 1] == '\n' || expected[e - 1] == '\r')) {
            expected[--e] = '\0';
        }
        steward_error *err = NULL;
        char *response = NULL;
        steward_status s = steward_call(entry, input, &response, &err);
        if (strcmp(expected, "ok") == 0) {
            passed = s == STEWARD_STATUS_OK && err == NULL && response != NULL;
            if (!passed) {
                fprintf(stderr, "vector %s/%s: expected ok, got status %u: %s\n", entry, name,
                        (unsigned)s, steward_error_json(err));
            }
        } else if (kind_of(expected) == NULL) {
            passed = s == STEWARD_STATUS_OK && response != NULL && strcmp(response, expected) == 0;
            if (!passed) {
                fprintf(stderr, "vector %s/%s: status %u\n   got: %s\n  want: %s\n", entry, name,
                        (unsigned)s, s == STEWARD_STATUS_OK ? response : steward_error_json(err),
                        expected);
            }
        } else {
            const char *got = steward_error_json(err);
            steward_status want = status_of(kind_of(expected));
            passed = s != STEWARD_STATUS_OK && s == want && strcmp(got, expected) == 0 &&
                     strcmp(steward_last_error_json(), expected) == 0;
            if (!passed) {
                fprintf(stderr, "vector %s/%s: status %u (want %u)\n   got: %s\n  want: %s\n",
                        entry, name, (unsigned)s, (unsigned)want, got, expected);
            }
        }
        steward_string_free(response);
        steward_error_free(err);
    }
    free(input);
    free(expected);
    free(json_path);
    free(out_path);
    return passed;
}

/* Runs the vectors of one entry point: every JSON file in `<vectors_dir>/<entry>/`. */
static void test_entry_vectors(const char *vectors_dir, const char *entry, int *total,
                               int *failed) {
    size_t n = strlen(vectors_dir) + 1 + strlen(entry) + 1;
    char *dir = malloc(n);
    if (dir == NULL) {
        CHECK(!"out of memory");
        return;
    }
    snprintf(dir, n, "%s/%s", vectors_dir, entry);
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open vector directory %s\n", dir);
        CHECK(!"vector directory exists");
        free(dir);
        return;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0) {
            continue;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof *names);
            if (bigger == NULL) {
                break;
            }
            names = bigger;
        }
        names[count] = malloc(len + 1);
        if (names[count] != NULL) {
            memcpy(names[count], de->d_name, len + 1);
            count++;
        }
    }
    closedir(d);
    if (count > 0) {
        qsort(names, count, sizeof *names, compare_names);
    }
    for (size_t i = 0; i < count; i++) {
        int ok = run_vector(dir, entry, names[i]);
        checks_run++;
        (*total)++;
        if (!ok) {
            checks_failed++;
            (*failed)++;
        }
        free(names[i]);
    }
    free(names);
    if (count == 0) {
        fprintf(stderr, "no vectors found in %s: refusing to pass without any\n", dir);
        CHECK(count > 0);
    }
    free(dir);
}

/* Runs the vectors of every entry point: each sub-folder of `vectors_dir`. */
static void test_vectors(const char *vectors_dir, int *total, int *failed) {
    DIR *d = opendir(vectors_dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open vector directory %s\n", vectors_dir);
        CHECK(!"vector directory exists");
        return;
    }
    char *entries[64];
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL && count < sizeof entries / sizeof entries[0]) {
        if (entry->d_name[0] == '.' || strchr(entry->d_name, '.') != NULL) {
            continue; /* ".", "..", and files such as README.md or scripts */
        }
        size_t len = strlen(entry->d_name);
        entries[count] = malloc(len + 1);
        if (entries[count] != NULL) {
            memcpy(entries[count], entry->d_name, len + 1);
            count++;
        }
    }
    closedir(d);
    qsort(entries, count, sizeof entries[0], compare_names);
    for (size_t i = 0; i < count; i++) {
        test_entry_vectors(vectors_dir, entries[i], total, failed);
        free(entries[i]);
    }
    CHECK(count > 0);
}

/* ------------------------------------------------------------------- main */

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    scratch_dir = argv[2];

    test_version();
    test_free_null_is_a_no_op();
    test_last_error_is_reset_by_success();
    test_validate_ok();
    test_validate_errors();
    test_call();
    test_demo();
    test_store_in_memory();
    test_store_null_arguments();
    test_store_file();
#ifndef __STDC_NO_THREADS__
    test_threads();
#else
    printf("note: no C11 threads; thread tests skipped\n");
#endif
    int vectors = 0, vectors_failed = 0;
    test_vectors(argv[1], &vectors, &vectors_failed);

    printf("steward %s: %d checks, %d failed; vectors: %d run, %d failed\n", steward_version(),
           checks_run, checks_failed, vectors, vectors_failed);
    return checks_failed == 0 ? 0 : 1;
}
