#!/usr/bin/env node
// The `runge` command. Subcommands arrive with the training package.
import { initBackend } from '@runge/tensor-ops';

const info = await initBackend();
console.log(`runge: backend ${info.backend}`);
