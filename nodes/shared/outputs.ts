/**
 * Outputs computed from the node's parameters, as n8n's Switch node does: the operation that routes
 * (Get Summary, Get Status) has its named branches, every other operation one plain output. n8n
 * evaluates the expression in the editor (the canvas redraws when the operation changes) and in
 * the engine. A parameter left at its default may be missing from a saved workflow, so a missing
 * resource or operation counts as the default, which is the routing one.
 */
export function outputsByOperation(
	routing: { resource: string; operation: string },
	branchNames: readonly string[],
): string {
	const branches = JSON.stringify(
		branchNames.map((displayName) => ({ type: 'main', displayName })),
	);
	const is = (name: string, value: string) =>
		`($parameter.${name} === undefined || $parameter.${name} === "${value}")`;
	return `={{ ${is('resource', routing.resource)} && ${is('operation', routing.operation)} ? ${branches} : ["main"] }}`;
}
