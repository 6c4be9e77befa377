/**
 * A real Consul server with the chaos harness's counting proxy in front of it, for tests that check what
 * a daemon part asks of Consul (test/integration/consul-*-requests.test.ts).
 */
import { after, before } from 'node:test';
import { startCountingProxy, type CountingProxy } from '../chaos/counting-proxy.js';
import { startConsulServer, type ConsulServer } from './consul.js';

export interface CountedConsul {
  consul: ConsulServer;
  /** Point clients under test at proxy.url; every request they make is in proxy.requests. */
  proxy: CountingProxy;
  stop(): Promise<void>;
}

async function startCountedConsul(): Promise<CountedConsul> {
  const consul = await startConsulServer({ logLevel: 'warn' });
  const { hostname, port } = new URL(consul.url);
  const proxy = await startCountingProxy({ host: hostname, port: Number(port) });
  return {
    consul,
    proxy,
    async stop() {
      await proxy.close();
      await consul.stop();
    },
  };
}

/** The test file's Consul and proxy: started before its tests, stopped after them. */
export function countedConsulForThisFile(): Omit<CountedConsul, 'stop'> {
  let world: CountedConsul | undefined;
  before(async () => {
    world = await startCountedConsul();
  });
  after(async () => {
    await world?.stop();
  });
  const started = (): CountedConsul => {
    if (!world) throw new Error('the counted Consul is not started yet (use it inside a test)');
    return world;
  };
  return {
    get consul() {
      return started().consul;
    },
    get proxy() {
      return started().proxy;
    },
  };
}
