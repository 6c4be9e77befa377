/**
 * The plan: every process of the localnet with its exact command line, and the URLs an operator
 * looks at. `setup` writes it to <data>/localnet.json; `npm start` and the Procfile
 * (localnet/bin/proc NAME) run the commands from it, so both run exactly the same processes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../services/error-message.js';
import { parseJsonObject, stringField } from '../services/json-object.js';
import { PortPicker } from './free-ports.js';
import { KUUTAMODS, POOL_HOME, RUNNING_NODES, assignPorts } from './homes.js';
import type { NeardChoice } from './neard-choice.js';
import { fromRepo, type Layout } from './paths.js';

export type Role = 'consul' | 'neard' | 'kuutamod';

export interface ProcessSpec {
  name: string;
  role: Role;
  /** Run with the repository as cwd. */
  argv: string[];
  /** Environment variables set for it (and what it starts), on top of the runner's. */
  env?: Record<string, string>;
}

export interface KuutamodInfo {
  name: string;
  exporterUrl: string;
  validatorNetworkAddr: string;
  voterNetworkAddr: string;
  home: string;
}

export interface Plan {
  dataDir: string;
  neard: NeardChoice;
  consulUrl: string;
  /** The pool's account: node3's validator key; the lock is kuutamod-leader/<accountId>. */
  accountId: string;
  /**
   * The neard stand-in's shared NEARD_STANDIN_VALIDATOR_LOG (repo-relative like the homes), given to every
   * neard and kuutamod: all stand-ins count the same produced/missed blocks and see the same faults
   * (`<it>.faults`, `localnet fault`). null with a real neard.
   */
  validatorLog: string | null;
  processes: ProcessSpec[];
  kuutamods: KuutamodInfo[];
}

// The tutorial's ports, used when free: Consul's default HTTP port, exporters 2233/2234,
// validator/voter network addresses 24567/24568 and 24569/24570.
const CONSUL_HTTP = 8500;
const EXPORTERS = [2233, 2234];
const NETWORK = [[24567, 24568], [24569, 24570]];

/** preferWellKnownPorts false: only kernel-picked ports (tests, or a second localnet beside a first). */
export async function buildPlan(l: Layout, neard: NeardChoice, consulBin: string, preferWellKnownPorts = true): Promise<Plan> {
  const picker = new PortPicker(preferWellKnownPorts);
  const addresses = await assignPorts(l, picker);
  const consulHttp = await picker.pick(CONSUL_HTTP);
  const [server, serfLan, serfWan] = [await picker.pick(), await picker.pick(), await picker.pick()];
  const consulUrl = `http://127.0.0.1:${consulHttp}`;
  const pool = l.home(POOL_HOME);
  const keyFile = join(pool, 'validator_key.json');
  const accountId = stringField(parseJsonObject(readFileSync(keyFile, 'utf8'), keyFile), 'account_id', keyFile);
  const validatorLog = neard.kind === 'standin' ? fromRepo(l.validatorLog) : null;
  // kuutamod passes its environment on to the neard it starts, so its stand-ins get the log too.
  const env = validatorLog === null ? {} : { env: { NEARD_STANDIN_VALIDATOR_LOG: validatorLog } };

  const processes: ProcessSpec[] = [
    {
      name: 'consul',
      role: 'consul',
      // -dev: one in-memory server, ready in a fraction of a second; DNS and gRPC are not needed.
      // -data-dir: without it a dev agent reads "services/" relative to its cwd (the repository).
      argv: [
        fromRepo(consulBin), 'agent', '-dev', '-node', 'localnet', '-data-dir', fromRepo(join(l.dataDir, 'consul')),
        '-bind', '127.0.0.1', '-client', '127.0.0.1',
        '-http-port', String(consulHttp), '-server-port', String(server), '-serf-lan-port', String(serfLan),
        '-serf-wan-port', String(serfWan), '-dns-port', '-1', '-grpc-port', '-1', '-log-level', 'warn',
      ],
    },
    ...RUNNING_NODES.map((name): ProcessSpec => ({
      name,
      role: 'neard',
      argv: [neard.bin, '--home', fromRepo(l.home(name)), 'run', ...(name === 'node0' ? [] : ['--boot-nodes', addresses.bootNodes])],
      ...env,
    })),
  ];

  const kuutamods: KuutamodInfo[] = [];
  for (const [i, name] of KUUTAMODS.entries()) {
    const exporter = `127.0.0.1:${await picker.pick(EXPORTERS[i])}`;
    const validatorNetworkAddr = `127.0.0.1:${await picker.pick(NETWORK[i]?.[0])}`;
    const voterNetworkAddr = `127.0.0.1:${await picker.pick(NETWORK[i]?.[1])}`;
    const home = fromRepo(l.home(name));
    kuutamods.push({ name, exporterUrl: `http://${exporter}`, validatorNetworkAddr, voterNetworkAddr, home });
    processes.push({
      name,
      role: 'kuutamod',
      // Timings are not set here: kuutamod's defaults, or KUUTAMO_* variables from the environment.
      argv: [
        'bin/kuutamod.js',
        '--consul-url', consulUrl,
        '--node-id', name,
        '--account-id', accountId,
        '--exporter-address', exporter,
        '--neard-home', home,
        '--voter-node-key', `${home}/voter_node_key.json`,
        '--validator-node-key', `${fromRepo(pool)}/node_key.json`,
        '--validator-key', `${fromRepo(pool)}/validator_key.json`,
        '--validator-network-addr', validatorNetworkAddr,
        '--voter-network-addr', voterNetworkAddr,
        '--near-boot-nodes', addresses.bootNodes,
        '--neard-bin', neard.bin,
        '--log-format', 'logfmt',
      ],
      ...env,
    });
  }
  return { dataDir: l.dataDir, neard, consulUrl, accountId, validatorLog, processes, kuutamods };
}

export function savePlan(l: Layout, plan: Plan): void {
  writeFileSync(l.planFile, `${JSON.stringify(plan, null, 2)}\n`);
}

export function loadPlan(l: Layout): Plan {
  try {
    return JSON.parse(readFileSync(l.planFile, 'utf8')) as Plan;
  } catch (error) {
    throw new Error(`no localnet plan at ${l.planFile} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}): run \`npm run localnet:setup\` first.`, {
      cause: error,
    });
  }
}

export function processByName(plan: Plan, name: string): ProcessSpec {
  const spec = plan.processes.find((p) => p.name === name);
  if (!spec) throw new Error(`no process '${name}' in ${plan.dataDir}/localnet.json (known: ${plan.processes.map((p) => p.name).join(', ')})`);
  return spec;
}
