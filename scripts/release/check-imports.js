// @ts-check
/**
 * The package's import graph, checked: no import cycles (type-only imports included), and each
 * room imports only what is below it:
 * - credentials/ import only leaf modules of nodes/shared (modules that import nothing of ours);
 * - nodes/shared/ never imports a node's folder, and a node never imports another node;
 * - nodes/shared/transport/ imports only itself, errors, secrets and leaf modules.
 * Prints the figures a reader cares about: files, the largest file, the longest functions, cycles.
 * Usage: node scripts/release/check-imports.js (part of npm run verify).
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');

/** @returns {string[]} the TypeScript files under `dir`, relative to the root */
function sources(/** @type {string} */ dir) {
	const found = [];
	for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
		const relative = path.join(dir, entry.name);
		if (entry.isDirectory()) found.push(...sources(relative));
		else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(relative);
	}
	return found;
}

/** Resolves a relative specifier from `from` to a source file, or undefined (a package). */
function resolve(/** @type {string} */ from, /** @type {string} */ specifier) {
	if (!specifier.startsWith('.')) return undefined;
	const base = path.normalize(path.join(path.dirname(from), specifier));
	for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
		if (fs.existsSync(path.join(root, candidate))) return candidate;
	}
	throw new Error(`${from}: cannot resolve "${specifier}"`);
}

/** The source files a file imports (import, export … from, type-only included), and its functions' lengths. */
function read(/** @type {string} */ file) {
	const text = fs.readFileSync(path.join(root, file), 'utf8');
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
	/** @type {Set<string>} */
	const imports = new Set();
	/** @type {Array<{ name: string, lines: number }>} */
	const functions = [];
	const visit = (/** @type {ts.Node} */ node) => {
		if (
			(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
			node.moduleSpecifier &&
			ts.isStringLiteral(node.moduleSpecifier)
		) {
			const target = resolve(file, node.moduleSpecifier.text);
			if (target) imports.add(target);
		}
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
			const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
			const name =
				node.name && ts.isIdentifier(node.name)
					? node.name.text
					: ts.isArrowFunction(node) || ts.isFunctionExpression(node)
						? '(anonymous)'
						: '(method)';
			functions.push({ name: `${file}:${start + 1} ${name}`, lines: end - start + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return { imports, functions, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
}

const files = [...sources('credentials'), ...sources('nodes')].sort();
/** @type {Map<string, ReturnType<typeof read>>} */
const graph = new Map(files.map((file) => [file, read(file)]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles() {
	let index = 0;
	/** @type {Map<string, number>} */ const order = new Map();
	/** @type {Map<string, number>} */ const low = new Map();
	/** @type {string[]} */ const stack = [];
	const onStack = new Set();
	/** @type {string[][]} */ const found = [];
	const connect = (/** @type {string} */ file) => {
		order.set(file, index);
		low.set(file, index++);
		stack.push(file);
		onStack.add(file);
		for (const next of graph.get(file)?.imports ?? []) {
			if (!order.has(next)) {
				connect(next);
				low.set(
					file,
					Math.min(/** @type {number} */ (low.get(file)), /** @type {number} */ (low.get(next))),
				);
			} else if (onStack.has(next)) {
				low.set(
					file,
					Math.min(/** @type {number} */ (low.get(file)), /** @type {number} */ (order.get(next))),
				);
			}
		}
		if (low.get(file) === order.get(file)) {
			const component = [];
			let member;
			do {
				member = /** @type {string} */ (stack.pop());
				onStack.delete(member);
				component.push(member);
			} while (member !== file);
			if (component.length > 1 || graph.get(file)?.imports.has(file)) found.push(component.sort());
		}
	};
	for (const file of files) if (!order.has(file)) connect(file);
	return found;
}

/** @type {string[]} */
const problems = [];
const isLeaf = (/** @type {string} */ file) => (graph.get(file)?.imports.size ?? 0) === 0;
const nodeOf = (/** @type {string} */ file) => /^nodes\/([^/]+)\//.exec(file)?.[1];
for (const [file, { imports }] of graph) {
	for (const target of imports) {
		if (file.startsWith('credentials/') && target.startsWith('nodes/') && !isLeaf(target)) {
			problems.push(
				`${file} imports ${target}, which is not a leaf module: credentials stand on leaf modules only`,
			);
		}
		const from = nodeOf(file);
		const to = nodeOf(target);
		if (from === 'shared' && to !== undefined && to !== 'shared')
			problems.push(`${file} (shared) imports ${target} (a node's folder)`);
		if (
			from !== undefined &&
			from !== 'shared' &&
			to !== undefined &&
			to !== 'shared' &&
			to !== from
		)
			problems.push(`${file} imports ${target}, another node's folder`);
		if (
			file.startsWith('nodes/shared/transport/') &&
			!target.startsWith('nodes/shared/transport/') &&
			!isLeaf(target) &&
			!['nodes/shared/errors.ts', 'nodes/shared/secrets.ts'].includes(target)
		) {
			problems.push(
				`${file} (transport) imports ${target}: the transport stands on errors, secrets and leaf modules only`,
			);
		}
	}
}
const found = cycles();
for (const component of found) problems.push(`import cycle: ${component.join(' -> ')}`);

const byLines = [...graph]
	.map(([file, { lines }]) => ({ file, lines }))
	.sort((a, b) => b.lines - a.lines);
const longest = [...graph.values()]
	.flatMap((entry) => entry.functions)
	.sort((a, b) => b.lines - a.lines);
process.stdout.write(
	[
		`${files.length} source files in credentials/ and nodes/, ${[...graph.values()].reduce((sum, entry) => sum + entry.imports.size, 0)} imports between them`,
		`largest files: ${byLines
			.slice(0, 3)
			.map((entry) => `${entry.file} (${entry.lines} lines)`)
			.join(', ')}`,
		`longest functions: ${longest
			.slice(0, 3)
			.map((entry) => `${entry.name} (${entry.lines} lines)`)
			.join(', ')}`,
		`import cycles: ${found.length}`,
		'',
	].join('\n'),
);
if (problems.length > 0) {
	for (const problem of problems) process.stdout.write(`FAIL ${problem}\n`);
	process.exit(1);
}
process.stdout.write('imports: every room imports only what is below it\n');
