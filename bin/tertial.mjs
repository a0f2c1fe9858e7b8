#!/usr/bin/env node
// The `tertial` command. Help and version come from plain JavaScript (cli/usage.mjs),
// at the cost of a bare Node start; only a command that runs loads the TypeScript
// loader (tsx), and each command then loads only the modules it uses.
import { immediateAnswer } from '../cli/usage.mjs';

const argv = process.argv.slice(2);
const answer = immediateAnswer(argv);
if (answer !== undefined) {
  process.stdout.write(answer);
} else {
  // The SDK warns on every run that its 2027 releases need Node 22. The Lambdas run on a
  // newer runtime; for a person at the command line the warning is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { tsImport } = await import('tsx/esm/api');
  const { main } = await tsImport('../cli/main.ts', import.meta.url);
  process.exitCode = await main(argv);
}
