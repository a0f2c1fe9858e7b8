#!/usr/bin/env node
// The `tertial` command. The project is TypeScript throughout; tsx compiles it on load.
import { tsImport } from 'tsx/esm/api';

// The SDK warns on every run that its 2027 releases need Node 22. The Lambdas run on a
// newer runtime; for a person at the command line the warning is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
