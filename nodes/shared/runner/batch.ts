/**
 * The skeleton both nodes share around the item runner: the node-wide settings and the credential
 * read once, every problem with them turned into one error item per input item, then the node's
 * per-item code run with what it needs.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	NodeOperationError,
} from 'n8n-workflow';

import type { ChangeSettings } from '../changes';
import { filterChanges, readChangeSettings } from '../changes';
import { operationError } from '../errors';
import type { WaitSettings } from '../poll';
import { readWaitSettings } from '../poll';
import { RunSecrets } from '../secrets';
import type { RequestSettings } from '../settings';
import { readRequestSettings } from '../settings';
import type { BatchOptions, Deferred, Routed } from './items';
import { runItems } from './items';
import type { RateEvent, RateLimiter } from '../transport/rate';
import type { RateSettings } from '../transport/types';
import { requestedText } from '../tool';
import { TokenRejections } from './token-rejections';
import { ParameterWarmer } from './warmer';

/**
 * The node's credential, or why it could not be loaded. A missing or broken credential fails every
 * item the same way; the node raises it per item, so that each input item still ends as exactly
 * one error item when the node continues on failure.
 */
export async function loadCredentials(
	ctx: IExecuteFunctions,
	type: string,
): Promise<
	{ ok: true; credentials: ICredentialDataDecryptedObject } | { ok: false; problem: string }
> {
	return await ctx.getCredentials(type).then(
		(credentials) => ({ ok: true as const, credentials }),
		(error: unknown) => ({
			ok: false as const,
			problem: error instanceof Error ? error.message : String(error),
		}),
	);
}

export interface BatchSpec {
	credentialType: string;
	/** The credential's name in the editor, for messages ("Surepass API"). */
	credentialLabel: string;
	outputCount: number;
	failedOutput: number;
	/**
	 * The per-item parameters the node reads first, with the fallback it reads them with: evaluated
	 * ahead of the items' turns while requests are in flight (see ParameterWarmer).
	 */
	itemParameters?: Array<[name: string, fallback: unknown]>;
	/** The vendor's name in messages and the log ("Surepass"). */
	vendor: string;
	/** The account's rate limiter, from the credential (nodes/shared/transport/rate.ts). */
	rate: (credentials: ICredentialDataDecryptedObject) => RateLimiter;
	/**
	 * What an item is about, named in its error message: "Order" and the parameter that holds the
	 * bulk order ID, say (see BatchOptions.subject).
	 */
	subject: { noun: string; parameter: string };
	/** For an operation that changes something at the vendor (see BatchOptions.effect). */
	effect?: (message: string) => string;
	/** What an error item names under "Continue (regular output)" (see BatchOptions.errorFields). */
	errorFields?: (itemIndex: number) => Record<string, unknown>;
}

/** What a node's per-item code gets. */
export interface ItemScope {
	itemIndex: number;
	/** The execution context for this item (see ItemHandler). */
	ctx: IExecuteFunctions;
	credentials: ICredentialDataDecryptedObject;
	settings: RequestSettings;
	wait: WaitSettings;
	/** "Only Changes Since Last Run": when enabled, return a Deferred result. */
	changes: ChangeSettings;
	secrets: RunSecrets;
	/** An error about this item's input, with the item named in the message. */
	/** The run's one renewal of a refused access token (token-rejections.ts). */
	rejections: TokenRejections;
	/** The account's rate limit for this run's requests. */
	rate: RateSettings | undefined;
	fail: (message: string, description: string) => NodeOperationError;
}

/**
 * The skeleton both nodes share: read the node-wide settings and the credential once, then run
 * `handle` for every input item. A node-wide problem (a setting out of range, a credential that
 * cannot be loaded) fails every item the same way, one error item each.
 */
