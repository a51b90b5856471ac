/**
 * What a workbook may hold (docs/hostile-input.md). A register of 200,000 rows × 25 columns is within
 * every limit; past them the workbook is refused whole, before anything is staged.
 */
export const WORKBOOK_LIMITS = {
	/** bytes of the .xlsx file itself (uploads are also bounded by the body limit) */
	fileBytes: 200 << 20,
	/** bytes all of its parts declare once inflated: a zip bomb stops here, before inflating */
	inflatedBytes: 1024 << 20,
	/** parts in the zip (a workbook has a few dozen) */
	parts: 10_000,
	/** non-empty cells of the chosen sheet */
	cells: 5_000_000,
	/** rows looked at for the header, from the top of the sheet */
	headerSearchRows: 30
} as const;
