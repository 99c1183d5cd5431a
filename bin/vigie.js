#!/usr/bin/env node
// The CLI is TypeScript run through tsx, as every script here is: no build step between an edit and `npx vigie`.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli/main.ts');
