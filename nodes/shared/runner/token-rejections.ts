/**
 * What a run does when the API refuses an access token that has not expired (revoked, or issued
 * for another environment): one renewal for the whole run, however many items find out at once.
 *
 * The credential is decrypted once per run and n8n renews the token into that one object, so an
 * item whose request went out with the old token may find a newer one there by the time it learns
 * of the refusal. Without this, each such item asked for a renewal of its own (the credential took
 * the newer token for the refused one), and when Passport's tokens were all refused, every item
 * renewed and retried: 50 items made 51 Passport requests and 150 status requests.
 *
 * - One item at a time renews; the others wait for it.
 * - An item whose token was already replaced sends once more with the current one, no renewal.
 * - Once a token fresh from a renewal is refused too, the run knows: every later refusal is final
 *   at once, with no renewal and no further request.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface RejectedTokenRetry<T> {
	/** Send again, letting n8n renew the token first (one renewal). */
	renewAndSend: () => Promise<T>;
	/** Send again with the credential's current token. */
	resend: () => Promise<T>;
	/** Whether an answer says the token was refused. */
	refused: (result: T) => boolean;
}

export class TokenRejections {
	private renewing: Promise<void> | undefined;

	/** Tokens refused although they were fresh from a renewal in this run. */
	private readonly refusedFresh = new Set<string>();

	/** The run's first token, for the items that started before there was one. */
	private firstToken: unknown;

	/** Renewals made in this run. */
	renewals = 0;

	/**
	 * What to do after an item's request with `sentWith` was answered "token refused" (`refusal`).
	 * `credentials` is the run's credential object, which n8n renews in place.
	 */
	async retry<T>(
		credentials: ICredentialDataDecryptedObject,
		sentWith: unknown,
		refusal: T,
		attempt: RejectedTokenRetry<T>,
	): Promise<T> {
		// Items that started before the run had a token all sent the first one it got, which is
		// still the current one when the first refusal arrives (nothing has renewed it yet).
		if (this.renewals === 0) this.firstToken ??= credentials.accessToken;
		const sent = typeof sentWith === 'string' && sentWith !== '' ? sentWith : this.firstToken;
		while (this.renewing !== undefined) await this.renewing;
		const current = credentials.accessToken;
		// The run's token was refused although it was fresh from a renewal: final.
		if (this.refusedFresh.has(String(current))) return refusal;
		// The item's request went out with a token another item has replaced since: try the new one.
		if (current !== sent) {
			const result = await attempt.resend();
			if (attempt.refused(result)) this.refusedFresh.add(String(credentials.accessToken));
			return result;
		}
		let finish = () => {};
		this.renewing = new Promise<void>((resolve) => {
			finish = resolve;
		});
		this.renewals++;
		try {
			const result = await attempt.renewAndSend();
			if (attempt.refused(result)) this.refusedFresh.add(String(credentials.accessToken));
			return result;
		} finally {
			this.renewing = undefined;
			finish();
		}
	}
}
