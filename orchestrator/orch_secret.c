#include "orch_secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "orch_pg.h"

#define KEY_LEN 32
#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_TEXT_LEN 44                /* base64 of 32 bytes */

static unsigned char key[KEY_LEN];
static char key_text[KEY_TEXT_LEN + 1];
static int have_key;

/* 32 bytes from base64 (44 characters) or hex (64); 0, or -1. */
static int parse_key(const char *text, unsigned char out[KEY_LEN])
{
    char buf[130];
    size_t n = 0;

    while (isspace((unsigned char)*text))
        text++;
    while (text[n] && !isspace((unsigned char)text[n]) && n < sizeof buf - 1) {
        buf[n] = text[n];
        n++;
    }
    buf[n] = '\0';
    for (const char *p = text + n; *p; p++)     /* one token: nothing after it */
        if (!isspace((unsigned char)*p))
            return -1;
    if (n == 2 * KEY_LEN) {
        long len = 0;
        unsigned char *b = OPENSSL_hexstr2buf(buf, &len);
        int ok = b && len == KEY_LEN;
        if (ok)
            memcpy(out, b, KEY_LEN);
        OPENSSL_clear_free(b, (size_t)(len > 0 ? len : 0));
        return ok ? 0 : -1;
    }
    if (n == KEY_TEXT_LEN && buf[KEY_TEXT_LEN - 1] == '=' && buf[KEY_TEXT_LEN - 2] != '=') {
        unsigned char b[33];           /* EVP_DecodeBlock counts the padding's byte */
        int ok = EVP_DecodeBlock(b, (const unsigned char *)buf, KEY_TEXT_LEN) == 33;
        if (ok)
            memcpy(out, b, KEY_LEN);
        OPENSSL_cleanse(b, sizeof b);
        return ok ? 0 : -1;
    }
    return -1;
}

static void set_key(const unsigned char k[KEY_LEN])
{
    memcpy(key, k, KEY_LEN);
    EVP_EncodeBlock((unsigned char *)key_text, key, KEY_LEN);
    have_key = 1;
}

/* The key in file `path`: 0, or -1 with err. */
static int read_key_file(const char *path, char *err, size_t err_n)
{
    char text[200];
    unsigned char k[KEY_LEN];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;

    if (!f) {
        snprintf(err, err_n, "cannot read the secret key file %s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    text[n] = '\0';
    int rc = parse_key(text, k);
    OPENSSL_cleanse(text, sizeof text);
    if (rc != 0) {
        snprintf(err, err_n, "%s: a secret key is 32 bytes as base64 (44 characters) or "
                 "hex (64)", path);
        return -1;
    }
    set_key(k);
    OPENSSL_cleanse(k, sizeof k);
    return 0;
}

/* A new key in path (0600, O_EXCL: two serves starting at once keep the first). */
static int make_key_file(const char *path, char *err, size_t err_n)
{
    unsigned char k[KEY_LEN];
    char text[KEY_TEXT_LEN + 2];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

    if (fd < 0) {
        if (errno == EEXIST)
            return read_key_file(path, err, err_n);
        snprintf(err, err_n, "cannot make the secret key file %s: %s", path, strerror(errno));
        return -1;
    }
    if (RAND_bytes(k, KEY_LEN) != 1) {
        close(fd);
        unlink(path);
        snprintf(err, err_n, "no randomness for a secret key");
        return -1;
    }
    EVP_EncodeBlock((unsigned char *)text, k, KEY_LEN);
    strcat(text, "\n");
    int ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    ok = close(fd) == 0 && ok;
    OPENSSL_cleanse(text, sizeof text);
    if (!ok) {
        unlink(path);
        snprintf(err, err_n, "cannot write the secret key file %s: %s", path, strerror(errno));
        OPENSSL_cleanse(k, sizeof k);
        return -1;
    }
    set_key(k);
    OPENSSL_cleanse(k, sizeof k);
    return 0;
}

int orch_secret_load(const char *key_file, const char *state_dir, int create,
                     char *where_buf, size_t where_n, char *err, size_t err_n)
{
    const char *env = getenv(ORCH_SECRET_ENV);
    char path[1024];

    if (env && *env) {
        unsigned char k[KEY_LEN];
        if (parse_key(env, k) != 0) {
            snprintf(err, err_n, "$%s: a secret key is 32 bytes as base64 (44 characters) "
                     "or hex (64)", ORCH_SECRET_ENV);
            return -1;
        }
        set_key(k);
        OPENSSL_cleanse(k, sizeof k);
        snprintf(where_buf, where_n, "$%s", ORCH_SECRET_ENV);
        return 0;
    }
    if (key_file && *key_file) {
        snprintf(where_buf, where_n, "%s", key_file);
        return read_key_file(key_file, err, err_n);
    }
    if (!state_dir)
        return 1;
    snprintf(path, sizeof path, "%s/%s", state_dir, ORCH_SECRET_FILE);
    snprintf(where_buf, where_n, "%s", path);
    if (access(path, F_OK) == 0)
        return read_key_file(path, err, err_n);
    if (!create)
        return 1;
    if (orch_pg_mkdir_p(state_dir, 0700) != 0) {
        snprintf(err, err_n, "cannot make %s: %s", state_dir, strerror(errno));
        return -1;
    }
    return make_key_file(path, err, err_n);
}

const char *orch_secret_key_text(void)
{
    return have_key ? key_text : NULL;
}

/* ORCH_SECRET_PREFIX + base64(nonce | ciphertext | tag), a new string; NULL on failure. */
static char *seal(const char *plain, const char *column)
{
    size_t len = strlen(plain), raw_len = NONCE_LEN + len + TAG_LEN;
    size_t pre = strlen(ORCH_SECRET_PREFIX);
    unsigned char *raw = malloc(raw_len);
    char *out = malloc(pre + 4 * ((raw_len + 2) / 3) + 1);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok = raw && out && c && have_key;

    ok = ok && RAND_bytes(raw, NONCE_LEN) == 1;
    ok = ok && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, raw) == 1;
    ok = ok && EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)column,
                                 (int)strlen(column)) == 1;
    ok = ok && EVP_EncryptUpdate(c, raw + NONCE_LEN, &n, (const unsigned char *)plain,
                                 (int)len) == 1;
    ok = ok && EVP_EncryptFinal_ex(c, raw + NONCE_LEN + n, &n) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
                                   raw + NONCE_LEN + len) == 1;
    EVP_CIPHER_CTX_free(c);
    if (ok) {
        memcpy(out, ORCH_SECRET_PREFIX, pre);
        EVP_EncodeBlock((unsigned char *)out + pre, raw, (int)raw_len);
    }
    free(raw);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

