/**
 * The request rate the package keeps to, per vendor account, shared by every item of a run and by
 * every execution in this n8n process that uses the same account (n8n loads node code once per
 * process). Queue-mode workers are separate processes: each keeps its own budget, and adapts when
 * the vendor answers 429.
 *
 * Two things bound when a request may start.
 *
 * - **The credential's budget**, a hard cap: at most `limit` starts in any `windowMs` (Surepass
 *   documents 100 a minute). A sliding log of start times lets a small batch go at once and a large
 *   one use the whole budget. It is never exceeded, whatever the vendor accepts. A request the
 *   vendor refused did not count there, and takes nothing from it.
 * - **What the vendor has shown it accepts.** Vendors document a rate ("100 a minute") but count it
 *   their own way: a rolling minute, a few seconds, a calendar second, a token bucket, evenly
 *   spaced requests. Until a 429 says otherwise, the budget is all there is.
 *   1. The first 429 shows that the vendor does not take bursts: from then on requests are spaced
 *      evenly at the credential's rate (`interval` apart, a little wider). Time left unused on that
 *      schedule (a quiet account, a full budget) is credit for a burst of up to what the vendor
 *      took at once, never more.
 *   2. One request right after that first 429 probes whether the vendor refills as it goes (a
 *      token bucket: accepted). Refused, the vendor counts over a window: spacing resumes once the
 *      burst it took has been paid for at the even rate. Refused again then, the window is longer
 *      than that: it is taken as twice as long, then twice again, up to the credential's window,
 *      and the rate as the burst per that window.
 *   3. A 429 later, while spaced evenly, means the vendor's sustained rate is lower (another
 *      workflow or n8n worker uses the account): the rate is cut to 70%. Further 429s before
 *      anything is accepted wait twice as long each time instead (a window that is full refuses
 *      everything until it rolls on: cutting at each would collapse the rate). On success the
 *      rate grows back within seconds: doubling each second up to half of where the vendor
 *      refused, back to that point within 30 s, then slowly past it, probing, up to the
 *      credential's rate.
 *
 * `Retry-After` says when to resume, for every request of the account; it does not change the rate.
 * (A 429 with "Retry-After: 0" never reaches the limiter: retry.ts retries it at once.)
 *
 * Slots are given in the order they were asked for, a request that was refused before (a retry)
 * first, so no item waits forever. A slot wait is not an attempt: it uses no retry and no
 * per-request timeout, and ends at once when the item's signal aborts (cancel, Stop on error).
 *
 * **Max Wait on Rate Limit** counts from the moment the account is refused: from a 429 to the next
 * answer that is not one. A request waiting for a slot (queued, or sent and refused) gives up when
 * the account has been refused for its Max Wait, or when the vendor asks to wait past it.
 *
 * test/nodes/shared/transport/rate.test.ts checks each of these on a virtual clock, and the
 * targets against vendors of every shape; `npm run bench:rate` measures them through n8n's engine.
 */
import { createHash } from 'crypto';

import { sleep } from '../n8n';

