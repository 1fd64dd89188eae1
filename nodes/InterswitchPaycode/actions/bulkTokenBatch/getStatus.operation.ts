/**
 * Bulk Token Batch → Get Status: every token of one bulk Paycode batch per input item, routed to
 * Pending, Successful and Failed.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Deferred, Routed } from '../../../shared/runner/items';
import { toRouted } from '../../../shared/runner/items';
import type { ItemScope } from '../../../shared/runner/batch';
import { runBatch } from '../../../shared/runner/batch';
import type { ChangeFilter } from '../../../shared/changes';
import { changesOptions, onlyChangesProperty, stateKey } from '../../../shared/changes';
import { toNodeApiError } from '../../../shared/errors';
import { offFromVersion } from '../../../shared/versions';
import { markTimedOut, pollUntilDone, waitProperties } from '../../../shared/poll';
import { requestSettingsOptions } from '../../../shared/settings';
import { isToolExecution } from '../../../shared/n8n';
import { requestedText, toolContext, toolResult } from '../../../shared/tool';
import {
	contextUrl,
	interpretStatus,
	PAYCODE_CREDENTIAL,
	paycodeLimiter,
	statusRequest,
} from '../../api';
import type { OutputMode, PinMode, RouteOptions } from '../../batch';
import { checkBatchQuery } from '../../inputs';
import { sendRenewingOnce } from './send';
import {
	batchChangeKeys,
	FAILED_OUTPUT,
	PENDING_OUTPUT,
	pendingItem,
	routeBatch,
	TOKEN_BRANCHES,
	withParameterNames,
} from '../../batch';

export const description: INodeProperties[] = [
	{
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 123456',
		displayOptions: { show: { resource: ['bulkTokenBatch'], operation: ['getStatus'] } },
		description:
			'The transaction reference used when the bulk tokens were generated. Map it from a previous node to check many batches at once: each input item is one batch.',
	},
	{
		displayName: 'Front-End Partner ID',
		name: 'frontEndPartnerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 455',
		displayOptions: { show: { resource: ['bulkTokenBatch'], operation: ['getStatus'] } },
		description:
			"The front-end partner ID sent when the tokens were generated. Leave empty to use the credential's.",
	},
	{
		displayName: 'Expected Token Count',
		name: 'expectedTokenCount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
		displayOptions: { show: { resource: ['bulkTokenBatch'], operation: ['getStatus'] } },
		description:
			'How many tokens were submitted for the batch. When set, tokens not generated yet are reported in Pending. Leave 0 if unknown.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		// As a tool the node gives one answer with every branch (nodes/shared/tool.ts).
		displayOptions: {
			show: { resource: ['bulkTokenBatch'], operation: ['getStatus'] },
			hide: { '@tool': [true] },
		},
		options: [
			{
				name: 'One Item per Token',
				value: 'perToken',
				description:
					'Every token is its own item, with the batch reference, beneficiary and amount',
			},
			{
				name: 'One Item per Batch',
				value: 'perBatch',
				description: 'Each branch that has tokens gets one item with the list of tokens',
			},
		],
		default: 'perToken',
		description: 'How the tokens of a batch are turned into items',
	},
	...oneTimePinProperties(),
	...batchSummaryProperties(),
	onlyChangesProperty({ resource: ['bulkTokenBatch'], operation: ['getStatus'] }, 'token'),
	...waitProperties(
		{ resource: ['bulkTokenBatch'], operation: ['getStatus'] },
		'every expected token is generated (needs Expected Token Count)',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['bulkTokenBatch'], operation: ['getStatus'] } },
		options: [
			{
				displayName: 'Treat "No Record of Batch" as Pending',
				name: 'noRecordAsPending',
				type: 'boolean',
				default: false,
				description:
					'Whether Interswitch\'s "no record of batch" (10904) for a batch submitted moments ago goes to Pending instead of being an error',
			},
			{
				displayName: 'Give One-Time PINs to an AI Agent',
				name: 'pinsForAgents',
				type: 'boolean',
				default: false,
				description:
					'Whether the PINs go to the model when an AI Agent or an MCP client uses this node as a tool. Off: the tool answer never contains a PIN, whatever One-Time PINs says. A PIN given to a model is sent to its provider and may be repeated in its answers.',
			},
			...changesOptions(),
			...requestSettingsOptions('Interswitch'),
		],
	},
];

/** What every item of one run shares. */
interface RunOptions {
	mode: OutputMode;
	pins: PinMode;
	batchSummary: boolean;
	noRecordAsPending: boolean;
	/** Run as an AI tool: one answer for the agent, and Only Changes does not apply. */
	tool: boolean;
	/** From 1.3: items say referenceId and expectedTokenCount, as the parameters do. */
	currentNames: boolean;
}

