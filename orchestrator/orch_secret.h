/* Secrets at rest: the basic-auth passwords (security profiles 1, 2) and the client
 * private keys (profile 3) are written to the database sealed with AES-256-GCM under
 * one key of the deployment; only a runtime that has the key opens them.
 *
 * A sealed value is text, in the same columns as before:
 *   ORCH_SECRET_PREFIX base64(nonce[12] | ciphertext | tag[16])
 * with a random nonce per value and the column's name as associated data (a password
 * cannot be passed off as a key). A value without the prefix is a row written before
 * sealing existed and is read as it is.
 *
 * The key (32 bytes) is process-wide: orch_secret_load sets it once at start. */
#ifndef ORCH_SECRET_H
#define ORCH_SECRET_H

#include <stddef.h>
#include <jansson.h>

#define ORCH_SECRET_PREFIX "cfsecret:v1:"
#define ORCH_SECRET_ENV "CHARGEFLEET_SECRET_KEY"
#define ORCH_SECRET_FILE "secret-key"      /* under serve's state directory */

enum {
    ORCH_SECRET_OK = 0,
    ORCH_SECRET_NO_KEY = -1,     /* sealed, and this process has no key */
    ORCH_SECRET_BAD = -2,        /* not sealed under this key (another key, or damaged) */
    ORCH_SECRET_NO_MEMORY = -3,
};

/* Loads the key, first found of: $CHARGEFLEET_SECRET_KEY, key_file (if not NULL), then
 * <state_dir>/secret-key; with `create` (serve) that file is made (0600, the directory
 * 0700) when none of them exists. The key text is 32 bytes as base64 or hex. Returns 0
 * with a key (*where says from where: a static string or key_file/state path copied to
 * where_buf), 1 without one (only when !create), -1 on error with a message in err. */
int orch_secret_load(const char *key_file, const char *state_dir, int create,
                     char *where_buf, size_t where_n, char *err, size_t err_n);

/* The loaded key as base64 text (for the environment of local workers), or NULL. */
const char *orch_secret_key_text(void);

/* Seals the string members "basic_password" and "client_key_pem" of every object in
 * `tree` (a plan of charger rows, any depth), in place; a value sealed already (the
 * plan written a second time) is left as it is. Returns 0, or -1 (no key, no
 * randomness, no memory): then the tree may be partly sealed and must not be written. */
int orch_secret_seal_tree(json_t *tree);

/* Opens a stored value of column `column` ("basic_password", "client_key_pem"): *out is
 * a new string (free with orch_secret_free) or NULL when stored is NULL. Returns one of
 * ORCH_SECRET_*. */
int orch_secret_open(const char *stored, const char *column, char **out);

/* Why orch_secret_open failed, for a charger's error (a static string). */
const char *orch_secret_strerror(int rc);

/* Wipes and frees a string from orch_secret_open (NULL: nothing). */
void orch_secret_free(char *s);

#endif
