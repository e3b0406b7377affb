#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx salesops …` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
process.env.SALESOPS_CLI = '1';
await import('../src/cli/main.ts');
