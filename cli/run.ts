/**
 * How every command-line tool ends: the exit code its `main` returns, or 2 with the stack of an error
 * nothing caught (a bug or a broken database: the tools' own refusals return their code instead).
 */
export function runMain(main: () => Promise<number>): void {
	main().then(
		(code) => process.exit(code),
		(e) => {
			console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
			process.exit(2);
		}
	);
}
