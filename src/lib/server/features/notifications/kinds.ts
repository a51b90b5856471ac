/**
 * What a channel is and what may be delivered through it, with each bot's published limits: messages per
 * window (企业微信 20 a minute; 钉钉 20 a minute, then the bot is blocked for 10 minutes; 飞书 100 a minute
 * and 5 a second) and the largest message (企业微信 4,096 bytes of markdown; 飞书 20 KB of request body;
 * 钉钉 20,000 bytes, kept a little under).
 */
export const CHANNEL_KINDS = ['email', 'wecom', 'dingtalk', 'feishu', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const isChannelKind = (v: unknown): v is ChannelKind => typeof v === 'string' && (CHANNEL_KINDS as readonly string[]).includes(v);

export const SUBSCRIPTION_WHATS = ['weekly-report', 'monthly-report', 'evaluation-report', 'alerts', 'freshness'] as const;
export type SubscriptionWhat = (typeof SUBSCRIPTION_WHATS)[number];
export const isSubscriptionWhat = (v: unknown): v is SubscriptionWhat =>
	typeof v === 'string' && (SUBSCRIPTION_WHATS as readonly string[]).includes(v);

export interface RateWindow {
	count: number;
	ms: number;
}

export interface KindLimits {
	windows: readonly RateWindow[];
	/** the largest message part, in UTF-8 bytes of what the limit counts (markdown text, or the whole body) */
	maxBytes: number;
	/** how long the service blocks a sender that went over its limit */
	blockMs: number;
}

const MINUTE = 60_000;

export const KIND_LIMITS: Readonly<Record<ChannelKind, KindLimits>> = {
	wecom: { windows: [{ count: 20, ms: MINUTE }], maxBytes: 4096, blockMs: MINUTE },
	dingtalk: { windows: [{ count: 20, ms: MINUTE }], maxBytes: 18_000, blockMs: 10 * MINUTE },
	feishu: {
		windows: [
			{ count: 100, ms: MINUTE },
			{ count: 5, ms: 1000 }
		],
		maxBytes: 18_000,
		blockMs: MINUTE
	},
	webhook: { windows: [{ count: 60, ms: MINUTE }], maxBytes: 256_000, blockMs: MINUTE },
	email: { windows: [{ count: 30, ms: MINUTE }], maxBytes: 10_000_000, blockMs: MINUTE }
};

/** Default schedules, in the form the CLI takes (schedule.ts). */
export const DEFAULT_SCHEDULE: Readonly<Record<SubscriptionWhat, string>> = {
	'weekly-report': 'MON 08:30',
	'monthly-report': 'MONTHLY 2 09:00',
	'evaluation-report': 'MONTHLY 5 09:00',
	alerts: 'HOURLY :05',
	freshness: 'DAILY 09:00'
};
