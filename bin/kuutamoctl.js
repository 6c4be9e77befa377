#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm run build` (in a checkout; npm test and npm start run it) and shipped compiled in the npm package.
import '../dist/src/cli/kuutamoctl.js';
