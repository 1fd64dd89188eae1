import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	UsableAsToolDescription,
} from 'n8n-workflow';

import * as bulkStampOrder from './actions/bulkStampOrder';
import { router } from './actions/router';
import { MAIN } from '../shared/n8n';
import { STAMP_BRANCHES } from './summary';

export class SurepassStamp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Surepass Stamp',
		name: 'surepassStamp',
		icon: { light: 'file:surepass.svg', dark: 'file:surepass.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ "Get Summary: " + ($parameter["output"] === "perOrder" ? "one item per order" : "one item per stamp") }}',
		description:
			'Check a Surepass bulk e-stamp order and route its stamps to Pending, Available and Failed',
		defaults: { name: 'Surepass Stamp' },
		// As a tool: one output that describes every branch, so the branch names do not apply.
		usableAsTool: {
			replacements: {
				outputNames: undefined,
				subtitle: 'Get Summary: every branch, for the agent',
			} as UsableAsToolDescription['replacements'],
		},
		inputs: [MAIN],
		outputs: STAMP_BRANCHES.map(() => MAIN),
		outputNames: STAMP_BRANCHES.map((branch) => branch.outputName),
		credentials: [{ name: 'surepassApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Bulk Stamp Order', value: 'bulkStampOrder' }],
				default: 'bulkStampOrder',
			},
			...bulkStampOrder.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
