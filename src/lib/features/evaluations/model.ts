/**
 * The evaluation model (绩效考核), pure and IO-free: weights per position with history, weighted totals,
 * grade bands, period roll-up, ranks, warnings, swings and 服务之星 candidates. The server feeds it
 * appraisal rows; pages, exports and the report show what it returns. Safe for browser code (types).
 * Three parts: the cycles' periods, scoring a period, and ranking its results.
 */
export * from './periods';
export * from './scoring';
export * from './ranking';
