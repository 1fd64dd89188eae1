import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	UsableAsToolDescription,
} from 'n8n-workflow';

import * as bulkStampOrder from './actions/bulkStampOrder';
import * as stamp from './actions/stamp';
import { router } from './actions/router';
import { MAIN } from '../shared/n8n';
import { outputsByOperation } from '../shared/outputs';
import { STAMP_BRANCHES } from './summary';

export class SurepassStamp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Surepass Stamp',
		name: 'surepassStamp',
		icon: { light: 'file:surepass.svg', dark: 'file:surepass.dark.svg' },
		group: ['transform'],
		// 1.1: order totals off by default. 1.2: with On Error "Continue (regular output)", an error
		// item in Failed says status "error" and names the order it is about.
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		subtitle:
			'={{ $parameter["resource"] === "stamp" ? ($parameter["operation"] === "download" ? "Download Stamp PDF" : "Get Stamp") : "Get Summary: " + ($parameter["output"] === "perOrder" ? "one item per order" : "one item per stamp") }}',
		description:
			'Check Surepass bulk e-stamp orders, route their stamps to Pending, Available and Failed, and get or download each stamp',
		defaults: { name: 'Surepass Stamp' },
		// As a tool: one output that describes every branch, so the branch names do not apply.
		usableAsTool: {
			replacements: {
				outputNames: undefined,
				subtitle: 'Get Summary: every branch, for the agent',
			} as UsableAsToolDescription['replacements'],
		},
		inputs: [MAIN],
		// Get Summary: Pending, Available, Failed. Stamp → Get and Download: one output.
		outputs: outputsByOperation(
			{ resource: 'bulkStampOrder', operation: 'getSummary' },
			STAMP_BRANCHES.map((branch) => branch.outputName),
		) as INodeTypeDescription['outputs'],
		credentials: [{ name: 'surepassApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Bulk Stamp Order', value: 'bulkStampOrder' },
					{ name: 'Stamp', value: 'stamp' },
				],
				default: 'bulkStampOrder',
			},
			...bulkStampOrder.description,
			...stamp.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
