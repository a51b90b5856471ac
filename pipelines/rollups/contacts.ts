import { CALLBACK_MINUTES, CONTACT_TOKENS as T, MAX_FCR_DAYS } from '$lib/shared/thresholds';

/**
 * What a contact row means, as SQL the metric catalog (server/metrics/catalog/contact-sources.ts,
 * contacts.ts) and the contact rollups (tables.ts) share, so that both count the same rows. The limits
 * are tokens (CONTACT_TOKENS): the compiler binds the limits in force, the rollups the limits they
 * were counted with.
 */

const seconds = (later: string, earlier: string) => `((epoch_ms(${later}) - epoch_ms(${earlier})) / 1000.0)`;

/**
 * The day and the seconds of a contact row: `wait_s` (arrival to answer, answered contacts), `abandon_s`
 * (arrival to hang-up, contacts not answered), `handle_s` (talk + hold + wrap, or end − answer when the
 * log has none of the three).
 */
export const WAIT_S = `CASE WHEN answered_at IS NOT NULL THEN ${seconds('answered_at', 'arrived_at')} END`;
export const HANDLE_S = `CASE WHEN answered_at IS NULL THEN NULL
		WHEN coalesce(talk_seconds, hold_seconds, wrap_seconds) IS NOT NULL THEN coalesce(talk_seconds, 0) + coalesce(hold_seconds, 0) + coalesce(wrap_seconds, 0)
		WHEN ended_at IS NOT NULL THEN ${seconds('ended_at', 'answered_at')} END`;
export const CONTACT_TIMES = `arrived_at::DATE AS d,
	${WAIT_S} AS wait_s,
	CASE WHEN answered_at IS NULL AND ended_at IS NOT NULL THEN ${seconds('ended_at', 'arrived_at')} END AS abandon_s,
	${HANDLE_S} AS handle_s`;

/**
 * The hour of arrival, '00'–'23', and the ISO weekday, '1' (Monday)–'7', and both ('3-09'): each one strftime, which
 * costs half of building the text from isodow() and hour() (a year of contacts' P90 wait by weekday × hour from raw
 * rows: 1.18 → 0.65–0.76 s, the percentiles themselves 0.52 s of it).
 */
export const CONTACT_HOUR = `strftime(arrived_at, '%H')`;
export const CONTACT_WEEKDAY = `strftime(arrived_at, '%u')`;
export const CONTACT_WEEKDAY_HOUR = `strftime(arrived_at, '%u-%H')`;

/**
 * The order of a phone's contacts: by arrival, and by id among those of one arrival. `byTime`: by arrival alone,
 * the same order where no two of the rows ordered share an arrival (`TIES` counts them): the upkeep orders so
 * first, because reading the id of the rows picked was a third of its read (maintain.ts, `refreshTouched`, checks the ties).
 */
const order = (byTime = false) => (byTime ? 'ORDER BY arrived_at' : 'ORDER BY arrived_at, contact_id');
/**
 * What the same phone did next (window expressions over the contact rows): the arrival of its next inbound
 * contact (inbound rows only), and of its next contact that reached the customer (outbound, or answered).
 */
export const nextInbound = (byTime = false) => `CASE WHEN customer_phone_hash IS NOT NULL AND direction = '呼入'
		THEN lead(arrived_at) OVER (PARTITION BY customer_phone_hash, direction ${order(byTime)}) END`;
export const nextReach = (byTime = false) => `CASE WHEN customer_phone_hash IS NOT NULL
		THEN min(CASE WHEN direction = '呼出' OR answered_at IS NOT NULL THEN arrived_at END)
			OVER (PARTITION BY customer_phone_hash ${order(byTime)} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) END`;
export const NEXT_INBOUND = nextInbound();
export const NEXT_REACH = nextReach();
/** How many of the rows ordered share the phone and arrival of a row (a window expression; 1: the order by time is exact). */
export const TIES = 'count(*) OVER (PARTITION BY customer_phone_hash, arrived_at)';
export const NEXT_CONTACTS = `${NEXT_INBOUND} AS next_inbound_at,
	${NEXT_REACH} AS next_reach_at`;

