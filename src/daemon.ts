/**
 * Wiring of the daemon: settings in, actors built for this machine (membership's too), the failover chart started,
 * the HTTP server up, signals turned into SHUTDOWN (and SIGUSR1 into a token reload), the role-change
 * hook and the pool's history recorder fed from the observer. Returns the exit code once Shutdown is done.
 */
import { join } from 'node:path';
import { createActor } from 'xstate';
import { failoverMachine } from '../machines/failover.js';
import { roleOf } from '../machines/roles.js';
import { createConsulClient } from '../services/consul/client.js';
import { consulElectionActor } from '../services/consul/election.js';
import { consulHandoverActor } from '../services/pool/handover-actor.js';
import { ConsulTokenFeed } from '../services/consul/token-feed.js';
import { errorMessage } from '../services/error-message.js';
import { monotonicNow } from '../services/monotonic-clock.js';
import { neardProcessActor } from '../services/neard/process.js';
import { actorTimings } from '../services/service-timings.js';
import { statusPollerActor } from '../services/neard/status-poller.js';
import { productionWatchActor } from './production-watch.js';
import { productionRuleOf } from './production-settings.js';
import { reloadConsulToken } from './consul-token-reload.js';
import { OperatorError } from './errors.js';
import { FailoverObserver, type FailoverSnapshot } from './failover-observer.js';
import { HotSwapReadinessCheck } from './hot-swap-readiness.js';
import { combineInspect, startInspector } from './inspector.js';
import { createLogger } from './logging.js';
import { createMetrics } from './metrics.js';
import { RoleChangeHook } from './role-change-hook.js';
import { buildServer } from './server.js';
import { startControlServer } from './control-server.js';
import { controlRoutes } from './control/routes.js';
import { membershipActors } from './membership.js';
import { poolTableOf } from './pool-table-rows.js';
import { readPoolView } from './pool-view.js';
import { cachedPoolTable } from './ui/pool-table-cache.js';
import { HISTORY_FALLBACK_FILE } from '../services/pool/history-fallback.js';
import { HistoryStore } from '../services/pool/history-store.js';
import { HistoryRecorder, lockHolderAmong } from './history-recorder.js';
import { cachedHistoryView, historyViewOf } from './history-view.js';
import { consulEndpointOf, type Settings } from './settings.js';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGPIPE'] as const;

