/**
 * Stack values that some environments leave unset (a shared stack has no user, an internal
 * database no host...): the static check lets templates name them in branches that do not run;
 * outputting one that is unset is still an error at render time.
 */
export const OPTIONAL_VARS = new Set(['user', 'tls_issuer', 'storage_class', 'database_host', 'stack_image_tag', 'stack_image_digest']);
