#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so an install needs no build step.
import v8 from 'node:v8';
import { register } from 'tsx/esm/api';

// Tokenising and vectorising make many short-lived strings: a 64 MiB young generation (V8's
// default is 16) cuts HIVE's fit from 2.1 s to 1.9 s and cross-validation by a tenth (bench/RESULTS.md).
if (!/--max-semi-space-size/.test(process.env.NODE_OPTIONS ?? ''))
  v8.setFlagsFromString('--max-semi-space-size=64');
register();
await import('../src/cli/run.ts');
