import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { InterswitchPaycodeApi } from '../../credentials/InterswitchPaycodeApi.credentials';
import { harness, itemsOf, useEmulator } from '../harness/helpers';
import { batchStatusWorkflow } from '../harness/workflows';

const emulator = useEmulator();
const type = new InterswitchPaycodeApi();

/** A stored credential as n8n hands it to the credential type: defaults filled, hidden fields out. */
function asN8nLoadsIt(stored: Record<string, unknown>): ICredentialDataDecryptedObject {
	return NodeHelpers.getNodeParameters(
		type.properties,
		stored as never,
		true,
		false,
		null,
		null,
	) as ICredentialDataDecryptedObject;
}

/** Runs preAuthentication with an HTTP client that records where it was sent and gives a token. */
async function tokenRequestOf(stored: Record<string, unknown>): Promise<string[]> {
	const urls: string[] = [];
	const helper = {
		helpers: {
			httpRequest: async (options: { url: string }) => {
				urls.push(options.url);
				return {
					statusCode: 200,
					headers: {},
					body: JSON.stringify({ access_token: 'a-token', expires_in: 3599 }),
				};
			},
		},
	} as unknown as IHttpRequestHelper;
	await type.preAuthentication.call(helper, asN8nLoadsIt(stored));
	return urls;
}

/** What an earlier version of this package saved: no Environment field. */
function savedBeforeEnvironment(passportTokenUrl?: string): Record<string, unknown> {
	const saved: Record<string, unknown> = { ...emulator.interswitchCredential() };
	delete saved.environment;
	delete saved.passportTokenUrl;
	return passportTokenUrl === undefined ? saved : { ...saved, passportTokenUrl };
}

async function statusRun(
	credential: Record<string, unknown>,
	references: string[],
	onError: 'continueErrorOutput' | 'stopWorkflow' = 'continueErrorOutput',
) {
	const workflow = batchStatusWorkflow(
		references.map((referenceId) => ({ referenceId })),
		{},
		onError,
	);
	const result = await harness.run(workflow, {
		credentials: { interswitchPaycodeApi: credential as never },
	});
	return { branches: itemsOf(result.outputs('Interswitch Paycode')), error: result.error };
}

describe('Environment: where access tokens come from', () => {
	test('Sandbox and Production get tokens from their Passport, whatever Passport Token URL was left behind', async () => {
		const leftBehind = 'https://passport.example.com/passport/oauth/token';
		await expect(
			tokenRequestOf({
				...emulator.interswitchCredential(),
				environment: 'sandbox',
				passportTokenUrl: leftBehind,
			}),
		).resolves.toEqual(['https://sandbox.interswitchng.com/passport/oauth/token']);
		await expect(
			tokenRequestOf({
				...emulator.interswitchCredential(),
				environment: 'production',
				passportTokenUrl: leftBehind,
			}),
		).resolves.toEqual(['https://passport.interswitchng.com/passport/oauth/token']);
		await expect(
			tokenRequestOf({
				...emulator.interswitchCredential(),
				environment: 'custom',
				passportTokenUrl: leftBehind,
			}),
		).resolves.toEqual([leftBehind]);
	});

	test('a credential saved before the Environment choice keeps the Passport it was saved with', async () => {
		const production = 'https://passport.interswitchng.com/passport/oauth/token';
		expect(asN8nLoadsIt(savedBeforeEnvironment(production)).environment).toBe('custom');
		await expect(tokenRequestOf(savedBeforeEnvironment(production))).resolves.toEqual([production]);
		// Saved without a Passport Token URL (the field's default then): still the sandbox Passport.
		await expect(tokenRequestOf(savedBeforeEnvironment())).resolves.toEqual([
			'https://sandbox.interswitchng.com/passport/oauth/token',
		]);
	});

	test('a credential saved before the Environment choice still runs against its own Passport', async () => {
		const credential = savedBeforeEnvironment(emulator.interswitchCredential().passportTokenUrl);
		expect(credential).not.toHaveProperty('environment');
		const { branches } = await statusRun(credential, ['123456']);
		expect(branches.map((branch) => branch.length)).toEqual([0, 10, 0, 0]);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
	});
});

describe('Environment: a Context URL and a Passport of two environments', () => {
	const sandboxContext = 'https://sandbox.interswitchng.com/api/v1';
	const productionContext = 'https://saturn.interswitchng.com/api/v1';

	test.each([
		[
			'Sandbox with a production Context URL',
			{ environment: 'sandbox', contextUrl: productionContext },
			/The Context URL is Interswitch production \(saturn\.interswitchng\.com\), but the access tokens would come from the sandbox Passport \(sandbox\.interswitchng\.com\)/,
			/choose Environment: Production, or correct the Context URL\.$/,
		],
		[
			'Production with the sandbox Context URL',
			{ environment: 'production', contextUrl: sandboxContext },
			/The Context URL is Interswitch sandbox \(sandbox\.interswitchng\.com\), but the access tokens would come from the production Passport \(passport\.interswitchng\.com\)/,
			/choose Environment: Sandbox, or correct the Context URL\.$/,
		],
		[
			'Custom with a production Context URL and the default (sandbox) Passport',
			{
				environment: 'custom',
				contextUrl: productionContext,
				passportTokenUrl: 'https://sandbox.interswitchng.com/passport/oauth/token',
			},
			/The Context URL is Interswitch production/,
			/correct the Passport Token URL or the Context URL, or choose Environment: Production\.$/,
		],
		[
			'Custom with the QA Context URL and the production Passport',
			{
				environment: 'custom',
				contextUrl: 'https://qa.interswitchng.com/api/v1',
				passportTokenUrl: 'https://passport.interswitchng.com/passport/oauth/token',
			},
			/The Context URL is Interswitch QA \(qa\.interswitchng\.com\)/,
			/choose Environment: Custom and enter the QA Passport Token URL Interswitch gave you\.$/,
		],
	])(
		'%s: every item fails at once with what to change, and nothing is sent',
		async (_name, fields, problem, fix) => {
			const credential = { ...emulator.interswitchCredential(), ...fields };
			const tested = await harness.testCredential('interswitchPaycodeApi', credential);
			expect(tested.status).toBe('Error');
			expect(tested.message).toMatch(problem);
			expect(tested.message).toMatch(fix);

			const { branches } = await statusRun(credential, ['123456', 'BATCH-WITH-FAILURES']);
			expect(branches.map((branch) => branch.length)).toEqual([0, 0, 0, 2]);
			for (const [index, item] of branches[3].entries()) {
				expect(item.json.error).toMatch(problem);
				expect(item.pairedItem).toEqual({ item: index });
			}
			const stopped = await statusRun(credential, ['123456'], 'stopWorkflow');
			expect(stopped.error).toMatchObject({
				message: expect.stringMatching(problem),
				description: expect.stringMatching(fix),
			});
			expect(emulator.log).toHaveLength(0);
		},
	);

	test('an address whose environment is not known is never called a mix', async () => {
		// The emulator's own address with each Passport: only the Passport request can fail.
		for (const environment of ['sandbox', 'production']) {
			const tokenUrls = await tokenRequestOf({
				...emulator.interswitchCredential(),
				environment,
			});
			expect(tokenUrls).toHaveLength(1);
		}
		await expect(
			tokenRequestOf({
				...emulator.interswitchCredential(),
				environment: 'custom',
				contextUrl: 'https://saturn.interswitchng.com/api/v1',
				passportTokenUrl: 'https://passport.k8.isw.la/passport/oauth/token',
			}),
		).resolves.toEqual(['https://passport.k8.isw.la/passport/oauth/token']);
	});
});