/** The end of the callback window of an abandoned contact (CALLED_BACK). */
const CALLBACK_BY = `coalesce(ended_at, arrived_at) + INTERVAL ${CALLBACK_MINUTES} MINUTE`;

/**
 * What a contact stores of what its phone did next (contacts.stored_next_inbound_at, stored_next_reach_at, kept by the rollups'
 * upkeep): NEXT_CONTACTS' times, each only when within the farthest window a metric asks of it — the next inbound
 * contact within MAX_FCR_DAYS of arrival (NO_REPEAT with any FCR setting), the next reach within the callback
 * window (CALLED_BACK) — else NULL. Every metric counts the same with them as with the unclipped times, and a
 * contact's stored times change only with the same phone's contacts inside those windows, so a write recomputes
 * the phones' contacts from shortly before its first touched one, not their whole history. `rows`: a relation with
 * the contact columns and the unclipped `next_inbound_at`, `next_reach_at`.
 */
export const storedNext = (inbound = 'next_inbound_at', reach = 'next_reach_at') =>
	`CASE WHEN ${inbound} <= arrived_at + INTERVAL ${MAX_FCR_DAYS} DAY THEN ${inbound} END AS fresh_inbound_at,
	CASE WHEN ${reach} <= ${CALLBACK_BY} THEN ${reach} END AS fresh_reach_at`;
/**
 * The first arrival whose stored next times (`storedNext`) a contact of the phones `phones` (a relation of
 * `phone`) at `at` or later can change: MAX_FCR_DAYS earlier, or earlier still for a contact of those phones
 * that ended within the callback window before `at` (a contact may last long; both conditions skip by the blocks'
 * min and max, so only blocks holding such a contact are read). `at`: a TIMESTAMP expression.
 */
export const storedNextSince = (at: string, phones: string) => `least(${at} - INTERVAL ${MAX_FCR_DAYS} DAY,
	coalesce((SELECT min(c.arrived_at) FROM contacts c WHERE c.arrived_at < ${at} - INTERVAL ${MAX_FCR_DAYS} DAY
		AND c.ended_at >= ${at} - INTERVAL ${CALLBACK_MINUTES} MINUTE AND c.customer_phone_hash IN (SELECT phone FROM ${phones} WHERE phone IS NOT NULL)), ${at}))`;

/** A customer's contact that counts: inbound, and not a short abandon (not answered, hung up within the limit). */
export const OFFERED = `(direction = '呼入' AND (answered_at IS NOT NULL OR abandon_s IS NULL OR abandon_s >= ${T.shortAbandonSeconds}))`;
export const ANSWERED = `(${OFFERED} AND answered_at IS NOT NULL)`;
export const ABANDONED = `(${OFFERED} AND answered_at IS NULL)`;
export const WITHIN_SL = `(${ANSWERED} AND wait_s <= ${T.serviceLevel})`;
export const HANDLED = `(answered_at IS NOT NULL AND handle_s IS NOT NULL)`;
/** Answered inbound contacts with a phone: FCR can judge them once their window has closed. */
export const FCR_JUDGED = `(${ANSWERED} AND customer_phone_hash IS NOT NULL)`;
/** Whether a contact's FCR window has closed by `now` (a TIMESTAMP expression); `days`: a window known here instead of the limit's token. */
export const fcrDue = (now: string, arrived = 'arrived_at', days: string = T.fcrDays) =>
	`${arrived} + to_days(CAST(${days} AS INTEGER)) <= ${now}`;
export const NO_REPEAT = `(next_inbound_at IS NULL OR next_inbound_at > arrived_at + to_days(CAST(${T.fcrDays} AS INTEGER)))`;
export const CALLED_BACK = `(callback_at <= ${CALLBACK_BY} OR next_reach_at <= ${CALLBACK_BY})`;
