// @ts-check
/**
 * `npm run verify`: offline, what n8n's community-package verification checks.
 * 0. the import graph: no cycles, credentials on leaf modules, nothing low importing anything high;
 * 1. ESLint with both rule sets (eslint-plugin-n8n-nodes-base, @n8n/eslint-plugin-community-nodes)
 *    on the TypeScript sources, then on the built dist/*.js that would be published;
 * 2. the package rules: name convention, MIT licence, no runtime dependencies, no install
 *    lifecycle scripts, n8n-workflow as a peer dependency, the n8n manifest and its paths;
 * 3. the contents of `npm pack`;
 * 4. n8n's own scanner (`@n8n/scan-community-package`, scripts/release/scan.mjs) on the sources and on the
 *    packed tarball, with its own rule set and plugin versions: what n8n runs before it verifies a
 *    community package. Steps 1 and 4 overlap on purpose: 1 keeps the newest plugin versions, 4
 *    the exact gate n8n uses;
 * 5. actionlint on the GitHub Actions workflows that test and publish the package.
 * Exits non-zero on the first failing step.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const eslint = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** @param {string} title @param {string} command @param {string[]} args */
function run(title, command, args) {
	process.stdout.write(`\n== ${title}\n`);
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) {
		process.stdout.write(`\nverify: "${title}" failed\n`);
		process.exit(result.status ?? 1);
	}
}

run(
	"ESLint on the sources: the n8n-node tool's default config (strict mode), every rule set it holds",
	process.execPath,
	[eslint, '--max-warnings', '0', '.'],
);
run('import graph (no cycles; each room imports only what is below it)', process.execPath, [
	path.join(__dirname, 'check-imports.js'),
]);
run('build (n8n-node build: TypeScript, codex files, icons)', process.execPath, [
	path.join(root, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs'),
	'build',
]);
run('ESLint on the built dist/*.js', process.execPath, [
	eslint,
	'--no-config-lookup',
	'-c',
	'eslint.dist.config.mjs',
	'--max-warnings',
	'0',
	'dist',
]);

process.stdout.write('\n== package rules\n');
/** @type {Record<string, any>} */
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
/** @type {string[]} */
const problems = [];
const check = (/** @type {boolean} */ ok, /** @type {string} */ rule) => {
	process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${rule}\n`);
	if (!ok) problems.push(rule);
};
check(
	/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-[a-z0-9-._~]+$/.test(pkg.name),
	`name follows n8n-nodes-* or @scope/n8n-nodes-* (${pkg.name})`,
);
check(
	pkg.license === 'MIT' &&
		fs.readFileSync(path.join(root, 'LICENSE'), 'utf8').startsWith('MIT License'),
	'MIT licence, with a LICENSE file',
);
check(
	Array.isArray(pkg.keywords) && pkg.keywords.includes('n8n-community-node-package'),
	'keyword n8n-community-node-package',
);
check(Object.keys(pkg.dependencies ?? {}).length === 0, 'no runtime dependencies');
check(
	pkg.peerDependencies?.['n8n-workflow'] === '*',
	'n8n-workflow is a peer dependency, "*" (n8n\'s scanner refuses a range: the range is engines.n8n)',
);
{
	// The oldest n8n the package supports: engines.n8n, the oldest release npm run test:compat runs,
	// and the README's Compatibility section say the same.
	const { RELEASES } = require('../lib/n8n-env');
	const oldest = RELEASES.oldest.version.split('.').slice(0, 2).join('.');
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	check(
		pkg.engines?.n8n === `>=${oldest}.0` && readme.includes(`**n8n ${oldest} or later`),
		`engines.n8n (${pkg.engines?.n8n}), the oldest release tested (${RELEASES.oldest.version}) and the README agree on n8n ${oldest}`,
	);
}
const lifecycle = [
	'preinstall',
	'install',
	'postinstall',
	'prepublish',
	'preprepare',
	'prepare',
	'postprepare',
].filter((name) => pkg.scripts?.[name]);
check(
	lifecycle.length === 0,
	`no install lifecycle scripts${lifecycle.length ? ` (found ${lifecycle.join(', ')})` : ''}`,
);
check(pkg.n8n?.n8nNodesApiVersion === 1, 'n8n.n8nNodesApiVersion is 1');
for (const file of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
	check(
		file.startsWith('dist/') && fs.existsSync(path.join(root, file)),
		`manifest path exists: ${file}`,
	);
}
check(
	Array.isArray(pkg.files) && pkg.files.length === 1 && pkg.files[0] === 'dist',
	'files is ["dist"]',
);
check(
	typeof pkg.version === 'string' && /^\d+\.\d+\.\d+$/.test(pkg.version),
	`version ${pkg.version}`,
);
if (problems.length > 0) {
	process.stdout.write(`\nverify: ${problems.length} package rule(s) failed\n`);
	process.exit(1);
}

const packFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-')), 'pack.json');
process.stdout.write('\n== npm pack contents\n');
const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
	cwd: root,
	encoding: 'utf8',
	shell: false,
});
if (pack.status !== 0) {
	process.stdout.write(pack.stderr);
	process.exit(pack.status ?? 1);
}
fs.writeFileSync(packFile, pack.stdout);
run('package contents check', process.execPath, [path.join(__dirname, 'check-pack.js'), packFile]);
run("n8n's community-package scanner (offline)", process.execPath, [
	path.join(__dirname, 'scan.mjs'),
]);
run('GitHub Actions workflows (actionlint)', process.execPath, [
	path.join(__dirname, 'lint-workflows.js'),
]);
process.stdout.write('\nverify: all checks passed\n');
