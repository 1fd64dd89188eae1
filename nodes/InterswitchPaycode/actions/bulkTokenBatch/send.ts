/**
 * One request to the Paycode API with the run's access-token renewal: when Interswitch refused the
 * token itself (a 401 without a business code; nothing was done), the run renews it once and the
 * request is sent again (nodes/shared/runner/token-rejections.ts). Both operations send this way.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import type { ItemScope } from '../../../shared/runner/batch';
import type { SendOptions, SendResult } from '../../../shared/transport';
import { sendWithRetry } from '../../../shared/transport';
import { PAYCODE_CREDENTIAL } from '../../api';

export async function sendRenewingOnce<T extends { ok: boolean; tokenRejected?: boolean }>(
	scope: ItemScope,
	request: IHttpRequestOptions,
	interpret: (result: SendResult) => T,
	options: Pick<SendOptions, 'notRepeatable'> = {},
): Promise<T> {
	const { ctx, settings, secrets, credentials, rejections, rate } = scope;
	const send = async (renewCredentialOn401: boolean) =>
		interpret(
			await sendWithRetry(ctx, PAYCODE_CREDENTIAL, request, settings.policy, {
				secrets,
				credentials,
				renewCredentialOn401,
				rate,
				...options,
			}),
		);
	const sentWith = credentials.accessToken;
	const outcome = await send(false);
	if (outcome.ok || outcome.tokenRejected !== true) return outcome;
	return await rejections.retry(credentials, sentWith, outcome, {
		renewAndSend: async () => await send(true),
		resend: async () => await send(false),
		refused: (result) => !result.ok && result.tokenRejected === true,
	});
}
