#!/usr/bin/env node
// The CLI is TypeScript run through tsx's in-process loader: no build step, and no
// wrapper process between the shell and cablescan (a wrapper would swallow SIGTERM).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
