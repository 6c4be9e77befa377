#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm run build` (run by `npm ci`).
import '../dist/src/cli/kuutamoctl.js';
