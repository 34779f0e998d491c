import { run } from './run';

run(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(
      `zero-trust: unexpected error: ${error?.message ?? error}\n`,
    );
    process.exitCode = 1;
  },
);