static const char *const SEALED[] = {"basic_password", "client_key_pem"};

int orch_secret_seal_tree(json_t *tree)
{
    size_t i;
    const char *k;
    json_t *v;

    if (json_is_array(tree)) {
        json_array_foreach(tree, i, v)
            if (json_is_object(v) || json_is_array(v))
                if (orch_secret_seal_tree(v) != 0)
                    return -1;
        return 0;
    }
    if (!json_is_object(tree))
        return 0;
    json_object_foreach(tree, k, v) {
        if (json_is_object(v) || json_is_array(v)) {
            if (orch_secret_seal_tree(v) != 0)
                return -1;
            continue;
        }
        for (i = 0; i < sizeof SEALED / sizeof SEALED[0]; i++) {
            if (strcmp(k, SEALED[i]) != 0 || !json_is_string(v) ||
                strncmp(json_string_value(v), ORCH_SECRET_PREFIX,
                        strlen(ORCH_SECRET_PREFIX)) == 0)   /* sealed already */
                continue;
            char *s = seal(json_string_value(v), k);
            if (!s)
                return -1;
            json_string_set(v, s);
            free(s);
        }
    }
    return 0;
}

int orch_secret_open(const char *stored, const char *column, char **out)
{
    size_t pre = strlen(ORCH_SECRET_PREFIX);

    *out = NULL;
    if (!stored)
        return ORCH_SECRET_OK;
    if (strncmp(stored, ORCH_SECRET_PREFIX, pre) != 0) {   /* written before sealing */
        *out = strdup(stored);
        return *out ? ORCH_SECRET_OK : ORCH_SECRET_NO_MEMORY;
    }
    if (!have_key)
        return ORCH_SECRET_NO_KEY;
    const char *b64 = stored + pre;
    size_t b64_len = strlen(b64);
    if (b64_len % 4 != 0 || b64_len < 4 * ((NONCE_LEN + TAG_LEN + 2) / 3))
        return ORCH_SECRET_BAD;
    unsigned char *raw = malloc(b64_len / 4 * 3);
    if (!raw)
        return ORCH_SECRET_NO_MEMORY;
    int raw_len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)b64_len);
    if (raw_len >= 1 && b64[b64_len - 1] == '=')  /* EVP_DecodeBlock counts the padding */
        raw_len -= b64[b64_len - 2] == '=' ? 2 : 1;
    if (raw_len < NONCE_LEN + TAG_LEN) {
        free(raw);
        return ORCH_SECRET_BAD;
    }
    int len = raw_len - NONCE_LEN - TAG_LEN, n = 0;
    char *plain = malloc((size_t)len + 1);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ok = plain && c;
    ok = ok && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, raw) == 1;
    ok = ok && EVP_DecryptUpdate(c, NULL, &n, (const unsigned char *)column,
                                 (int)strlen(column)) == 1;
    ok = ok && EVP_DecryptUpdate(c, (unsigned char *)plain, &n, raw + NONCE_LEN, len) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                                   raw + NONCE_LEN + len) == 1;
    int fin = ok && EVP_DecryptFinal_ex(c, (unsigned char *)plain + n, &n) == 1;
    EVP_CIPHER_CTX_free(c);
    free(raw);
    if (!plain || !ok || !fin) {
        if (plain)
            OPENSSL_clear_free(plain, (size_t)len + 1);
        return plain ? ORCH_SECRET_BAD : ORCH_SECRET_NO_MEMORY;
    }
    plain[len] = '\0';
    if (strlen(plain) != (size_t)len) {        /* a NUL inside: not what was sealed */
        OPENSSL_clear_free(plain, (size_t)len + 1);
        return ORCH_SECRET_BAD;
    }
    *out = plain;
    return ORCH_SECRET_OK;
}

const char *orch_secret_strerror(int rc)
{
    switch (rc) {
    case ORCH_SECRET_OK:
        return "ok";
    case ORCH_SECRET_NO_KEY:
        return "this runtime has no secret key to open the charger's password or client "
               "key: give it $" ORCH_SECRET_ENV " or --secret-key-file (serve's key)";
    case ORCH_SECRET_BAD:
        return "the charger's password or client key does not open with this runtime's "
               "secret key: give it serve's key ($" ORCH_SECRET_ENV " or --secret-key-file)";
    default:
        return "out of memory opening the charger's secrets";
    }
}

void orch_secret_free(char *s)
{
    if (s)
        OPENSSL_clear_free(s, strlen(s) + 1);
}