export async function runBatch(
	ctx: IExecuteFunctions,
	spec: BatchSpec,
	handle: (scope: ItemScope) => Promise<Routed | Deferred>,
): Promise<Routed> {
	const node = ctx.getNode();
	const settings = readRequestSettings(ctx);
	const wait = readWaitSettings(ctx);
	const changes = readChangeSettings(
		ctx,
		ctx.getNodeParameter('options', 0, {}) as Record<string, unknown>,
	);
	const loaded = await loadCredentials(ctx, spec.credentialType);
	const secrets = new RunSecrets();
	if (loaded.ok) secrets.addCredentials(loaded.credentials);
	const setupProblem = !settings.ok
		? {
				problem: settings.problem,
				description:
					'Fix the option in the node: an expression may give a value outside its range.',
			}
		: !wait.ok
			? {
					problem: wait.problem,
					description:
						'Fix the Wait for Completion settings in the node: an expression may give a value outside their range.',
				}
			: !changes.ok
				? {
						problem: changes.problem,
						description:
							'Fix the option in the node: an expression may give a value outside its range.',
					}
				: !loaded.ok
					? {
							problem: loaded.problem,
							description: `Select or fix the ${spec.credentialLabel} credential of this node.`,
						}
					: undefined;
	const itemCount = ctx.getInputData().length;
	const rejections = new TokenRejections();
	const limiter = loaded.ok ? spec.rate(loaded.credentials) : undefined;
	const rate: RateSettings | undefined =
		limiter && settings.ok ? { limiter, maxWaitMs: settings.value.rateLimitWaitMs } : undefined;
	// What the rate limiter does, in n8n's log: each change once, and where the rate settled.
	let rateChanged = false;
	let waitingSaid = false;
	const unsubscribe = limiter?.subscribe((event) => {
		if (event.kind === 'waiting') {
			if (waitingSaid) return;
			waitingSaid = true;
		} else rateChanged = true;
		ctx.logger.info(rateMessage(node.name, spec.vendor, event));
	});
	const warmer = new ParameterWarmer(
		ctx,
		itemCount,
		setupProblem ? [] : (spec.itemParameters ?? []),
	);
	try {
		return await runItems(
			ctx,
			itemCount,
			batchOptions(),
			async (itemIndex, itemCtx) => await runOne(itemIndex, warmer.context(itemIndex, itemCtx)),
		);
	} finally {
		warmer.stop();
		unsubscribe?.();
		if (limiter && rateChanged)
			ctx.logger.info(
				`${node.name}: the ${spec.vendor} account's rate settled at ${perMinuteText(limiter.perMinute)}${limiter.spaced ? ', spaced evenly' : ''}: ${limiter.why}`,
			);
	}

	function batchOptions(): BatchOptions {
		return {
			outputCount: spec.outputCount,
			failedOutput: spec.failedOutput,
			concurrency: settings.ok ? settings.value.concurrency : 1,
			secrets: {
				run: secrets,
				// The credential as it is now: a token renewed during the run is a secret too.
				refresh: async () =>
					secrets.addCredentials(
						await ctx.getCredentials(spec.credentialType).catch(() => undefined),
					),
			},
			errorFields: regularOutput(ctx) ? spec.errorFields : undefined,
			effect: spec.effect,
			subject: (itemIndex) => {
				// Only an ID that reads as one: an empty, long or odd one (a space, a line break, an
				// invisible character) is what the item's own message is about, and is not repeated.
				const id = requestedText(ctx, spec.subject.parameter, itemIndex);
				return id === undefined || id === '' || id.length > 200 || /[\s\p{C}]/u.test(id)
					? undefined
					: { noun: spec.subject.noun, id };
			},
			changes:
				changes.ok && changes.value.enabled
					? async (keys) => await filterChanges(ctx, changes.value, keys)
					: undefined,
		};
	}

	async function runOne(itemIndex: number, itemCtx: IExecuteFunctions): Promise<Routed | Deferred> {
		const fail = (message: string, description: string) =>
			operationError(node, message, { itemIndex, description });
		if (setupProblem || !settings.ok || !wait.ok || !changes.ok || !loaded.ok) {
			throw fail(
				setupProblem?.problem ?? 'The node could not start',
				setupProblem?.description ?? '',
			);
		}
		return await handle({
			itemIndex,
			ctx: itemCtx,
			credentials: loaded.credentials,
			settings: settings.value,
			wait: wait.value,
			changes: changes.value,
			secrets,
			rejections,
			rate,
			fail,
		});
	}
}

/** Whether the node's On Error setting is "Continue (regular output)". */
function regularOutput(ctx: IExecuteFunctions): boolean {
	const node = ctx.getNode();
	return ctx.continueOnFail() && node.onError !== 'continueErrorOutput';
}

/** What the rate limiter does, for n8n's log (info). */
function rateMessage(node: string, vendor: string, event: RateEvent): string {
	const rate = perMinuteText(event.perMinute);
	switch (event.kind) {
		case 'waiting':
			return `${node}: requests wait for the ${vendor} account's rate limit (${rate})`;
		case 'blocked':
			return `${node}: ${vendor} answered 429 (rate limit): ${event.reason}; every request of the account waits; ${event.queued} request(s) waiting`;
		default:
			return `${node}: ${vendor} account at ${rate}: ${event.reason}; ${event.queued} request(s) waiting`;
	}
}

function perMinuteText(perMinute: number): string {
	if (!Number.isFinite(perMinute)) return 'no limit';
	const rounded = perMinute >= 10 ? Math.round(perMinute) : Math.round(perMinute * 10) / 10;
	return `${rounded.toLocaleString('en-US')} requests a minute`;
}
