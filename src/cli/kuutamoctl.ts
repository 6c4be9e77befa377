/** `kuutamoctl`: the operator CLI's entry point (bin/kuutamoctl.js); its commands are in kuutamoctl-program.ts. */
import { buildKuutamoctl } from './kuutamoctl-program.js';
import { runCli } from './run-cli.js';

runCli('kuutamoctl', async () => {
  const { program, exitCode } = buildKuutamoctl();
  await program.parseAsync();
  return exitCode();
});
