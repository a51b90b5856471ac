import type { Bilingual } from '$lib/shared/bilingual';
import type { Interval } from '$lib/shared/intervals';
/** The 满意度 page's numbers as the browser gets them (the server's satisfaction feature builds them). */

export interface SurveyPoint {
	value: number | null;
	/** the 95% interval (Wilson for CSAT, trinomial for NPS), in the value's unit */
	ci: Interval | null;
	n: number;
	lowSample: boolean;
}

export interface ItemScore {
	mean: number | null;
	t2b: number | null;
	n: number;
}

/** a survey item (商场环境, 商品质量, …) */
export interface SurveyItem {
	id: string;
	label: Bilingual;
}

/** one store's row of the items heatmap: mean score and top-2-box per item, plus its CSAT and responses */
export interface StoreItemsRow {
	store: string;
	responses: number;
	csat: SurveyPoint;
	items: Record<string, ItemScore>;
}

export interface MethodRow {
	method: string;
	responses: number;
	csat: SurveyPoint;
	nps: SurveyPoint;
}

/** a numeric question a survey file carried beyond the four items */
export interface ExtraQuestion {
	question: string;
	mean: number | null;
	n: number;
}

/** Low-score comments shown per page (the server's query and the page's pager). */
export const COMMENTS_PAGE = 20;
