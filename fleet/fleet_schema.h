/* Request bodies checked against the API's own document: the component schemas of
 * api/openapi.json (OpenAPI 3.1, i.e. JSON Schema 2020-12), embedded in the binary as
 * api_openapi_json, so that what the document says a body is and what the server
 * accepts cannot drift. Every problem is reported, as the API's HTTPValidationError
 * items {"loc": loc + path, "msg", "type"} (type names as fleet_vctx.h's validators use).
 *
 * The subset (keywords the document uses; any other keyword is ignored at check time,
 * and fleet_schema_verify names the validation keywords the checker would ignore):
 *   $ref "#/components/schemas/Name" (with its sibling keywords also applied),
 *   type (a name or a list; "integer" is a JSON integer: 5.0 is not one, because the
 *   validators behind read it with json_integer_value), enum, const,
 *   minLength / maxLength (UTF-8 characters), pattern (POSIX extended regex, unanchored
 *   as in JSON Schema; a string with a NUL never matches; the message of a mismatch is
 *   the schema's "x-message" when it has one), format "date-time"
 *   (fleet_rfc3339_parse; other formats are annotations), minimum / maximum /
 *   exclusiveMinimum / exclusiveMaximum, minItems / maxItems / items,
 *   properties / required / additionalProperties (false or a schema) /
 *   minProperties / maxProperties, allOf, anyOf, oneOf, not.
 * A value of the wrong type gets one problem (the type) and no other check; a null the
 * type refuses is value_error.missing "may not be null", as the validators say. An
 * unknown property where additionalProperties is false is value_error.extra "extra field
 * not permitted" at the property's loc (the words of vc_only_keys). A false schema
 * (anything but additionalProperties) is value_error.not_allowed.
 *
 * oneOf / anyOf: passes when exactly one / at least one branch passes. Otherwise the
 * problems of one branch are reported, the branch chosen by, in this order: (1) its
 * type admits the value, (2) for an object, it claims the value (one of its required
 * properties is present), (3) it has the fewest problems, (4) it comes first. A oneOf
 * value that two branches accept is one problem at its loc (value_error.one_of). not:
 * passes when its schema does not; otherwise value_error.not_allowed, its message the
 * subschema's description when it has one. */
#ifndef FLEET_SCHEMA_H
#define FLEET_SCHEMA_H

#include <jansson.h>
#include <stdarg.h>

/* The OpenAPI 3.1 document of the API (api/openapi.json, embedded at build time). */
extern const char api_openapi_json[];

/* Checks instance against components.schemas[component] of the embedded document
 * (parsed on first use, see fleet_schema_cleanup). instance and loc are borrowed; loc is
 * the JSON array naming where instance is (["body"]), not modified. Each problem is
 * appended to errors (a JSON array, borrowed) with loc + the path inside instance
 * (keys as strings, array indexes as integers). Returns the number of problems
 * appended (0: instance is valid), or -1 when the document has no such component or
 * does not parse: a bug, logged, nothing appended (the caller's own checks still run). */
int fleet_schema_check(const char *component, json_t *instance, json_t *loc, json_t *errors);

/* The same against the document doc (borrowed; anything with components.schemas):
 * for tests, and for documents other than the API's. */
int fleet_schema_check_doc(json_t *doc, const char *component, json_t *instance, json_t *loc,
                         json_t *errors);

/* Walks every component schema of doc (borrowed) without an instance: each $ref names
 * an existing component, each type is a JSON Schema type, each pattern compiles as a
 * POSIX extended regex and uses no ECMA-262-only syntax (\d, (?...)), and no
 * validation keyword the checker does not implement (not, if, patternProperties,
 * uniqueItems, multipleOf, ...) is used, since it would be silently ignored. Appends
 * one string per problem to problems (a JSON array, borrowed), e.g.
 * "ModelCreate/properties/x: $ref #/components/schemas/Nope: no such component".
 * Returns their number. */
int fleet_schema_verify(json_t *doc, json_t *problems);

/* Appends {"loc": loc, "msg": fmt formatted with ap, "type": type} to errors (a JSON
 * array, borrowed); loc is taken. The one spelling of an HTTPValidationError item for
 * the checkers that keep their own lists (this one, fleet_ocpi_schema.c). */
void fleet_schema_verror(json_t *errors, json_t *loc, const char *type, const char *fmt,
                       va_list ap);

/* The embedded document, parsed: a borrowed reference valid until fleet_schema_cleanup,
 * or NULL when it does not parse (logged). */
json_t *fleet_schema_document(void);

/* Frees the parsed document and the compiled patterns (api_free calls it, so that a
 * run ends with nothing allocated); a later check parses the document again. */
void fleet_schema_cleanup(void);

#endif
