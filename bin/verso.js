#!/usr/bin/env node
// The `verso` executable: a thin launcher for the compiled CLI (built by `npm install`).
import '../dist/src/cli/bin.js';
