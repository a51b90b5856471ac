import { m } from '$lib/paraglide/messages.js';
import type { DimensionFilter } from '$lib/features/dashboard/FilterBar.svelte';
import type { PageFilters } from '$lib/shared/dashboard/filters';
import type { UiLocale } from '$lib/shared/views';

/** The complaint register's filters beyond the stores: channel, category, and department when any is recorded. */
export function complaintFilterDimensions(
	options: { channel: readonly string[]; category: readonly string[]; department: readonly string[] },
	filters: PageFilters,
	locale: UiLocale
): DimensionFilter[] {
	return [
		{ name: 'channel', label: m.dash_filter_channel({}, { locale }), options: options.channel, selected: filters.channel ?? [] },
		{ name: 'category', label: m.dash_filter_category({}, { locale }), options: options.category, selected: filters.category ?? [] },
		...(options.department.length
			? [
					{
						name: 'department' as const,
						label: m.dash_filter_department({}, { locale }),
						options: options.department,
						selected: filters.department ?? []
					}
				]
			: [])
	];
}