export async function runDaemon(settings: Settings): Promise<number> {
  const { timings, nodeId, accountId } = settings;
  const logger = createLogger(nodeId, settings.logFormat);
  const metrics = createMetrics();
  const observer = new FailoverObserver(logger, metrics);

  const consulEndpoint = consulEndpointOf(settings);
  const consul = createConsulClient({ ...consulEndpoint, requestTimeoutMs: timings.requestTimeoutMs });
  const pool = cachedPoolTable(async () => poolTableOf(await readPoolView(consul, accountId)), accountId);
  // The pool's history: written to Consul, kept in the neard home while Consul cannot take it.
  const historyStore = new HistoryStore({
    consul,
    accountId,
    file: join(settings.neardHome, HISTORY_FALLBACK_FILE),
    retryMs: settings.memberPublishIntervalMs,
    logger: logger.child({ target: 'kuutamod::history' }),
  });
  const history = cachedHistoryView(async () => historyViewOf(accountId, await historyStore.read(), Date.now()));
  const server = buildServer({ metrics, observer, identity: { nodeId, accountId }, pool, history });
  const { host, port } = settings.exporter;
  try {
    await server.listen({ host, port });
  } catch (error) {
    await historyStore.close();
    consul.destroy();
    const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
    throw new OperatorError(`--exporter-address ${host}:${port}: cannot listen (${code}). Pick a free address.`);
  }

  const consulToken = new ConsulTokenFeed(settings.consulToken);
  consulToken.subscribe((token) => consul.setToken(token));
  const servicesTimings = actorTimings(timings);
  // Checked before the chart starts neard, so the verdict on config.json is among the first lines an operator reads.
  const hotSwap = settings.hotSwap ? new HotSwapReadinessCheck({ neardHome: settings.neardHome, accountId, logger: logger.child({ target: 'kuutamod::hot-swap' }), metrics }) : undefined;
  hotSwap?.check();
  const stopHotSwapFeed = hotSwap?.follow(observer) ?? (() => undefined);
  const membership = membershipActors({ settings, observer, consul, logger: logger.child({ target: 'kuutamod::members' }), hotSwap: hotSwap && (() => hotSwap.fields) });
  const historyRecorder = new HistoryRecorder({
    observer,
    store: historyStore,
    consul,
    nodeId,
    accountId,
    intervalMs: settings.memberPublishIntervalMs,
    holderSeen: () => lockHolderAmong(membership.pool.others),
    logger: logger.child({ target: 'kuutamod::history' }),
  });
  const machine = failoverMachine.provide({
    actors: {
      neard: neardProcessActor({
        neardBin: settings.neardBin,
        rpcUrl: settings.rpcUrl,
        home: settings.neardHome,
        keys: settings.keys,
        validatorNetworkAddr: settings.validatorNetworkAddr,
        voterNetworkAddr: settings.voterNetworkAddr,
        bootNodes: settings.bootNodes,
        timings: servicesTimings,
        hotSwap: settings.hotSwap,
        consul: consulEndpoint,
        consulToken,
        logger: logger.child({ target: 'kuutamod::proc' }),
      }),
      statusPoller: statusPollerActor({ rpcUrl: settings.rpcUrl, timings }),
      election: consulElectionActor({
        consul,
        nodeId,
        accountId,
        timings: servicesTimings,
        logger: logger.child({ target: 'kuutamod::consul' }),
        now: monotonicNow,
      }),
      handover: consulHandoverActor({ consul, accountId, timings: servicesTimings, logger: logger.child({ target: 'kuutamod::handover' }) }),
      memberPublisher: membership.memberPublisher,
      poolReader: membership.poolReader,
      productionWatch: productionWatchActor({
        rpcUrl: settings.rpcUrl,
        accountId,
        requestTimeoutMs: timings.requestTimeoutMs,
        intervalMs: settings.productionCheckIntervalMs,
        rule: productionRuleOf(settings),
        observer,
        pool: membership.pool,
        logger: logger.child({ target: 'kuutamod::production' }),
        onCounts: (counts) => metrics.setAccountCounts(counts),
      }),
    },
  });
  const inspector = await startInspector(settings.inspect, logger.child({ target: 'kuutamod::inspect' }));
  const actor = createActor(machine, {
    input: { timings, now: monotonicNow, nodeId, noFailover: settings.noFailover, production: productionRuleOf(settings) },
    inspect: combineInspect(observer.inspect, inspector?.inspect),
  });
  const finished = new Promise<FailoverSnapshot>((resolve) => {
    actor.subscribe((snapshot) => {
      if (snapshot.matches({ Shutdown: 'Done' })) resolve(snapshot);
    });
  });

  const hook = settings.onRoleChange
    ? new RoleChangeHook({ command: settings.onRoleChange, timeoutMs: settings.onRoleChangeTimeoutMs, nodeId, accountId, logger })
    : undefined;
  const stopHookFeed = observer.onChange((snapshot) => hook?.roleIs(roleOf(snapshot)));

  const control = await startControlServer({
    path: settings.controlSocket,
    group: settings.controlSocketGroup,
    routes: controlRoutes({ settings, observer, actor, consul, logger: logger.child({ target: 'kuutamod::control' }) }),
  }).catch(async (error: unknown) => {
    await server.close();
    await historyRecorder.close();
    consul.destroy();
    throw error;
  });

  const onSignal = (signal: string) => actor.send({ type: 'SHUTDOWN', reason: signal });
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  const onReload = () => reloadConsulToken(settings.consulTokenFile, (token) => consulToken.set(token), logger.child({ target: 'kuutamod::consul' }));
  process.on('SIGUSR1', onReload);
  logger.info({ exporter: `${host}:${port}`, consul: settings.consulUrl, home: settings.neardHome, control: settings.controlSocket }, 'kuutamod started');
  actor.start();

  const final = await finished;
  actor.stop();
  inspector?.stop();
  for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
  process.off('SIGUSR1', onReload);
  stopHookFeed();
  stopHotSwapFeed();
  // Shutdown asked the publisher to withdraw the record; it is gone (or given up on) before Consul's client is.
  await membership.withdrawn();
  await server.close();
  await control.close();
  // This node's last entries (its give-up on a stop) are in Consul, or kept in the fallback file for the next run.
  await historyRecorder.close();
  consul.destroy();
  // neard is stopped and the session gone: let the "stopped" hook finish (bounded by its timeout).
  await hook?.idle();
  if (final.context.fatalError) {
    logger.error({ target: 'kuutamod' }, `exiting: ${final.context.fatalError}`);
    return 1;
  }
  logger.info('kuutamod stopped');
  return 0;
}
