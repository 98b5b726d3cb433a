/*
 * What every C test of libsteward shares: the check counters and macros
 * (a failed check prints where and what, and the program goes on), the
 * string sentinel, and a whole-file reader.
 *
 * Each test program includes it once; main() reports checks_run and
 * checks_failed and exits non-zero if any check failed.
 */
#ifndef STEWARD_TEST_COMMON_H
#define STEWARD_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steward.h"

static int checks_run = 0;
static int checks_failed = 0;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        checks_run++;                                                               \
        if (!(cond)) {                                                              \
            checks_failed++;                                                        \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__,    \
                    __func__, #cond);                                               \
        }                                                                           \
    } while (0)

#define CHECK_STATUS(got, want)                                                     \
    do {                                                                            \
        steward_status got_ = (got);                                                \
        checks_run++;                                                               \
        if (got_ != (steward_status)(want)) {                                       \
            checks_failed++;                                                        \
            fprintf(stderr, "%s:%d: %s: status %u, expected %u (%s); last error: %s\n", \
                    __FILE__, __LINE__, __func__, (unsigned)got_, (unsigned)(want), \
                    #want, steward_last_error_json());                              \
        }                                                                           \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                            \
    do {                                                                            \
        const char *h_ = (haystack);                                                \
        checks_run++;                                                               \
        if (h_ == NULL || strstr(h_, (needle)) == NULL) {                           \
            checks_failed++;                                                        \
            fprintf(stderr, "%s:%d: %s: %s does not contain %s\n   it is: %.300s\n", \
                    __FILE__, __LINE__, __func__, #haystack, (needle),              \
                    h_ ? h_ : "(NULL)");                                            \
        }                                                                           \
    } while (0)

/* A pointer no C string function returns: out-parameters start as this, so a
 * check can tell "set to NULL" from "left alone". */
static char sentinel_char;
#define STRING_SENTINEL (&sentinel_char)

/* Reads a whole file into a NUL-terminated buffer (caller frees with free());
 * NULL on error. Stores the length in *len_out unless len_out is NULL. */
static inline char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) {
            break;
        }
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (buf == NULL || failed) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    if (len_out != NULL) {
        *len_out = len;
    }
    return buf;
}

#endif /* STEWARD_TEST_COMMON_H */
