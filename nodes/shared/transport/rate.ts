/**
 * The request rate the package keeps to, per vendor account, shared by every item of a run and by
 * every execution in this n8n process that uses the same account (n8n loads node code once per
 * process). Queue-mode workers are separate processes: each keeps its own budget, and adapts when
 * the vendor answers 429.
 *
 * The model is the vendor's: at most `limit` requests start in any window of `windowMs` (Surepass
 * documents 100 a minute). A sliding log of start times lets a small batch go at once and spaces a
 * large one exactly as the window allows; a slot is given in the order it was asked for, so no
 * item waits forever. A slot wait is not an attempt: it uses no retry and no per-request timeout,
 * and ends at once when the item's signal aborts (cancel, Stop on error).
 *
 * Adaptive: a 429 lowers the rate to what the vendor really accepted in the last window (requests
 * started in it, less those answered 429), however many 429s one burst brings, and honours
 * Retry-After for every request of the account; without Retry-After the lowered rate makes the next
 * requests wait for the window to roll on. (A 429 with "Retry-After: 0" never reaches the limiter:
 * retry.ts retries it at once.) The rate rises by one a window, after a full window without a 429,
 * back to the configured limit.
 */
import { createHash } from 'crypto';

import { sleep } from '../n8n';

/** A little more than the window, so that latency differences cannot squeeze two windows' requests into one at the vendor. */
function margin(windowMs: number): number {
	return Math.min(1000, Math.max(100, windowMs * 0.02));
}

/** The most start times kept when there is no limit (enough to know the rate when a 429 comes). */
const MAX_LOG = 10_000;

export interface RateEvent {
	kind: 'waiting' | 'lowered' | 'blocked' | 'raised';
	/** The rate now, in requests per window (Infinity: no limit). */
	limit: number;
	windowMs: number;
	/** Requests waiting for a slot. */
	queued: number;
	/** For `blocked`: how long every request of the account waits (the vendor's Retry-After). */
	waitMs?: number;
}

export class RateLimiter {
	/** Start times within the last window, oldest first. */
	private readonly starts: number[] = [];

	/** When requests were answered 429, within the last window, oldest first. */
	private readonly refusals: number[] = [];

	/** The rate in force: the configured limit, lowered by 429s. */
	private current: number;

	private blockedUntil = 0;

	private lastLimitedAt = 0;

	private lastRaisedAt = 0;

	/** Requests waiting for a slot, in the order they asked. */
	private readonly queue: Array<() => void> = [];

	private pumping = false;

	/** Cancels the pump's sleep when nobody waits any more: no timer outlives its waiters. */
	private pumpSleep: AbortController | undefined;

	/** Who is told when the limiter starts holding requests back or changes its rate. */
	private readonly listeners = new Set<(event: RateEvent) => void>();

	constructor(
		/** Requests per window as configured; 0 or less: no limit until a 429 says otherwise. */
		readonly limit: number,
		readonly windowMs: number,
	) {
		this.current = limit > 0 ? limit : Number.POSITIVE_INFINITY;
	}

	/** The rate in force, per window. */
	get rate(): number {
		return this.current;
	}

