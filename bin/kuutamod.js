#!/usr/bin/env node
// Thin launcher: the daemon is compiled from src/ into dist/ by `npm run build` (in a checkout; npm test and npm start run it) and shipped compiled in the npm package.
import '../dist/src/cli/kuutamod.js';
