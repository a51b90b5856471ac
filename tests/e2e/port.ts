/**
 * Ports of the e2e test servers (away from the dev server's 5173 and adapter-node's 3000).
 * `E2E_PORT` moves all three (the empty-database server takes the next port, the upload tests' own
 * server the one after), so two checkouts can run
 * their browser tests side by side.
 */
const base = Number(process.env.E2E_PORT ?? 4317);
export const E2E_PORT = Number.isInteger(base) && base > 0 ? base : 4317;
/** A second server on an empty database, for the empty states. */
export const E2E_EMPTY_PORT = E2E_PORT + 1;
/** A third server with the samples, for the upload tests, whose loads must not change what the others expect. */
export const E2E_UPLOAD_PORT = E2E_PORT + 2;
/** A fourth server with two years of generated data (the planted deterioration), for the quality-control tests. */
export const E2E_GENERATED_PORT = E2E_PORT + 3;