const SPEC = {
	credentialType: PAYCODE_CREDENTIAL,
	credentialLabel: 'Interswitch Paycode API',
	outputCount: TOKEN_BRANCHES.length,
	failedOutput: FAILED_OUTPUT,
	itemParameters: [
		['referenceId', ''],
		['frontEndPartnerId', ''],
		['expectedTokenCount', 0],
	] as Array<[string, unknown]>,
	vendor: 'Interswitch',
	rate: paycodeLimiter,
	subject: { noun: 'Batch', parameter: 'referenceId' },
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const run = readRunOptions(this);
	// From 1.3, an error item in Failed (Continue, regular output) says so and names its batch.
	const errorFields =
		!run.tool && run.currentNames
			? (itemIndex: number) => ({
					referenceId: requestedText(this, 'referenceId', itemIndex) ?? null,
				})
			: undefined;
	const routed = await runBatch(
		run.tool ? toolContext(this) : this,
		{ ...SPEC, errorFields },
		async (scope) => await checkBatch(scope, run),
	);
	if (!run.tool) return routed;
	return toolResult(routed, this.getInputData().length, {
		subject: 'batch',
		idField: run.currentNames ? 'referenceId' : 'batchReference',
		branches: TOKEN_BRANCHES.map((branch) => branch.key),
		listField: 'tokens',
		branchFields: ['totalAmountNaira', 'totalAmountKobo', 'currency'],
		subjectFields: [
			'frontEndPartnerId',
			run.currentNames ? 'expectedTokenCount' : 'expectedCount',
			'generatedCount',
			'outstandingCount',
			'waitTimedOut',
		],
		// Pending lists no tokens: it stands for those not generated yet.
		count: (json) =>
			json.status === 'pending' ? ((json.outstandingCount as number | null) ?? 0) : undefined,
		requested: (itemIndex) => requestedText(this, 'referenceId', itemIndex),
	});
}

function readRunOptions(ctx: IExecuteFunctions): RunOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as {
		noRecordAsPending?: boolean;
		pinsForAgents?: boolean;
	};
	// As an AI tool, one answer describes every branch (see nodes/shared/tool.ts), and no PIN
	// goes to a model unless the option says so, whatever One-Time PINs says.
	const tool = isToolExecution(ctx);
	const mode = tool ? 'perBatch' : (ctx.getNodeParameter('output', 0, 'perToken') as OutputMode);
	const pins: PinMode = tool
		? options.pinsForAgents === true
			? 'include'
			: 'omit'
		: (ctx.getNodeParameter('oneTimePins', 0, 'mask') as PinMode);
	const batchSummary =
		mode === 'perBatch' ||
		(ctx.getNodeParameter('batchSummary', 0, ctx.getNode().typeVersion < 1.2) as boolean);
	return {
		mode,
		pins,
		batchSummary,
		noRecordAsPending: options.noRecordAsPending === true,
		tool,
		currentNames: ctx.getNode().typeVersion >= 1.3,
	};
}

/** One input item: its batch checked (and waited for, with Wait for Completion), then routed. */
async function checkBatch(scope: ItemScope, run: RunOptions): Promise<Routed | Deferred> {
	const { itemIndex, ctx, credentials, wait, changes, fail } = scope;
	const base = contextUrl(credentials);
	if (!base.ok) throw fail(base.problem, base.fix);
	const checked = checkBatchQuery({
		referenceId: ctx.getNodeParameter('referenceId', itemIndex, ''),
		frontEndPartnerId: ctx.getNodeParameter('frontEndPartnerId', itemIndex, ''),
		expectedTokenCount: ctx.getNodeParameter('expectedTokenCount', itemIndex, 0),
		credentialPartnerId: credentials.frontEndPartnerId,
		waitForCompletion: wait.enabled,
	});
	if (!checked.ok) throw fail(checked.problem, checked.description);
	const { referenceId, frontEndPartnerId, expectedCount } = checked.value;
	const route: RouteOptions = {
		mode: run.mode,
		pins: run.pins,
		frontEndPartnerId,
		expectedCount,
		batchSummary: run.batchSummary,
	};
	const query = { referenceId, frontEndPartnerId };
	const poll = await pollUntilDone(
		ctx,
		wait,
		async () => await queryStatus(scope, base.url, query),
		(outcome) =>
			outcome.ok
				? outcome.batch.successful.length + outcome.batch.failed.length >= (expectedCount ?? 0)
				: !(outcome.noRecord && run.noRecordAsPending),
	);
	const outcome = poll.result;
	if (!outcome.ok && !(outcome.noRecord && run.noRecordAsPending))
		throw toNodeApiError(ctx.getNode(), outcome.failure, itemIndex);
	const noRecordKey = stateKey('token', frontEndPartnerId, referenceId, 'no record');
	const routeAll = (filter?: ChangeFilter) => {
		let outputs: Array<Array<Record<string, unknown>>>;
		if (outcome.ok) {
			outputs = routeBatch(outcome.batch, route, filter);
		} else {
			const note = 'Interswitch has no record of this batch yet (10904); check again later';
			const warnings = filter?.notice ? [filter.notice] : undefined;
			const kept = !filter || filter.keep(noRecordKey);
			outputs = [
				kept ? [pendingItem(referenceId, route, 0, undefined, warnings, note)] : [],
				[],
				[],
			];
		}
		if (poll.timedOut) markTimedOut(outputs[PENDING_OUTPUT], poll, wait);
		return toRouted(run.currentNames ? withParameterNames(outputs) : outputs, itemIndex);
	};
	if (!changes.enabled || run.tool) return routeAll();
	// Only Changes Since Last Run: routed once every batch is checked (nodes/shared/changes.ts).
	return {
		changeKeys: outcome.ok ? batchChangeKeys(outcome.batch, route) : [noRecordKey],
		route: routeAll,
	};
}

