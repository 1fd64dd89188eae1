/* eslint-disable @n8n/community-nodes/no-restricted-imports -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * Hostile IDs: each is either sent exactly as given (the emulator records what it received, so no
 * other parameter or path can have been altered) or refused with a clear error. Nothing else.
 */
import { harness, useEmulator } from '../harness/helpers';
import { singleNodeWorkflow } from '../harness/workflows';

const emulator = useEmulator();

const CORPUS = [
	'a&b',
	'a=b',
	'a#b',
	'100%',
	'%2F%00',
	'a?b=c',
	'a/b',
	'../../admin',
	'with space',
	'line\r\nbreak',
	'tab\there',
	`quote'"\``,
	'ñandú-日本語-🙂',
	'x'.repeat(10_000),
	'&frontEndPartner=999',
	'123456&referenceId=999',
	'<script>alert(1)</script>',
	'\u202Eright-to-left',
	'line\u2028separator',
	'para\u2029separator',
	'next\u0085line',
	'zero\u200Bwidth',
	'join\u200Ded',
	'\uFEFFbom-first',
	'soft\u00ADhyphen',
];

/** Line breaks, control and invisible characters (all of Unicode's Cc, Cf, Zl, Zp), and very long values. */
const REFUSED =
	/contains .+ at position \d+: check what is mapped into it|characters long, more than the 256/;
/** Which values must be refused: decided here independently of the node's own check. */
const mustRefuse = (id: string) =>
	id.length > 256 || [...id].some((c) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(c));

describe('hostile IDs', () => {
	test('Surepass Bulk Order ID: sent as the exact client_id in the JSON body, or refused', async () => {
		const ids = CORPUS.map((text) => `bulk_stamp_v2_${text}`);
		const result = await harness.run(
			singleNodeWorkflow({
				type: 'surepassStamp',
				credentialType: 'surepassApi',
				name: 'Node',
				parameters: {
					resource: 'bulkStampOrder',
					operation: 'getSummary',
					bulkOrderId: '={{ $json.id }}',
					output: 'perOrder',
					options: { maxRetries: 0 },
				},
				items: ids.map((id) => ({ id })),
				onError: 'continueRegularOutput',
			}),
			{ credentials: { surepassApi: emulator.surepassCredential() as never } },
		);
		const failed = result.outputs('Node')[2];
		const received = emulator.requestsTo('surepass');
		for (const [index, id] of ids.entries()) {
			const item = failed.find((entry) => (entry.pairedItem as { item: number }).item === index);
			expect(item).toBeDefined();
			const message = String(item!.json.error);
			const sent = received.filter((request) => request.params.client_id === id);
			expect([index, REFUSED.test(message)]).toEqual([index, mustRefuse(id)]);
			if (REFUSED.test(message)) {
				expect(sent).toHaveLength(0);
			} else {
				expect([index, message]).toEqual([
					index,
					`Surepass has no bulk stamp order "${id}" [item ${index}]`,
				]);
				expect(sent).toHaveLength(1);
			}
		}
		for (const request of received) {
			expect(request.path).toBe('/api/v1/stamper-v2/bulk-stamp-order-summary');
			expect(request.query).toEqual({});
			expect(Object.keys(JSON.parse(request.body))).toEqual(['client_id']);
		}
		expect(received.length).toBe(ids.filter((id) => !mustRefuse(id)).length);
	});

	test.each([
		['referenceId', (text: string) => ({ ref: text, partner: '455' })],
		['frontEndPartner', (text: string) => ({ ref: '123456', partner: text })],
	])('Interswitch %s: sent as exactly that query parameter, or refused', async (_name, make) => {
		const items = CORPUS.map(make);
		const result = await harness.run(
			singleNodeWorkflow({
				type: 'interswitchPaycode',
				credentialType: 'interswitchPaycodeApi',
				name: 'Node',
				parameters: {
					resource: 'bulkTokenBatch',
					operation: 'getStatus',
					referenceId: '={{ $json.ref }}',
					frontEndPartnerId: '={{ $json.partner }}',
					output: 'perBatch',
					options: { maxRetries: 0 },
				},
				items,
				onError: 'continueRegularOutput',
			}),
			{ credentials: { interswitchPaycodeApi: emulator.interswitchCredential() as never } },
		);
		const outputs = result.outputs('Node');
		const received = emulator.requestsTo('interswitch');
		for (const request of received) {
			expect(request.path).toBe('/api/v1/pwm/bulk/tokens/comprehensive/status');
			expect(Object.keys(request.query).sort()).toEqual(['frontEndPartner', 'referenceId']);
			expect(request.query.referenceId).toHaveLength(1);
			expect(request.query.frontEndPartner).toHaveLength(1);
		}
		for (const [index, { ref, partner }] of items.entries()) {
			const routed = outputs
				.flat()
				.filter((entry) => (entry.pairedItem as { item: number }).item === index);
			expect(routed.length).toBeGreaterThan(0);
			const error = routed.find((entry) => entry.error)?.json.error;
			const sent = received.filter(
				(request) =>
					request.query.referenceId[0] === ref.trim() &&
					request.query.frontEndPartner[0] === partner.trim(),
			);
			const refused = typeof error === 'string' && REFUSED.test(error);
			expect([index, refused]).toEqual([
				index,
				mustRefuse(ref.trim()) || mustRefuse(partner.trim()),
			]);
			if (refused) {
				expect(sent).toHaveLength(0);
			} else {
				expect([index, sent.length]).toEqual([index, 1]);
			}
		}
	});
});

