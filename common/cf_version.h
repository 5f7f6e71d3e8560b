/* What this binary is: the project's version (CMakeLists.txt project()) and the git
 * commit it was built from ("<12 hex>", "<12 hex>-dirty" or "unknown"). Shown by
 * `chargefleet --version`, GET /healthz and the chargefleet_build_info metric. */
#ifndef CF_VERSION_H
#define CF_VERSION_H

extern const char cf_version[];
extern const char cf_revision[];

#endif
