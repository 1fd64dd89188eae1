// @ts-check
/** One line per item, for people reading `npm start`. */

/** @param {import('n8n-workflow').INodeExecutionData} item */
function describeItem(item) {
	const json = /** @type {Record<string, any>} */ (item.json);
	const source = item.pairedItem && !Array.isArray(item.pairedItem) && typeof item.pairedItem === 'object' ? ` (input item ${item.pairedItem.item})` : '';
	if (item.error) return `ERROR ${json.error}${source}`;
	const parts = [];
	if ('stampId' in json) parts.push(json.stampId === null ? `${json.unlistedCount} unlisted stamp(s)` : `stamp ${json.stampId}`);
	if ('stampIds' in json) parts.push(`${json.count} stamp(s)`);
	if (json.bulkOrderId) parts.push(`order ${json.bulkOrderId}`);
	if (json.warnings) parts.push(`warnings: ${json.warnings.join('; ')}`);
	if (json.note) parts.push(json.note);
	return `${parts.join(', ')}${source}`;
}

module.exports = { describeItem };