describe('base URLs', () => {
	async function errorsOf(
		type: 'surepassStamp' | 'interswitchPaycode',
		credential: Record<string, unknown>,
	) {
		const surepass = type === 'surepassStamp';
		const result = await harness.run(
			singleNodeWorkflow({
				type,
				credentialType: surepass ? 'surepassApi' : 'interswitchPaycodeApi',
				name: 'Node',
				parameters: surepass
					? {
							resource: 'bulkStampOrder',
							operation: 'getSummary',
							bulkOrderId: 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL',
							options: { maxRetries: 0 },
						}
					: {
							resource: 'bulkTokenBatch',
							operation: 'getStatus',
							referenceId: '123456',
							options: { maxRetries: 0 },
						},
				items: [{}, {}],
				onError: 'continueRegularOutput',
			}),
			{
				credentials: { [surepass ? 'surepassApi' : 'interswitchPaycodeApi']: credential as never },
			},
		);
		const failed = result.outputs('Node')[2];
		expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		return failed.map((item) => String(item.json.error));
	}

	test.each([
		[
			'Surepass Base URL with a user name and password',
			'surepassStamp',
			() => ({
				...emulator.surepassCredential(),
				baseUrl: emulator.url.replace('http://', 'http://user:pass@'),
			}),
			/^(Order|Batch) "[^"]+": The Base URL must not contain a user name or password/,
		],
		[
			'Surepass Base URL over plain http to another host',
			'surepassStamp',
			() => ({ ...emulator.surepassCredential(), baseUrl: 'http://kyc-api.surepass.app' }),
			/^(Order|Batch) "[^"]+": The Base URL uses plain http:\/\/ to kyc-api\.surepass\.app/,
		],
		[
			'Interswitch Context URL over plain http to another host',
			'interswitchPaycode',
			() => ({
				...emulator.interswitchCredential(),
				contextUrl: 'http://sandbox.interswitchng.com/api/v1',
			}),
			/^(Order|Batch) "[^"]+": The Context URL uses plain http:\/\/ to sandbox\.interswitchng\.com/,
		],
		[
			'Interswitch Context URL with a user name',
			'interswitchPaycode',
			() => ({
				...emulator.interswitchCredential(),
				contextUrl: `${emulator.url.replace('http://', 'http://admin@')}/api/v1`,
			}),
			/^(Order|Batch) "[^"]+": The Context URL must not contain a user name or password/,
		],
		[
			'Passport Token URL over plain http to another host',
			'interswitchPaycode',
			() => ({
				...emulator.interswitchCredential(),
				passportTokenUrl: 'http://sandbox.interswitchng.com/passport/oauth/token',
			}),
			/The Passport Token URL uses plain http:\/\/ to sandbox\.interswitchng\.com/,
		],
	] as const)(
		'%s is refused for every item, before any request',
		async (_name, type, credential, message) => {
			const errors = await errorsOf(type, credential());
			for (const error of errors) expect(error).toMatch(message);
			expect(emulator.stats.requests).toBe(0);
		},
	);

	test('a redirect to another host is not followed: the other host never sees the token', async () => {
		const http = await import('http');
		let reached = 0;
		const other = http.createServer((_req, res) => {
			reached++;
			res.end('{}');
		});
		await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
		const address = other.address() as { port: number };
		try {
			emulator.addFault({
				when: (req) => req.route !== 'passport',
				status: 307,
				headers: {
					location: `http://127.0.0.1:${address.port}/api/v1/pwm/bulk/tokens/comprehensive/status?referenceId=123456&frontEndPartner=455`,
				},
				body: '',
			});
			for (const [type, credential] of [
				['surepassStamp', emulator.surepassCredential()],
				['interswitchPaycode', emulator.interswitchCredential()],
			] as const) {
				const errors = await errorsOf(type, credential);
				for (const error of errors)
					expect(error).toMatch(
						/answered with a redirect \(HTTP 307\), which is not followed \[item \d+\]$/,
					);
			}
			expect(reached).toBe(0);
		} finally {
			await new Promise((resolve) => other.close(resolve));
		}
	});
});
