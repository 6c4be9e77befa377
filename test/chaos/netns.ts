// Network namespaces for a real partition (--partition netns): the harness re-runs itself inside a
// "core" namespace holding the Consul servers (serf/raft on 10.77.0.1, HTTP on the core's loopback),
// the daemons and the neards; each validator machine's Consul agent runs in its own namespace, linked
// to the core by a veth pair (10.77.<i+1>.1 core side, .2 machine side, the core routes between
// machines), with its HTTP API on a unix socket that the daemon's proxy reaches across namespaces.
// Cutting the core side of a veth cuts that agent off from the servers and the other agents, and
// nothing else. Only namespaces created here get addresses; the host's network is never touched.
import { spawnSync } from 'node:child_process';
import { isDead } from './proc.js';

export const CORE_ADDR = '10.77.0.1';

export interface NetnsPlan {
  prefix: string;
  core: string;
  machines: Array<{ ns: string; coreDev: string; machineDev: string; coreAddr: string; machineAddr: string }>;
}

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr || result.error?.message}`);
}

export function planNetns(ownerPid: number, machines: number): NetnsPlan {
  const prefix = `kchaos${ownerPid}`;
  return {
    prefix,
    core: `${prefix}-core`,
    machines: Array.from({ length: machines }, (_, i) => ({
      ns: `${prefix}-m${i}`,
      // Interface names are at most 15 characters.
      coreDev: `kc${ownerPid}c${i}`,
      machineDev: `kc${ownerPid}m${i}`,
      coreAddr: `10.77.${i + 1}.1`,
      machineAddr: `10.77.${i + 1}.2`,
    })),
  };
}

export function createNetns(plan: NetnsPlan): void {
  ip('netns', 'add', plan.core);
  ip('-n', plan.core, 'link', 'set', 'lo', 'up');
  ip('-n', plan.core, 'addr', 'add', `${CORE_ADDR}/32`, 'dev', 'lo');
  // The core forwards between machines (agents gossip with each other too).
  const sysctl = spawnSync('ip', ['netns', 'exec', plan.core, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'], { encoding: 'utf8' });
  if (sysctl.status !== 0) throw new Error(`sysctl in ${plan.core}: ${sysctl.stderr}`);
  for (const m of plan.machines) {
    ip('netns', 'add', m.ns);
    ip('-n', m.ns, 'link', 'set', 'lo', 'up');
    ip('link', 'add', m.coreDev, 'netns', plan.core, 'type', 'veth', 'peer', 'name', m.machineDev, 'netns', m.ns);
    ip('-n', plan.core, 'addr', 'add', `${m.coreAddr}/24`, 'dev', m.coreDev);
    ip('-n', plan.core, 'link', 'set', m.coreDev, 'up');
    ip('-n', m.ns, 'addr', 'add', `${m.machineAddr}/24`, 'dev', m.machineDev);
    ip('-n', m.ns, 'link', 'set', m.machineDev, 'up');
    ip('-n', m.ns, 'route', 'add', 'default', 'via', m.coreAddr);
  }
}

/** Delete the namespaces (their veths go with them); never throws. */
export function deleteNetns(plan: NetnsPlan): void {
  for (const ns of [...plan.machines.map((m) => m.ns), plan.core]) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
}

/** Namespaces left by a harness that was SIGKILLed (its pid is gone). */
export function deleteStaleNetns(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n')) {
    const match = /^(kchaos(\d+)-\S+)/.exec(line);
    if (match && isDead(Number(match[2]))) spawnSync('ip', ['netns', 'del', match[1]!], { timeout: 10_000 });
  }
}

/** Cut (down) or restore (up) the link between the core and one machine; run inside the core namespace. */
export function setLink(coreDev: string, up: boolean): void {
  ip('link', 'set', coreDev, up ? 'up' : 'down');
}

/** The plan as the child harness (inside the core) receives it. */
export const NETNS_ENV = 'CHAOS_NETNS_PLAN';

export function planFromEnv(): NetnsPlan | null {
  const raw = process.env[NETNS_ENV];
  return raw ? (JSON.parse(raw) as NetnsPlan) : null;
}