/** Time as the limiter sees it: the real clock, or a virtual one in tests and simulations. */
export interface Clock {
	now(): number;
	/** Waits `ms`; rejects when `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_CLOCK: Clock = { now: () => Date.now(), sleep };

/** A little more than the window, so that latency differences cannot squeeze two windows' requests into one at the vendor. */
function margin(windowMs: number): number {
	return Math.min(1000, Math.max(100, windowMs * 0.02));
}

/** Even spacing is this much wider than the rate asks: arrival times at the vendor jitter. */
const SPACING_MARGIN = 1.04;

/** A cut keeps this much of the rate (a 429 while spaced evenly: the vendor's rate is lower). */
const CUT = 0.7;

/** After a cut, the rate holds this long (or two intervals) before it grows. */
const HOLD_MS = 1000;

/** Below this share of the rate where the vendor last refused (or if it never did), the rate doubles every second. */
const DEEP = 0.5;

/** From there it is back to where the vendor refused within this many seconds. */
const RECOVERY_S = 30;

/** Past it, it grows by this share of it per second, the share doubling every PROBE_DOUBLING_MS. */
const PROBE_GROWTH = 0.002;
const PROBE_DOUBLING_MS = 30_000;

/** The rate never falls below one request in this long (or the credential's interval, if longer). */
const SLOWEST_INTERVAL_MS = 10_000;

/** The most start times kept. */
const MAX_LOG = 10_000;

export interface RateEvent {
	kind: 'waiting' | 'paced' | 'lowered' | 'blocked' | 'raised';
	/** Requests per minute in force (Infinity: no limit). */
	perMinute: number;
	/** Why, in words, for n8n's log. */
	reason: string;
	/** Requests waiting for a slot. */
	queued: number;
	/** For `blocked`: how long every request of the account waits (the vendor's Retry-After). */
	waitMs?: number;
}

/** A slot given to a request: hand it back to `record` with what the vendor answered. */
export interface Slot {
	readonly startedAt: number;
	/** Its place in the order slots were given. */
	readonly seq: number;
	/** The request that tests, after the first 429, whether the vendor refills as it goes. */
	readonly probe: boolean;
	/** Started within a burst (not evenly spaced). */
	readonly inBurst: boolean;
}

/** What an answer said about the rate. `unknown`: no answer (a network failure). */
export type RateOutcome = 'accepted' | 'refused' | 'unknown';

interface Waiter {
	grant: (slot: Slot | undefined) => void;
	maxWaitMs: number;
	retry: boolean;
}

interface Start {
	at: number;
	outcome: RateOutcome | 'pending';
	/** When its answer came (the vendor had it by then). */
	answeredAt?: number;
	/** Started before requests were spaced evenly: part of the burst the vendor may still count. */
	beforePacing: boolean;
}

export class RateLimiter {
	private readonly clock: Clock;

	/** Start times within the last window (and their answers), oldest first. */
	private readonly starts: Start[] = [];

	/** Spaced evenly since the vendor refused a burst. */
	private paced = false;

	/** Between two starts when spaced evenly (ms); 0 while not known. */
	private interval = 0;

	/** The credential's rate as an even interval (ms); 0: no limit. */
	private readonly ceilingInterval: number;

	/** The interval where the vendor last refused (growth is quick up to it, slow past it); 0: never. */
	private failInterval = 0;

	/** The earliest start of the next evenly spaced request. */
	private next = 0;

	/** Requests that may still start at once in the current burst (spaced mode). */
	private burstLeft = 0;

	/** How many requests the vendor has accepted in one burst (spaced mode). */
	private burstSize = 1;

	/** Slots given so far. */
	private issued = 0;

	/** The first slot given after requests began to be spaced evenly. */
	private pacedSeq = Number.POSITIVE_INFINITY;

	/** The first slot given after the last cut (or the start of pacing): earlier ones cut no further. */
	private cutSeq = 0;

	/** Each slot's entry in `starts`, for its answer. */
	private readonly entries = new WeakMap<Slot, Start>();

	/** Set when the first 429 came without Retry-After: the next start is the probe. */
	private probeDue = false;

	/** The rate was cut since the account's last accepted answer: further 429s back off instead. */
	private cutInRun = false;

	/** Back-offs since then: each doubles the wait before the next request. */
	private backOffs = 0;

	/** The probe was refused: the next request tells whether paying for the burst was enough. */
	private debtCheck = false;

	/** How long a window the vendor seems to count its burst in, once paying for it at the credential's rate was not enough (ms). */
	private windowGuess = 0;

	private blockedUntil = 0;

	/** When the rate was last cut (or pacing began). */
	private lastCut = Number.NEGATIVE_INFINITY;

	private lastGrowth = Number.NEGATIVE_INFINITY;

	/** When the interval reached failInterval again after a cut (probing above it since). */
	private probingSince: number | undefined;

	/** Since when the account has been refused: the first 429 after an answer that was not one. */
	private refusedAt: number | undefined;

	/** Requests waiting for a slot, in the order they are served. */
	private readonly queue: Waiter[] = [];

	private pumping = false;

	/** Wakes the pump early (a waiter left, the state changed); no timer outlives its waiters. */
	private pumpSleep: AbortController | undefined;

	/** Who is told when the limiter starts holding requests back or changes its rate. */
	private readonly listeners = new Set<(event: RateEvent) => void>();

	constructor(
		/** Requests per window as configured; 0 or less: no limit until a 429 says otherwise. */
		readonly limit: number,
		readonly windowMs: number,
		clock: Clock = REAL_CLOCK,
	) {
		this.clock = clock;
		this.ceilingInterval = limit > 0 ? (windowMs / limit) * SPACING_MARGIN : 0;
	}