/**
 * One status request; a token Interswitch refused though it had not expired (revoked, or issued
 * for another environment) is renewed once per run (./send.ts).
 */
async function queryStatus(
	scope: ItemScope,
	baseUrl: string,
	query: { referenceId: string; frontEndPartnerId: string },
) {
	const request = statusRequest(baseUrl, query.referenceId, query.frontEndPartnerId);
	return await sendRenewingOnce(scope, request, (result) =>
		interpretStatus(result, query, baseUrl),
	);
}

/**
 * The One-Time PINs option. Version 1 included the PINs by default; from 1.1 they are masked unless
 * the user chooses otherwise, because n8n saves node output in its execution history and does not
 * redact it on every instance. A workflow saved with version 1 keeps its behaviour.
 */
function oneTimePinProperties(): INodeProperties[] {
	const show = { resource: ['bulkTokenBatch'], operation: ['getStatus'] };
	const option = (
		defaultValue: PinMode,
		version: { _cnd: { lt: number } } | { _cnd: { gte: number } },
	): INodeProperties => ({
		displayName: 'One-Time PINs',
		name: 'oneTimePins',
		type: 'options',
		// As a tool, PINs follow the option "Give One-Time PINs to an AI Agent" instead.
		displayOptions: { show: { ...show, '@version': [version] }, hide: { '@tool': [true] } },
		options: [
			{
				name: 'Include',
				value: 'include',
				description:
					'Pass each PIN on, e.g. to text it to the beneficiary. The PINs are then saved wherever n8n saves this run.',
			},
			{ name: 'Mask', value: 'mask', description: 'Replace each PIN with ****' },
			{ name: 'Omit', value: 'omit', description: 'Leave the PIN field out' },
		],
		default: defaultValue,
		description:
			'A one-time PIN lets anyone with the beneficiary number take the cash out. Include it only if a next node needs it.',
	});
	return [
		option('include', { _cnd: { lt: 1.1 } }),
		option('mask', { _cnd: { gte: 1.1 } }),
		{
			displayName:
				'The PINs will be stored in clear text in this workflow\'s execution history: n8n saves every node\'s output in its database and shows it under Executions. To keep them out, set the workflow\'s Settings "Save successful production executions" and "Save manual executions" to "Do not save", or set EXECUTIONS_DATA_SAVE_ON_SUCCESS=none and EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS=false on the n8n instance.',
			name: 'pinStorageNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { ...show, oneTimePins: ['include'] }, hide: { '@tool': [true] } },
		},
	];
}

/**
 * "Include Batch Summary": whether each token's item also carries the batch's summary. Versions 1
 * and 1.1 always added it; from 1.2 it is off by default (see RouteOptions in ../../batch.ts). A workflow
 * saved with an earlier version keeps its behaviour.
 */
function batchSummaryProperties(): INodeProperties[] {
	return offFromVersion(
		{
			displayName: 'Include Batch Summary',
			name: 'batchSummary',
			description:
				"Whether each token's item also carries the batch's summary (counts and totals of both lists). Off keeps big batches light in n8n's execution history; One Item per Batch and Pending always have it.",
		},
		{ resource: ['bulkTokenBatch'], operation: ['getStatus'], output: ['perToken'] },
		1.2,
	);
}
