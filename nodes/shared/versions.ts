import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * A boolean parameter that was always on in earlier versions of a node and is off by default from
 * `since`: two definitions, each shown for its versions, so that n8n gives a workflow saved with an
 * earlier version the old default (its behaviour does not change) and a new node the new one.
 * Hidden when the node runs as an AI tool, where the tool answer has its own shape.
 */
export function offFromVersion(
	property: { displayName: string; name: string; description: string },
	show: NonNullable<IDisplayOptions['show']>,
	since: number,
): INodeProperties[] {
	return [
		{
			...property,
			type: 'boolean',
			default: true,
			displayOptions: {
				show: { ...show, '@version': [{ _cnd: { lt: since } }] },
				hide: { '@tool': [true] },
			},
		},
		{
			...property,
			type: 'boolean',
			default: false,
			displayOptions: {
				show: { ...show, '@version': [{ _cnd: { gte: since } }] },
				hide: { '@tool': [true] },
			},
		},
	];
}