	/** Requests per minute in force (Infinity: no limit). */
	get perMinute(): number {
		if (this.paced && this.interval > 0) return 60_000 / this.interval;
		return this.limit > 0 ? (this.limit * 60_000) / this.windowMs : Number.POSITIVE_INFINITY;
	}

	/** Whether requests are spaced evenly (the vendor refused a burst). */
	get spaced(): boolean {
		return this.paced;
	}

	/** Requests waiting for a slot. */
	get queued(): number {
		return this.queue.length;
	}

	/** How long the account has been refused (ms), or undefined when its last answer was not a 429. */
	refusedForMs(): number | undefined {
		return this.refusedAt === undefined ? undefined : this.clock.now() - this.refusedAt;
	}

	/**
	 * Whether a request that may wait `maxWaitMs` after its account is refused must give up now:
	 * the account has been refused that long, or the vendor asked to wait past it.
	 */
	exhausted(maxWaitMs: number): boolean {
		if (this.refusedAt === undefined) return false;
		const deadline = this.refusedAt + maxWaitMs;
		return this.clock.now() >= deadline || this.blockedUntil > deadline;
	}

	/**
	 * Waits for a slot and takes it. Resolves at once while the account is under its rate;
	 * `undefined` when the account has been refused for `maxWaitMs` (see `exhausted`); rejects when
	 * `signal` aborts while waiting. A `retry` (a request the vendor refused) is served first.
	 */
	async acquire(
		options: { signal?: AbortSignal; maxWaitMs?: number; retry?: boolean } = {},
	): Promise<Slot | undefined> {
		const { signal, maxWaitMs = Number.POSITIVE_INFINITY, retry = false } = options;
		if (signal?.aborted) throw new Error('aborted');
		if (this.exhausted(maxWaitMs)) return undefined;
		const now = this.clock.now();
		if (this.queue.length === 0 && this.freeAt(now) <= now) return this.take(now);
		return await new Promise<Slot | undefined>((resolve, reject) => {
			const waiter: Waiter = {
				grant: (slot) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(slot);
				},
				maxWaitMs,
				retry,
			};
			const onAbort = () => {
				const index = this.queue.indexOf(waiter);
				if (index >= 0) this.queue.splice(index, 1);
				this.wake();
				reject(new Error('aborted'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			// Retries first, each behind the retries already waiting.
			const at = retry ? this.queue.findIndex((other) => !other.retry) : -1;
			if (at < 0) this.queue.push(waiter);
			else this.queue.splice(at, 0, waiter);
			if (this.queue.length === 1) this.emit('waiting', 'the account is at its rate');
			this.wake();
			void this.pump();
		});
	}

	/** What the vendor answered to the request that had `slot` (Retry-After in ms, if any). */
	record(slot: Slot, outcome: RateOutcome, retryAfterMs?: number): void {
		const now = this.clock.now();
		const start = this.entries.get(slot);
		if (start) {
			start.outcome = outcome;
			start.answeredAt = now;
		}
		// A refused request did not count at the vendor: it takes nothing from the budget.
		if (start && outcome === 'refused') {
			const index = this.starts.indexOf(start);
			if (index >= 0) this.starts.splice(index, 1);
		}
		if (outcome === 'unknown') return;
		if (outcome === 'accepted') {
			this.refusedAt = undefined;
			if (this.paced && slot.seq < this.pacedSeq) {
				// A request of the refused burst, answered late: the vendor took one more of it.
				this.burstSize++;
			}
			if (slot.seq >= this.cutSeq) {
				// Accepted at the rate in force: the refusals since the last cut are over.
				this.debtCheck = false;
				this.cutInRun = false;
				this.backOffs = 0;
			}
			this.grow(slot, now);
			return;
		}
		this.refusedAt ??= now;
		const blocked = retryAfterMs !== undefined && retryAfterMs > 0;
		if (blocked) this.blockedUntil = Math.max(this.blockedUntil, now + retryAfterMs);
		if (!this.paced) this.startPacing(now, blocked);
		else if (slot.probe) {
			// The vendor still counts the burst: spacing resumes once it has been paid for.
			this.next = Math.max(this.next, this.debtUntil(now));
			this.debtCheck = true;
			this.cutSeq = this.issued;
			this.lastCut = now;
			this.emit(
				'lowered',
				`the vendor counts its limit over a window: requests resume once the ${this.burstSize} it took at once are paid for at the even rate`,
			);
		} else if (slot.seq >= this.cutSeq) {
			if (this.debtCheck) this.longerWindow(now);
			else if (this.cutInRun) this.backOff(now);
			else this.cut(slot, now);
		}
		if (blocked) {
			this.next = Math.max(this.next, this.blockedUntil);
			this.emit(
				'blocked',
				`the vendor asked to wait ${Math.ceil(retryAfterMs / 1000)} s`,
				retryAfterMs,
			);
		}
		this.wake();
	}

	/** The first 429: the vendor does not take bursts. Space requests evenly from now on. */
	private startPacing(now: number, blocked: boolean): void {
		this.paced = true;
		this.pacedSeq = this.issued;
		this.cutSeq = this.issued;
		this.lastCut = now;
		const accepted = this.inWindow(now).filter((start) => start.outcome === 'accepted');
		this.burstSize = Math.max(1, accepted.length);
		if (this.ceilingInterval > 0) this.interval = this.ceilingInterval;
		else {
			// No rate configured: start from what the vendor took in the window, and let success
			// raise it within seconds.
			this.interval = Math.min(this.slowest(), this.windowMs / this.burstSize);
		}
		this.burstLeft = 0;
		if (blocked) {
			// The vendor said when to resume.
			this.next = Math.max(this.next, now);
		} else {
			this.probeDue = true;
			this.next = now + this.interval;
		}
		this.lastGrowth = now;
		this.emit(
			'paced',
			`the vendor refused a burst after accepting ${this.burstSize} request(s) at once: requests are now spaced evenly`,
		);
	}

	/**
	 * When the burst the vendor accepted is paid for at the even rate: the j-th of the k it took
	 * (in the order they were sent) is followed by the (k + j)-th request no sooner than k - j
	 * intervals after its answer, so that a vendor counting k in a window of k intervals has
	 * forgotten it, however spread out the burst arrived.
	 */
	private debtUntil(now: number): number {
		const burst = this.inWindow(now).filter(
			(start) => start.beforePacing && start.outcome === 'accepted',
		);
		let until = now;
		burst.forEach((start, index) => {
			const answered = start.answeredAt ?? now;
			until = Math.max(until, answered + (burst.length - index) * this.interval);
		});
		return until;
	}

	/**
	 * Refused again once the burst was paid for: the vendor counts over a longer window than the
	 * burst at the even rate, so its rate is lower. The window is taken as twice as long as the
	 * last guess (up to the credential's: a vendor that documents a rate a minute counts within a
	 * minute), the rate as the burst it accepted per that window, from when that window has
	 * forgotten the burst. Refused again at that point, it doubles again.
	 */
	private longerWindow(now: number): void {
		const burst = this.inWindow(now).filter(
			(start) => start.beforePacing && start.outcome === 'accepted',
		);
		const first = Math.min(now, ...burst.map((start) => start.answeredAt ?? now));
		const longest = this.windowMs + margin(this.windowMs);
		this.windowGuess = Math.min(longest, 2 * (this.windowGuess || this.burstSize * this.interval));
		// Still unsure until a request at this rate is accepted, unless the window is the longest.
		this.debtCheck = this.windowGuess < longest;
		this.interval = Math.min(
			Math.max(this.interval, (this.windowGuess / this.burstSize) * SPACING_MARGIN),
			this.slowest(),
		);
		this.lowered(now, this.interval, first + this.windowGuess);
		this.emit(
			'lowered',
			`the vendor took ${this.burstSize} request(s) at once and refuses more within ${Math.round(this.windowGuess / 100) / 10} s: about ${this.burstSize} per ${Math.round(this.windowGuess / 100) / 10} s from now on`,
		);
	}

	/**
	 * Refused again before anything was accepted since the cut: a vendor that counts over a window
	 * refuses everything until the window has rolled on, so cutting the rate at each 429 would
	 * collapse it. The rate stays; the next request waits twice as long each time.
	 */
	private backOff(now: number): void {
		this.backOffs++;
		this.cutSeq = this.issued;
		this.burstLeft = 0;
		const wait = Math.min(this.slowest(), this.interval * 2 ** this.backOffs);
		this.next = Math.max(this.next, now + wait);
	}

	/**
	 * After the rate was lowered on a 429: `failInterval` is where the vendor refused, requests
	 * resume at `resumeAt`, answers to requests sent before now lower it no further, and growth
	 * starts over from here.
	 */
	private lowered(now: number, failInterval: number, resumeAt: number): void {
		this.failInterval = failInterval;
		this.burstLeft = 0;
		this.cutSeq = this.issued;
		this.cutInRun = true;
		this.lastCut = now;
		this.lastGrowth = now;
		this.probingSince = undefined;
		this.next = Math.max(this.next, resumeAt);
	}

	/** A 429 while spaced evenly: the vendor's sustained rate is lower than ours. */
	private cut(slot: Slot, now: number): void {
		const before = this.interval;
		this.interval = Math.min(this.slowest(), this.interval / CUT);
		if (slot.inBurst) this.burstSize = Math.max(1, Math.floor(this.burstSize / 2));
		// Where the vendor refused: the mark to grow back to, quickly, and past which to probe slowly.
		this.lowered(now, before, now + this.interval);
		if (this.interval !== before)
			this.emit(
				'lowered',
				'the vendor refused requests at the previous rate (another workflow or n8n worker may use the account)',
			);
	}

	/** An accepted answer while spaced evenly: the rate grows back, within seconds. */
	private grow(slot: Slot, now: number): void {
		if (!this.paced || slot.seq < this.cutSeq) return;
		const ceiling = this.ceilingInterval;
		if (ceiling > 0 && this.interval <= ceiling) return;
		// Not within a round of requests of the last cut.
		const hold = Math.max(HOLD_MS, 2 * this.interval);
		if (now - this.lastCut < hold) return;
		const elapsed = Math.max(0, now - Math.max(this.lastGrowth, this.lastCut + hold));
		this.lastGrowth = now;
		const before = this.interval;
		const seconds = elapsed / 1000;
		let rate = 1000 / this.interval;
		const failRate = this.failInterval > 0 ? 1000 / this.failInterval : Number.POSITIVE_INFINITY;
		if (rate < DEEP * failRate) {
			// Far below where the vendor last refused (or it never did): double every second.
			rate = Math.min(DEEP * failRate, rate * 2 ** seconds);
		} else if (rate < failRate) {
			// Back to where it refused within RECOVERY_S.
			rate = Math.min(failRate, rate + (failRate * (1 - CUT) * seconds) / RECOVERY_S);
		} else {
			// Past it: probe, slowly at first, faster the longer the vendor accepts.
			this.probingSince ??= now;
			const share = PROBE_GROWTH * 2 ** ((now - this.probingSince) / PROBE_DOUBLING_MS);
			rate += failRate * share * seconds;
		}
		let interval = 1000 / rate;
		if (ceiling > 0) interval = Math.max(interval, ceiling);
		this.interval = interval;
		if (ceiling > 0 && interval <= ceiling && before > ceiling)
			this.emit('raised', "back to the credential's rate");
	}

	/** Within the last window (and the margin), oldest first. */
	private inWindow(now: number): Start[] {
		const horizon = now - this.windowMs - margin(this.windowMs);
		while (this.starts.length > 0 && this.starts[0].at <= horizon) this.starts.shift();
		return this.starts;
	}

	private slowest(): number {
		return Math.max(SLOWEST_INTERVAL_MS, this.ceilingInterval);
	}

	/** When the next request may start (ms since the epoch). */
	private freeAt(now: number): number {
		let at = Math.max(now, this.blockedUntil);
		if (this.limit > 0) {
			const starts = this.inWindow(now);
			if (starts.length >= this.limit) {
				// The (count - limit + 1)-th oldest start leaves the window then.
				const leaving = starts[starts.length - this.limit].at;
				at = Math.max(at, leaving + this.windowMs + margin(this.windowMs) + 1);
			}
		}
		if (this.paced && this.burstLeft === 0) at = Math.max(at, this.next);
		return at;
	}

	private take(now: number): Slot {
		let inBurst = !this.paced;
		if (this.paced) {
			if (this.burstLeft > 0) {
				this.burstLeft--;
				inBurst = true;
			} else {
				// Time the schedule left unused is credit for a burst: the vendor's count has room
				// for what was not sent then (a window has forgotten it, a bucket has refilled), up
				// to what the vendor took at once.
				const credit = Math.min(
					this.burstSize,
					1 + Math.floor(Math.max(0, now - this.next) / this.interval),
				);
				this.burstLeft = credit - 1;
				inBurst = credit > 1;
			}
			this.next = now + this.interval;
		}
		const probe = this.probeDue;
		this.probeDue = false;
		const start: Start = { at: now, outcome: 'pending', beforePacing: !this.paced };
		this.starts.push(start);
		if (this.starts.length > MAX_LOG) this.starts.shift();
		const slot: Slot = { startedAt: now, seq: this.issued++, probe, inBurst };
		this.entries.set(slot, start);
		return slot;
	}

	private wake(): void {
		this.pumpSleep?.abort();
	}

	/** Hands out slots in order while there are waiters, and ends the waits that ran out; one loop at a time. */
	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = this.clock.now();
				this.giveUpExhausted();
				if (this.queue.length === 0) break;
				const at = this.freeAt(now);
				if (at <= now) {
					const waiter = this.queue.shift();
					waiter?.grant(this.take(now));
					continue;
				}
				const deadline = this.nextDeadline();
				this.pumpSleep = new AbortController();
				await this.clock
					.sleep(Math.max(1, Math.min(at, deadline) - now), this.pumpSleep.signal)
					.catch(() => undefined);
				this.pumpSleep = undefined;
			}
		} finally {
			this.pumping = false;
			this.pumpSleep = undefined;
		}
	}

