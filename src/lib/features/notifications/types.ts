import type { UiLocale } from '$lib/shared/views';

/** What the delivery pages show (the server's loadNotifications returns this shape). */
export interface NotificationsData {
	all: boolean;
	timeZone: string;
	catchUpHours: number;
	kinds: string[];
	whats: string[];
	weekdays: number[];
	stores: string[];
	channels: {
		channel_id: number;
		name: string;
		kind: string;
		target_hint: string;
		has_secret: boolean;
		recipients: string[] | null;
		keyword: string | null;
		owner: string;
	}[];
	subscriptions: {
		subscription_id: number;
		channel_name: string;
		what: string;
		stores: string[] | null;
		owner: string;
		locale: UiLocale;
		plain: string;
		next: string | null;
	}[];
	deliveries: {
		delivery_id: number;
		channel_name: string;
		what: string;
		period: string;
		status: string;
		attempts: number;
		error: string | null;
		note: string | null;
		when: string;
	}[];
}

export interface NotificationsForm {
	action: string;
	ok: boolean;
	message: string;
}
