/**
 * Thresholds a metric's definition and the rollups that serve it must agree on (the catalog's
 * limits.ts re-exports them; pipelines/rollups counts by them at load time).
 */

/** Overall scores up to this count as low (1 非常不满意, 2 不满意). */
export const LOW_SCORE_MAX = 2;
/** Repeat complaint window in days. */
export const REPEAT_WINDOW_DAYS = 30;