	/** Ends, with no slot, the waits of requests whose account has been refused for their Max Wait. */
	private giveUpExhausted(): void {
		if (this.refusedAt === undefined) return;
		for (const waiter of [...this.queue]) {
			if (!this.exhausted(waiter.maxWaitMs)) continue;
			this.queue.splice(this.queue.indexOf(waiter), 1);
			waiter.grant(undefined);
		}
	}

	/** The earliest time a waiter's Max Wait runs out. */
	private nextDeadline(): number {
		if (this.refusedAt === undefined) return Number.POSITIVE_INFINITY;
		let earliest = Number.POSITIVE_INFINITY;
		for (const waiter of this.queue)
			earliest = Math.min(earliest, this.refusedAt + waiter.maxWaitMs);
		return earliest;
	}

	/** Tells `listener` what the limiter does until the returned function is called. */
	subscribe(listener: (event: RateEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Why the rate is what it is, in words (the last change). */
	get why(): string {
		return this.reason;
	}

	private reason = "the credential's rate";

	private emit(kind: RateEvent['kind'], reason: string, waitMs?: number): void {
		if (kind !== 'waiting' && kind !== 'blocked') this.reason = reason;
		const event = { kind, perMinute: this.perMinute, reason, queued: this.queue.length, waitMs };
		for (const listener of this.listeners) listener(event);
	}
}

/** One limiter per vendor account in this process. */
const limiters = new Map<string, RateLimiter>();

/**
 * The limiter of an account (`key` names it without holding a secret: a hash). A changed limit or
 * window in the credential makes a new one.
 */
export function limiterFor(key: string, limit: number, windowMs: number): RateLimiter {
	const id = `${key}\u0000${limit}\u0000${windowMs}`;
	let limiter = limiters.get(id);
	if (limiter === undefined) {
		limiter = new RateLimiter(limit, windowMs);
		limiters.set(id, limiter);
	}
	return limiter;
}

/** For tests: forget every account's limiter. */
export function forgetLimiters(): void {
	limiters.clear();
}

/**
 * The limiter of the account a credential names. `parts` identify the account (vendor, base URL,
 * token or client ID) and are hashed: no secret is kept as a key. `perMinute` is the credential's
 * Requests per Minute (0 or empty: no limit); `windowSeconds` its window, 60 unless set otherwise.
 */
export function accountLimiter(
	parts: string[],
	perMinute: unknown,
	windowSeconds: unknown,
): RateLimiter {
	const key = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
	const limit =
		typeof perMinute === 'number' && Number.isFinite(perMinute) && perMinute > 0
			? Math.floor(perMinute)
			: 0;
	const seconds =
		typeof windowSeconds === 'number' && Number.isFinite(windowSeconds) && windowSeconds > 0
			? windowSeconds
			: 60;
	return limiterFor(key, limit, Math.round(seconds * 1000));
}
