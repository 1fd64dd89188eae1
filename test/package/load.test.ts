/* eslint-disable @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * Load: 10,000 input items per run against the emulator, with 2% of the items hitting a transient
 * fault (503, 429 or a connection reset) on their first request, at the default concurrency and at
 * 20. Every item must be accounted for once: zero lost, zero duplicated, and never more requests in
 * flight than the limit. The load table in docs/RELIABILITY.md is generated from these results.
 *
 * Nothing here depends on how fast the machine is: each run has its own emulator, the timeout is a
 * safety net far above the normal time (about 30 s a run on a quiet 2-core machine), and that the
 * limit is actually reached is proven by the emulator holding the first requests until the limit
 * is in flight (`gather`), not by hoping that a busy machine overlaps them.
 */
import { harness, withOwnEmulator } from '../harness/helpers';
import { singleNodeWorkflow } from '../harness/workflows';
import { reportSection } from '../harness/report';

type Emulator = Parameters<Parameters<typeof withOwnEmulator>[0]>[0];

const ITEMS = 10_000;
const SAFETY_NET_MS = 20 * 60_000;

/** Deterministic choice of the faulty 2%: the same items and faults on every run. */
function faultFor(id: string): '503' | '429' | 'reset' | undefined {
	let hash = 0;
	for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
	if (hash % 50 !== 0) return undefined;
	return (['503', '429', 'reset'] as const)[Math.floor(hash / 50) % 3];
}

const NODES = {
	'Surepass Stamp': {
		type: 'surepassStamp',
		credentialType: 'surepassApi',
		route: 'surepass',
		// The first request is not special: every item's request can be held at the gate.
		firstAlone: 0,
		id: (n: number) => `bulk_stamp_v2_load_${n}`,
		// Read from the body: faults are chosen before the route has parsed it into params.
		idOf: (req: { body: string }) =>
			String((JSON.parse(req.body) as { client_id?: unknown }).client_id),
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId: '={{ $json.id }}',
			output: 'perStamp',
		},
		credential: (emulator: Emulator) => emulator.surepassCredential(),
		key: (json: Record<string, unknown>) => String(json.stampId),
		expectedKey: (n: number) => `stamp_v2_load_${n}`,
	},
	'Interswitch Paycode': {
		type: 'interswitchPaycode',
		credentialType: 'interswitchPaycodeApi',
		route: 'interswitch',
		// Item 0 runs alone (it fetches the access token for all), so the gate lets it through.
		firstAlone: 1,
		id: (n: number) => `LOAD-${n}`,
		idOf: (req: { query: Record<string, string[]> }) => String(req.query.referenceId?.[0]),
		parameters: {
			resource: 'bulkTokenBatch',
			operation: 'getStatus',
			referenceId: '={{ $json.id }}',
			output: 'perToken',
			oneTimePins: 'omit',
		},
		credential: (emulator: Emulator) => emulator.interswitchCredential(),
		key: (json: Record<string, unknown>) => String(json.beneficiaryNumber),
		expectedKey: (n: number) => `0900${n}`,
	},
};

const rows: string[] = [];

afterEach(async () => {
	await harness.cancelRunning();
});

