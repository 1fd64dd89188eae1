import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as get from './get.operation';

export { download, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['stamp'] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				action: 'Download a stamp',
				description: "Download an available stamp's PDF into the item's binary data",
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a stamp',
				description: "Get a stamp's status and details, with a temporary download link",
			},
		],
		default: 'get',
	},
	...get.description,
	...download.description,
];
