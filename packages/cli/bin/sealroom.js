#!/usr/bin/env node
// Sealroom runs from TypeScript source; tsx compiles it on load so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