describe.each(Object.entries(NODES))('%s under load', (label, node) => {
	test.each([
		['default (5)', undefined],
		['20', 20],
	])(
		'10,000 items, 2%% transient faults, concurrency %s',
		async (concurrencyLabel, concurrency) =>
			withOwnEmulator(async (emulator) => {
				emulator.latencyMs = 2;
				const limit = concurrency ?? 5;
				const gate = emulator.gather(limit, {
					route: node.route,
					skip: node.firstAlone,
					fallbackMs: 60_000,
				});
				const attempts = new Map<string, number>();
				emulator.beforeRoute = (req) => {
					if (req.route === 'passport') return;
					const id = node.idOf(req as never);
					attempts.set(id, (attempts.get(id) ?? 0) + 1);
				};
				const firstTry =
					(kind: string) => (req: { body: string; query: Record<string, string[]> }) => {
						const id = node.idOf(req as never);
						return attempts.get(id) === 1 && faultFor(id) === kind;
					};
				emulator.addFault({ route: node.route, when: firstTry('503'), status: 503, body: '' });
				emulator.addFault({
					route: node.route,
					when: firstTry('429'),
					status: 429,
					headers: { 'retry-after': '0' },
					body: '',
				});
				emulator.addFault({ route: node.route, when: firstTry('reset'), action: 'reset' });

				const items = Array.from({ length: ITEMS }, (_, n) => ({ id: node.id(n) }));
				const injected = items.filter(({ id }) => faultFor(id) !== undefined).length;
				const options: Record<string, unknown> = { retryDelayMs: 1 };
				if (concurrency !== undefined) options.maxConcurrency = concurrency;
				const started = Date.now();
				const result = await harness.run(
					singleNodeWorkflow({
						type: node.type,
						credentialType: node.credentialType,
						name: 'Node',
						parameters: { ...node.parameters, options },
						items,
						onError: 'continueRegularOutput',
					}),
					{ credentials: { [node.credentialType]: node.credential(emulator) as never } },
				);
				const seconds = (Date.now() - started) / 1000;
				expect(result.error).toBeUndefined();

				const outputs = result.outputs('Node');
				const routed = outputs.flat();
				const errors = routed.filter((item) => item.error !== undefined);
				const seen = new Map<number, number>();
				let wrongKey = 0;
				for (const item of routed) {
					const index = (item.pairedItem as { item: number }).item;
					seen.set(index, (seen.get(index) ?? 0) + 1);
					if (
						!item.error &&
						node.key(item.json as Record<string, unknown>) !== node.expectedKey(index)
					)
						wrongKey++;
				}
				const lost = items.filter((_, index) => !seen.has(index)).length;
				const duplicated = [...seen.values()].filter((count) => count > 1).length;
				const requests = emulator.stats.byRoute[node.route] ?? 0;

				expect(injected).toBeGreaterThan(ITEMS * 0.015);
				expect(injected).toBeLessThan(ITEMS * 0.025);
				expect(errors).toHaveLength(0);
				expect(wrongKey).toBe(0);
				expect(lost).toBe(0);
				expect(duplicated).toBe(0);
				expect(routed).toHaveLength(ITEMS);
				expect(outputs[1]).toHaveLength(ITEMS);
				// One request per item, plus exactly one retry per injected fault.
				expect(requests).toBe(ITEMS + injected);
				// The limit is never exceeded, and it is reached: `limit` requests were held together.
				expect(emulator.stats.maxInFlight).toBeLessThanOrEqual(limit);
				expect(gate.gathered).toBe(true);

				process.stdout.write(
					`${label}, concurrency ${concurrencyLabel}: ${ITEMS} items in ${seconds.toFixed(1)} s\n`,
				);
				rows.push(
					`| ${label} | ${concurrencyLabel} | ${ITEMS.toLocaleString('en-US')} | ${injected} | ${requests.toLocaleString('en-US')} | ${requests - ITEMS} | ${limit} | ${emulator.stats.maxInFlight} | ${routed.length.toLocaleString('en-US')} | ${errors.length} | ${lost} | ${duplicated} |`,
				);
			}),
		SAFETY_NET_MS,
	);
});

afterAll(() => {
	if (rows.length < 4) return;
	reportSection(
		'load-report',
		`Generated by \`test/package/load.test.ts\`: ${ITEMS.toLocaleString('en-US')} input items per run, each its own order or batch, through n8n's engine against the emulator (2 ms added to every answer); 2% of the items get a 503, a 429 (Retry-After: 0) or a connection reset on their first request. *Reached* means the emulator held the first requests until that many were in flight at once.\n\n| Node | Max Concurrent Requests | Items | Items with a fault | Requests | Retries | In flight at once: reached | Most in flight (emulator) | Items routed | Error items | Lost | Duplicated |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}`,
	);
});
