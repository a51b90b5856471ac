/** Fixed ports of the e2e test servers (away from the dev server's 5173 and adapter-node's 3000). */
export const E2E_PORT = 4317;
/** A second server on an empty database, for the empty states. */
export const E2E_EMPTY_PORT = 4318;
