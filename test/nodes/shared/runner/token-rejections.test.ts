import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { TokenRejections } from '../../../../nodes/shared/runner/token-rejections';

type Answer = 'ok' | 'refused';

/** A vendor that refuses the tokens in `bad`, and a credential n8n renews in place. */
function world(bad: Set<string>) {
	const credentials: ICredentialDataDecryptedObject = { accessToken: 'T0' };
	let issued = 0;
	const log: string[] = [];
	const send = async (): Promise<Answer> => {
		await Promise.resolve();
		const token = String(credentials.accessToken);
		log.push(`send ${token}`);
		return bad.has(token) ? 'refused' : 'ok';
	};
	const attempt = {
		renewAndSend: async () => {
			// As n8n does: the request with the old token throws 401, preAuthentication renews, resend.
			log.push(`send ${String(credentials.accessToken)}`);
			credentials.accessToken = `T${++issued}`;
			log.push(`renew -> ${String(credentials.accessToken)}`);
			return await send();
		},
		resend: send,
		refused: (answer: Answer) => answer === 'refused',
	};
	return { credentials, attempt, log };
}

describe('TokenRejections: one renewal per run', () => {
	test('many items refused at once: one renews, the others send once more with the new token', async () => {
		const { credentials, attempt, log } = world(new Set(['T0']));
		const rejections = new TokenRejections();
		const results = await Promise.all(
			Array.from({ length: 5 }, () =>
				rejections.retry(credentials, 'T0', 'refused' as Answer, attempt),
			),
		);
		expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
		expect(rejections.renewals).toBe(1);
		expect(log.filter((line) => line.startsWith('renew'))).toEqual(['renew -> T1']);
	});

	test('a token fresh from the renewal refused too: every later refusal is final, with no request', async () => {
		const { credentials, attempt, log } = world(new Set(['T0', 'T1', 'T2']));
		const rejections = new TokenRejections();
		expect(await rejections.retry(credentials, 'T0', 'refused' as Answer, attempt)).toBe('refused');
		const before = log.length;
		const later = await Promise.all(
			Array.from({ length: 3 }, () =>
				rejections.retry(credentials, 'T1', 'refused' as Answer, attempt),
			),
		);
		expect(later).toEqual(['refused', 'refused', 'refused']);
		expect(log.length).toBe(before);
		expect(rejections.renewals).toBe(1);
	});

	test('an item that started before the run had a token is taken to have sent the first one', async () => {
		const { credentials, attempt } = world(new Set(['T0']));
		const rejections = new TokenRejections();
		// The first refusal renews; an item that started with no token (sent T0) then just resends.
		expect(await rejections.retry(credentials, '', 'refused' as Answer, attempt)).toBe('ok');
		expect(await rejections.retry(credentials, '', 'refused' as Answer, attempt)).toBe('ok');
		expect(rejections.renewals).toBe(1);
	});
});
