/**
 * Bulk Stamp Order → Get Summary: the status of every stamp of one bulk order per input item,
 * routed to Pending, Available and Failed.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Deferred, Routed } from '../../../shared/runner/items';
import { toRouted } from '../../../shared/runner/items';
import type { ItemScope } from '../../../shared/runner/batch';
import { runBatch } from '../../../shared/runner/batch';
import type { ChangeFilter } from '../../../shared/changes';
import { changesOptions, onlyChangesProperty } from '../../../shared/changes';
import { toNodeApiError } from '../../../shared/errors';
import { offFromVersion } from '../../../shared/versions';
import { markTimedOut, pollUntilDone, waitProperties } from '../../../shared/poll';
import { requestSettingsOptions } from '../../../shared/settings';
import { isToolExecution } from '../../../shared/n8n';
import { requestedText, toolContext, toolResult } from '../../../shared/tool';
import { sendWithRetry } from '../../../shared/transport';
import {
	envelopeStatus,
	surepassLimiter,
	interpretSummary,
	SUREPASS_CREDENTIAL,
	summaryRequest,
	surepassBaseUrl,
} from '../../api';
import type { OutputMode, StampRoute } from '../../summary';
import {
	FAILED_OUTPUT,
	isOrderComplete,
	routeSummary,
	STAMP_BRANCHES,
	stampChangeKeys,
} from '../../summary';
import { checkBulkOrderInput } from '../../inputs';

export const description: INodeProperties[] = [
	{
		displayName: 'Bulk Order ID',
		name: 'bulkOrderId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. bulk_stamp_v2_vomMHvHnecrlzTPRtyL',
		displayOptions: { show: { resource: ['bulkStampOrder'], operation: ['getSummary'] } },
		description:
			'The ID Surepass gave the bulk stamp order when it was created (its client_ID, starting with "bulk_stamp_v2_"). Map it from a previous node to check many orders at once: each input item is one order.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		// As a tool the node gives one answer with every branch (nodes/shared/tool.ts).
		displayOptions: {
			show: { resource: ['bulkStampOrder'], operation: ['getSummary'] },
			hide: { '@tool': [true] },
		},
		options: [
			{
				name: 'One Item per Stamp',
				value: 'perStamp',
				description: 'Every stamp is its own item in its branch, with the order ID and its status',
			},
			{
				name: 'One Item per Order',
				value: 'perOrder',
				description: 'Each branch that has stamps gets one item with the list of stamp IDs',
			},
		],
		default: 'perStamp',
		description: 'How the stamps of an order are turned into items',
	},
	...orderTotalsProperties(),
	onlyChangesProperty({ resource: ['bulkStampOrder'], operation: ['getSummary'] }, 'stamp'),
	...waitProperties(
		{ resource: ['bulkStampOrder'], operation: ['getSummary'] },
		'no stamp of the order is pending',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['bulkStampOrder'], operation: ['getSummary'] } },
		options: [...changesOptions(), ...requestSettingsOptions('Surepass')],
	},
];

/** What every item of one run shares. */
interface RunOptions {
	route: StampRoute;
	/** Run as an AI tool: one answer for the agent, and Only Changes does not apply. */
	tool: boolean;
}

const SPEC = {
	credentialType: SUREPASS_CREDENTIAL,
	credentialLabel: 'Surepass API',
	outputCount: STAMP_BRANCHES.length,
	failedOutput: FAILED_OUTPUT,
	itemParameters: [['bulkOrderId', '']] as Array<[string, unknown]>,
	vendor: 'Surepass',
	rate: surepassLimiter,
	subject: { noun: 'Order', parameter: 'bulkOrderId' },
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// As an AI tool, one answer describes every branch (see nodes/shared/tool.ts).
	const tool = isToolExecution(this);
	const mode = tool ? 'perOrder' : (this.getNodeParameter('output', 0, 'perStamp') as OutputMode);
	const orderTotals =
		mode === 'perStamp' &&
		(this.getNodeParameter('orderTotals', 0, this.getNode().typeVersion < 1.1) as boolean);
	const run: RunOptions = { route: { mode, orderTotals }, tool };
	// From 1.2, an error item in Failed (Continue, regular output) says so and names its order.
	const errorFields =
		!tool && this.getNode().typeVersion >= 1.2
			? (itemIndex: number) => ({
					bulkOrderId: requestedText(this, 'bulkOrderId', itemIndex) ?? null,
				})
			: undefined;
	const routed = await runBatch(
		tool ? toolContext(this) : this,
		{ ...SPEC, errorFields },
		async (scope) => await checkOrder(scope, run),
	);
	if (!tool) return routed;
	return toolResult(routed, this.getInputData().length, {
		subject: 'order',
		idField: 'bulkOrderId',
		branches: STAMP_BRANCHES.map((branch) => branch.key),
		listField: 'stampIds',
		branchFields: [],
		subjectFields: ['quantity', 'unlistedCount', 'waitTimedOut'],
		requested: (itemIndex) => requestedText(this, 'bulkOrderId', itemIndex),
	});
}

/** One input item: its order's summary (waited for, with Wait for Completion), then routed. */
async function checkOrder(scope: ItemScope, run: RunOptions): Promise<Routed | Deferred> {
	const { itemIndex, ctx, credentials, settings, wait, changes, secrets, rate, fail } = scope;
	const base = surepassBaseUrl(credentials);
	if (!base.ok) throw fail(base.problem, 'Fix the Base URL in the Surepass API credential.');
	const checked = checkBulkOrderInput(ctx.getNodeParameter('bulkOrderId', itemIndex, ''));
	if (!checked.ok) throw fail(checked.problem, checked.description);
	const bulkOrderId = checked.value;
	const request = summaryRequest(base.url, bulkOrderId);
	const send = { secrets, statusOf: envelopeStatus, credentials, rate };
	const poll = await pollUntilDone(
		ctx,
		wait,
		async () =>
			interpretSummary(
				await sendWithRetry(ctx, SUREPASS_CREDENTIAL, request, settings.policy, send),
				bulkOrderId,
				base.url,
			),
		(outcome) => !outcome.ok || isOrderComplete(outcome.summary),
	);
	const outcome = poll.result;
	if (!outcome.ok) throw toNodeApiError(ctx.getNode(), outcome.failure, itemIndex);
	const route = (filter?: ChangeFilter) => {
		const outputs = routeSummary(outcome.summary, run.route, filter);
		if (poll.timedOut) markTimedOut(outputs[0], poll, wait);
		return toRouted(outputs, itemIndex);
	};
	// Only Changes Since Last Run: routed once every order is checked (nodes/shared/changes.ts).
	return changes.enabled && !run.tool
		? { changeKeys: stampChangeKeys(outcome.summary), route }
		: route();
}

/**
 * "Include Order Totals": whether each stamp's item also carries the order's quantity and counts per
 * branch. Version 1 always added them; from 1.1 they are off by default (see StampRoute in
 * summary.ts). A workflow saved with version 1 keeps its behaviour.
 */
function orderTotalsProperties(): INodeProperties[] {
	return offFromVersion(
		{
			displayName: 'Include Order Totals',
			name: 'orderTotals',
			description:
				"Whether each stamp's item also carries the order's quantity, pendingCount, availableCount and failedCount. Off keeps big orders light in n8n's execution history; One Item per Order always has them.",
		},
		{ resource: ['bulkStampOrder'], operation: ['getSummary'], output: ['perStamp'] },
		1.1,
	);
}
