/**
 * Bulk Token Batch → Cancel: asks Interswitch to cancel every token of one batch
 * (`DELETE {context}/pwm/bulk/tokens`). A cancel changes something at Interswitch, so it is never
 * sent twice on a guess: a retry happens only when the request cannot have arrived (no connection,
 * no access token yet, a 429, a refused token that is renewed once). Items of one run that name
 * the same batch share one request.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ItemScope } from '../../../shared/runner/batch';
import { runBatch } from '../../../shared/runner/batch';
import { toRouted } from '../../../shared/runner/items';
import { toNodeApiError } from '../../../shared/errors';
import { isToolExecution } from '../../../shared/n8n';
import { requestSettingsOptions } from '../../../shared/settings';
import { toolContext } from '../../../shared/tool';
import type { CancelOutcome } from '../../api';
import {
	CANCEL_EFFECT,
	cancelRequest,
	contextUrl,
	interpretCancel,
	PAYCODE_CREDENTIAL,
	paycodeLimiter,
	saysCancelEffect,
} from '../../api';
import { sendRenewingOnce } from './send';
import { checkBatchQuery } from '../../inputs';

const show = { resource: ['bulkTokenBatch'], operation: ['cancel'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Cancelling is final: every token of the batch that has not been used stops working. Items that name the same batch cancel it once.',
		name: 'cancelNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		required: true,
		default: '={{ $json.referenceId ?? $json.batchReference }}',
		placeholder: 'e.g. 123456',
		displayOptions: { show },
		description:
			'The transaction reference used when the bulk tokens were generated. The default takes it from an item of Get Status (referenceId, or batchReference before node version 1.3).',
	},
	{
		displayName: 'Front-End Partner ID',
		name: 'frontEndPartnerId',
		type: 'string',
		default: '={{ $json.frontEndPartnerId ?? "" }}',
		placeholder: 'e.g. 455',
		displayOptions: { show },
		description:
			"The front-end partner ID sent when the tokens were generated. Empty uses the credential's.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: requestSettingsOptions('Interswitch'),
	},
];

const SPEC = {
	credentialType: PAYCODE_CREDENTIAL,
	credentialLabel: 'Interswitch Paycode API',
	outputCount: 1,
	failedOutput: 0,
	itemParameters: [
		['referenceId', ''],
		['frontEndPartnerId', ''],
	] as Array<[string, unknown]>,
	vendor: 'Interswitch',
	rate: paycodeLimiter,
	subject: { noun: 'Batch', parameter: 'referenceId' },
	// Whatever failed before a request was sent (an input, the credential) did nothing at
	// Interswitch; what failed after says what it did (interpretCancel).
	effect: (message: string) =>
		saysCancelEffect(message) ? message : `${message}; ${CANCEL_EFFECT.notSent}`,
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ctx = isToolExecution(this) ? toolContext(this) : this;
	/** One request per batch in this run, whatever the number of items that name it. */
	const sent = new Map<string, Promise<CancelOutcome>>();
	return await runBatch(ctx, SPEC, async (scope) => {
		const { itemIndex, credentials, fail } = scope;
		const base = contextUrl(credentials);
		if (!base.ok) throw fail(base.problem, base.fix);
		const checked = checkBatchQuery({
			referenceId: scope.ctx.getNodeParameter('referenceId', itemIndex, ''),
			frontEndPartnerId: scope.ctx.getNodeParameter('frontEndPartnerId', itemIndex, ''),
			expectedTokenCount: 0,
			credentialPartnerId: credentials.frontEndPartnerId,
			waitForCompletion: false,
		});
		if (!checked.ok) throw fail(checked.problem, checked.description);
		const query = {
			referenceId: checked.value.referenceId,
			frontEndPartnerId: checked.value.frontEndPartnerId,
		};
		const key = JSON.stringify([query.frontEndPartnerId, query.referenceId]);
		let outcome = sent.get(key);
		if (outcome === undefined) {
			outcome = cancelBatch(scope, base.url, query);
			sent.set(key, outcome);
		}
		const done = await outcome;
		if (!done.ok) throw toNodeApiError(scope.ctx.getNode(), done.failure, itemIndex);
		return toRouted([[{ ...done.result }]], itemIndex);
	});
}

/** One cancel request, never repeated once it may have reached Interswitch. */
async function cancelBatch(
	scope: ItemScope,
	baseUrl: string,
	query: { referenceId: string; frontEndPartnerId: string },
): Promise<CancelOutcome> {
	const request = cancelRequest(baseUrl, query.referenceId, query.frontEndPartnerId);
	return await sendRenewingOnce(
		scope,
		request,
		(result) => interpretCancel(result, query, baseUrl),
		{ notRepeatable: true },
	);
}
