#!/usr/bin/env node
// The `tertial` command. The project is TypeScript throughout; tsx compiles it on load.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
