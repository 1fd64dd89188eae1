/**
 * A token just renewed is handed to the callers that asked for a renewal at the same moment.
 *
 * When an access token expires in the middle of a run, every item in flight finds it expired. n8n
 * runs the credential's preAuthentication for each of them: identical token requests that overlap
 * share one request (transport/token.ts), and this covers the ones that arrive a moment after it ended,
 * having read the credential before n8n saved the new token. A caller holding the token that was
 * just issued (it was rejected, not expired) gets a fresh renewal. Tokens are kept for a minute
 * at most, in this process's memory only, by a hash of the credential's identity.
 */
import { createHash } from 'crypto';

export interface RenewedToken {
	accessToken: string;
	validUntil: number;
}

/** How long a renewal is shared with late callers. */
export const REUSE_WINDOW_MS = 60_000;

const recent = new Map<string, RenewedToken & { obtainedAt: number }>();

export function renewalKey(parts: readonly string[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The token renewed moments ago for this credential, for a caller renewing a token it holds (expired
 * or rejected) that is not that one. A caller with no token at all (a first fetch, a credential
 * test) always gets a fresh one.
 */
export function recentRenewal(
	key: string,
	callerToken: unknown,
	now = Date.now(),
): RenewedToken | undefined {
	if (typeof callerToken !== 'string' || callerToken === '') return undefined;
	const entry = recent.get(key);
	if (entry === undefined) return undefined;
	if (now - entry.obtainedAt > REUSE_WINDOW_MS || now >= entry.validUntil) {
		recent.delete(key);
		return undefined;
	}
	if (entry.accessToken === callerToken) return undefined;
	return { accessToken: entry.accessToken, validUntil: entry.validUntil };
}

export function rememberRenewal(key: string, token: RenewedToken, now = Date.now()): void {
	recent.set(key, { ...token, obtainedAt: now });
}

/** For tests: forget every renewal. */
export function forgetRenewals(): void {
	recent.clear();
}
