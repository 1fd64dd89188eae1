import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	UsableAsToolDescription,
} from 'n8n-workflow';

import * as bulkTokenBatch from './actions/bulkTokenBatch';
import { router } from './actions/router';
import { MAIN } from '../shared/n8n';
import { outputsByOperation } from '../shared/outputs';
import { TOKEN_BRANCHES } from './batch';

export class InterswitchPaycode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Interswitch Paycode',
		name: 'interswitchPaycode',
		icon: { light: 'file:paycode.svg', dark: 'file:paycode.dark.svg' },
		group: ['transform'],
		// 1.1: One-Time PINs are masked unless chosen otherwise (1 included them by default).
		// 1.2: batch summary off by default. 1.3: items name the batch referenceId and the count
		// expectedTokenCount, as the parameters do; an error item in Failed says status "error".
		version: [1, 1.1, 1.2, 1.3],
		defaultVersion: 1.3,
		subtitle:
			'={{ $parameter["operation"] === "cancel" ? "Cancel Batch" : "Get Status: " + ($parameter["output"] === "perBatch" ? "one item per batch" : "one item per token") }}',
		description:
			'Check Interswitch Paycode bulk token batches, route their tokens to Pending, Successful and Failed, and cancel a batch',
		defaults: { name: 'Interswitch Paycode' },
		// As a tool: one output that describes every branch, so the branch names do not apply.
		usableAsTool: {
			replacements: {
				outputNames: undefined,
				subtitle: 'Get Status: every branch, for the agent',
			} as UsableAsToolDescription['replacements'],
		},
		inputs: [MAIN],
		// Get Status: Pending, Successful, Failed. Cancel: one output.
		outputs: outputsByOperation(
			{ resource: 'bulkTokenBatch', operation: 'getStatus' },
			TOKEN_BRANCHES.map((branch) => branch.outputName),
		) as INodeTypeDescription['outputs'],
		credentials: [{ name: 'interswitchPaycodeApi', required: true }],
		// One-time PINs are cash-out secrets, declared for n8n's redaction of execution data. That
		// redaction is not active without an n8n licence (npm run test:e2e finds the PINs stored with
		// One-Time PINs "Include"), which is why PINs are masked by default.
		sensitiveOutputFields: ['oneTimePin', 'tokens[*].oneTimePin'],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Bulk Token Batch', value: 'bulkTokenBatch' }],
				default: 'bulkTokenBatch',
			},
			...bulkTokenBatch.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
