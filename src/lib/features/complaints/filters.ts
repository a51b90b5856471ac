import { m } from '$lib/paraglide/messages.js';
import type { DimensionFilter } from '$lib/features/dashboard/FilterBar.svelte';
import type { PageFilters } from '$lib/shared/dashboard/filters';

/** The complaint register's filters beyond the stores: channel, category, and department when any is recorded. */
export function complaintFilterDimensions(
	options: { channel: readonly string[]; category: readonly string[]; department: readonly string[] },
	filters: PageFilters
): DimensionFilter[] {
	return [
		{ name: 'channel', label: m.dash_filter_channel(), options: options.channel, selected: filters.channel ?? [] },
		{ name: 'category', label: m.dash_filter_category(), options: options.category, selected: filters.category ?? [] },
		...(options.department.length
			? [
					{
						name: 'department' as const,
						label: m.dash_filter_department(),
						options: options.department,
						selected: filters.department ?? []
					}
				]
			: [])
	];
}
