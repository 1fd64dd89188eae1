// @ts-check
/**
 * Runs a command while every core of this machine is kept busy, to show that it does not depend on
 * a quiet machine: one CPU-burning process per core is started beside it and stopped when it ends.
 * Prints the command's wall time. Usage: `node scripts/dev/busy.js npm test` (or `npm run test:busy`).
 */
const { spawn } = require('node:child_process');
const os = require('node:os');

const [command, ...args] = process.argv.slice(2);
if (!command) {
	console.error('usage: node scripts/busy.js <command> [arguments...]');
	process.exit(2);
}
const cores = os.availableParallelism?.() ?? os.cpus().length;
const burners = Array.from({ length: cores }, () =>
	spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
	for (const burner of burners) burner.kill('SIGKILL');
};
process.once('exit', stopBurners);
console.log(
	`busy: ${burners.length} CPU burner(s) running beside \`${[command, ...args].join(' ')}\``,
);
const started = Date.now();
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
	process.once(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
	stopBurners();
	console.log(
		`busy: \`${[command, ...args].join(' ')}\` ended (${signal ?? `exit ${code}`}) after ${((Date.now() - started) / 1000).toFixed(1)} s with ${burners.length} core(s) kept busy`,
	);
	process.exit(code ?? 1);
});