	/**
	 * Waits for a slot and takes it: true. Resolves at once while the account is under its rate;
	 * false when no slot came within `maxWaitMs`; rejects when `signal` aborts while waiting.
	 */
	async acquire(signal?: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
		if (signal?.aborted) throw new Error('aborted');
		if (this.queue.length === 0 && this.freeNow(Date.now())) {
			this.take(Date.now());
			return true;
		}
		if (maxWaitMs <= 0) return false;
		const gaveUp = new AbortController();
		return await new Promise<boolean>((resolve, reject) => {
			const leave = () => {
				signal?.removeEventListener('abort', onAbort);
				gaveUp.abort();
				const index = this.queue.indexOf(grant);
				if (index >= 0) this.queue.splice(index, 1);
				if (this.queue.length === 0) this.pumpSleep?.abort();
			};
			const grant = () => {
				signal?.removeEventListener('abort', onAbort);
				gaveUp.abort();
				resolve(true);
			};
			const onAbort = () => {
				leave();
				reject(new Error('aborted'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.queue.push(grant);
			if (Number.isFinite(maxWaitMs)) {
				sleep(maxWaitMs, gaveUp.signal).then(
					() => {
						leave();
						resolve(false);
					},
					() => undefined,
				);
			}
			if (this.queue.length === 1) this.emit('waiting');
			void this.pump();
		});
	}

	/** What an answer said about the rate: a 429 (with the vendor's Retry-After, if any), or not. */
	record(limited: boolean, retryAfterMs?: number): void {
		const now = Date.now();
		if (limited) {
			this.lastLimitedAt = now;
			this.refusals.push(now);
			const horizon = now - this.windowMs - margin(this.windowMs);
			while (this.refusals.length > 0 && this.refusals[0] <= horizon) this.refusals.shift();
			// What the vendor accepted in its window: what started in it, less what it refused.
			const accepted = Math.max(1, this.inWindow(now) - this.refusals.length);
			const before = this.current;
			if (accepted < this.current) this.current = accepted;
			if (retryAfterMs !== undefined && retryAfterMs > 0) {
				this.blockedUntil = Math.max(this.blockedUntil, now + retryAfterMs);
				this.emit('blocked', retryAfterMs);
			} else if (this.current !== before) {
				this.emit('lowered');
			}
			return;
		}
		if (this.current >= (this.limit > 0 ? this.limit : Number.POSITIVE_INFINITY)) return;
		// One step a window, and only after a window without a 429.
		if (now - this.lastLimitedAt < this.windowMs || now - this.lastRaisedAt < this.windowMs) return;
		this.lastRaisedAt = now;
		this.current += 1;
		// With no configured limit, a rate that has grown well past anything sent is no limit again.
		if (this.limit <= 0 && this.current > MAX_LOG) this.current = Number.POSITIVE_INFINITY;
		if (this.limit > 0 && this.current >= this.limit) this.emit('raised');
	}

	/** Requests waiting for a slot. */
	get queued(): number {
		return this.queue.length;
	}

	private inWindow(now: number): number {
		const horizon = now - this.windowMs - margin(this.windowMs);
		while (this.starts.length > 0 && this.starts[0] <= horizon) this.starts.shift();
		return this.starts.length;
	}

	private freeNow(now: number): boolean {
		if (now < this.blockedUntil) return false;
		return this.inWindow(now) < this.current;
	}

	private take(now: number): void {
		this.starts.push(now);
		if (this.starts.length > MAX_LOG) this.starts.shift();
	}

	/** When the next slot opens, in ms from now. */
	private nextSlotIn(now: number): number {
		if (now < this.blockedUntil) return this.blockedUntil - now;
		const count = this.inWindow(now);
		if (count < this.current) return 0;
		// The (count - current + 1)-th oldest start leaves the window then.
		const leaving = this.starts[count - this.current];
		return Math.max(1, leaving + this.windowMs + margin(this.windowMs) - now + 1);
	}

	/** Hands out slots in order while there are waiters; one loop at a time. */
	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = Date.now();
				if (this.freeNow(now)) {
					this.take(now);
					this.queue.shift()?.();
					continue;
				}
				this.pumpSleep = new AbortController();
				const slept = await sleep(this.nextSlotIn(now), this.pumpSleep.signal).then(
					() => true,
					() => false,
				);
				if (!slept && this.queue.length === 0) break;
			}
		} finally {
			this.pumping = false;
			this.pumpSleep = undefined;
		}
	}

	/** Tells `listener` what the limiter does until the returned function is called. */
	subscribe(listener: (event: RateEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private emit(kind: RateEvent['kind'], waitMs?: number): void {
		const event = {
			kind,
			limit: this.current,
			windowMs: this.windowMs,
			queued: this.queue.length,
			waitMs,
		};
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
