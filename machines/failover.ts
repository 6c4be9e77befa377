/**
 * The failover algorithm of kuutamod as one statechart: this file is its top level, on one screen.
 *
 *   Startup ──status answers──▶ Syncing ──synced──▶ Registering ──session──▶ Voting ──lock──▶ Validating
 *      ▲  (neard exits, /status fails N times)  ◀──────────────────────────────┘ (session lost: Registering,
 *      │                                            no renewal 25 s: Voting.Resigning, then Registering anew)
 *   any state ──SIGTERM/SIGINT/...──▶ Shutdown (stop neard first, then destroy the session)
 *
 *   Voting (voting.ts):         Contending ⇄ Standing ⇄ Yielding    eligibility: stand aside, give a head start
 *                               Validating ──handover due──▶ HandingOver ──record ends / deadline──▶ Contending
 *                               AwaitingHandover: another node's candidate takes the freed lock
 *                               Contending/Yielding ──leader not producing──▶ Claiming (a production move)
 *                               Contending/Yielding/Claiming ──confirmed a leader (failsafe)──▶ Refraining
 *   Validating (validating.ts): Leased, re-entered by every renewal; its deadline steps down to Voting.Resigning;
 *                               its substates Checking ⇄ Producing ⇄ Degraded are the leader's own production
 *
 * Transitions several states share are declared once on a grouping state above them: NeardUp (Syncing to
 * Validating: neard exits or hangs -> Startup, falls behind -> Syncing) and InSession (Voting, Validating:
 * session lost -> Registering). A child's own transition wins where it must differ. Grouping states are not
 * kuutamod states: `stateNamesOf` (roles.ts) leaves them out of every name operators see.
 *
 * Five long-lived actors are invoked at the root: `neard` (the process, through its guard), `statusPoller`
 * (neard's /status), `election` (the Consul session and lock), `handover` (the pool's planned-switchover
 * record) and `memberPublisher` (this node's member record, withdrawn on Shutdown). Voting invokes
 * `poolReader` (the pool's records, and this node's ELIGIBILITY); InSession invokes `productionWatch` (block
 * production as this node's neard sees it, issue 17). Actors report facts; the chart alone
 * decides, and answers with commands (failover-events.ts).
 * Facts are recorded in the context (failover-context.ts) and guards read it; the vocabulary of guards and
 * actions is in failover-setup.ts (kuutamod's algorithm), restart-setup.ts (kuutamoctl restart),
 * handover-setup.ts (switchover, eligibility), production-setup.ts (production moves) and failsafe-setup.ts
 * (a member's refrain in failsafe mode).
 * No I/O and no timers of its own: delays are named and read from `context.timings`. States carry tags
 * (roles.ts): what a state means for the pool is said there once.
 *
 * Restart rule: after the chart asks for a neard (re)start, /status answers may still come from the OLD
 * process during its SIGTERM grace period. They prove nothing about the new one, so the lenient failure
 * limit stays, and Startup is not left, until the neard actor reported the new process started
 * (`neardStartAwaited` / NEARD_STARTED); only an answer after that restores the strict limit.
 */
import { initialContext } from './failover-context.js';
import { failoverSetup } from './failsafe-setup.js';
import { restartTransitions, restartTransitionsInShutdown } from './restart-setup.js';
import { validatingState } from './validating.js';
import { votingState } from './voting.js';

export { FAILOVER_STATES, type FailoverContext, type FailoverInput, type FailoverStateName } from './failover-context.js';
export { stateNamesOf, type StateNames } from './roles.js';
export { failoverSetup };

/** /status failed once more: after too many in a row, neard is considered hung and restarted. */
const onStatusFailed = [
  { guard: 'statusFailuresExhausted', target: '#failover.Startup', actions: ['countStatusFailure', 'restartNeard'] },
  { actions: 'countStatusFailure' },
] as const;

export const failoverMachine = failoverSetup.createMachine({
  id: 'failover',
  context: ({ input }) => initialContext(input),
  invoke: [
    { id: 'neard', src: 'neard' },
    { id: 'statusPoller', src: 'statusPoller' },
    { id: 'election', src: 'election' },
    { id: 'handover', src: 'handover' },
    { id: 'memberPublisher', src: 'memberPublisher' },
  ],
  // Bookkeeping that holds in every state; states below add their own transitions.
  on: {
    NEARD_STARTED: { actions: 'recordNeardStarted' },
    NEARD_STOPPED: { actions: 'recordNeardGone' },
    NEARD_KEY_RELEASED: { actions: 'recordKeyReleased' },
    NEARD_SPAWN_FAILED: { target: '.Shutdown', actions: 'failSpawn' },
    STATUS_OK: { actions: 'recordStatus' },
    SESSION_CREATED: { actions: ['recordSession', 'extendLease'] },
    SESSION_RENEWED: { actions: ['recordRenewal', 'extendLease'] },
    SESSION_CLOSED: { actions: 'forgetSession' },
    SESSION_LOST: { actions: 'forgetSession' },
    CONSUL_ERROR: { actions: 'recordConsulError' },
    // Recorded here only, in every state; the states that care decide on the HANDOVER_CHECK it raises.
    HANDOVER_UPDATED: { actions: 'recordHandover' },
    // Failsafe: a leader this node confirmed. Recorded in every state (a node still registering takes no lock
    // before its end either); Contending, Yielding and Claiming move to Voting.Refraining.
    FAILSAFE_CONFIRMED: { actions: 'recordRefrain' },
    SHUTDOWN: { target: '.Shutdown' },
    // kuutamoctl restart (restart-setup.ts): decided here, in every state.
    ...restartTransitions,
  },
  initial: 'Startup',
  states: {
    Startup: {
      tags: ['syncing'],
      entry: ['runNeardAsVoter', { type: 'expectNeardRestart', params: { mode: 'voter' } }, 'releaseSessionWhenSafe'],
      after: {
        startupTimeout: [
          { guard: 'startupTriesLeft', target: 'Startup', reenter: true, actions: ['nextStartupAttempt', 'restartNeard'] },
          { target: 'Shutdown', actions: 'failStartup' },
        ],
      },
      on: {
        // Startup ends when the NEW neard answers. An answer of the old one, still in its stop grace period,
        // is only recorded: leaving on it would drop the startup timeout and re-arm the strict limit while the
        // new neard may need minutes to answer (it would be restarted again, in a loop).
        STATUS_OK: [
          { guard: 'restartedNeardStarted', target: 'NeardUp.Syncing', actions: ['recordStatus', 'resetStartupAttempts'] },
          { actions: 'recordStatus' },
        ],
        NEARD_EXITED: [
          { guard: 'startupTriesLeft', target: 'Startup', reenter: true, actions: ['recordNeardGone', 'nextStartupAttempt'] },
          { target: 'Shutdown', actions: ['recordNeardGone', 'failStartup'] },
        ],
      },
    },
    // A grouping state, not a kuutamod state: neard answered /status since its last start. Its exit, or a
    // /status silent too long, means Startup.
    NeardUp: {
      initial: 'Syncing',
      on: {
        NEARD_EXITED: { target: 'Startup', actions: 'recordNeardGone' },
        STATUS_FAILED: onStatusFailed,
        // A standby whose neard falls behind waits in Syncing again (Validating stays, see there).
        // Unlike Startup's, these moves need no NEARD_STARTED first: an old neard answering here (Validating
        // was just left) reports the sync state of the same chain data the new one opens, and every move
        // between Syncing, Registering and Voting is safe either way (keyInUse holds the session). A gate
        // could also hold a node in Syncing for good: a refused hot swap reports no NEARD_STARTED until its
        // fallback restart is done.
        STATUS_OK: { guard: 'reportsSyncing', target: '.Syncing', actions: 'recordStatus' },
      },
      states: {
        Syncing: {
          tags: ['syncing'],
          entry: 'releaseSessionWhenSafe',
          on: {
            // Still syncing: only recorded (the parent's candidate would re-enter Syncing).
            STATUS_OK: [{ guard: 'reportsSynced', target: 'Registering', actions: 'recordStatus' }, { actions: 'recordStatus' }],
          },
        },
        Registering: {
          tags: ['syncing', 'inElection'],
          entry: 'register',
          on: {
            SESSION_CREATED: [
              { guard: 'failoverDisabled', target: 'InSession.Voting.Standing', actions: ['recordSession', 'extendLease'] },
              // Registered while a handover frees the lock for another node's candidate: not to be taken.
              { guard: 'yieldsToHandover', target: 'InSession.Voting.AwaitingHandover', actions: ['recordSession', 'extendLease'] },
              { target: 'InSession.Voting', actions: ['recordSession', 'extendLease'] },
            ],
          },
        },
        // A grouping state: a Consul session exists. When Consul reports it lost, register anew.
        InSession: {
          initial: 'Voting',
          // Block production as this node's neard sees it, judged while it takes part in the election (issue 17).
          invoke: { id: 'productionWatch', src: 'productionWatch' },
          on: {
            SESSION_LOST: { target: 'Registering', actions: 'forgetSession' },
          },
          states: {
            Voting: votingState,
            Validating: validatingState,
          },
        },
      },
    },
    Shutdown: {
      tags: ['stopped'],
      // Graceful handoff: neard is stopped first, then the session goes, so a standby can start at once.
      entry: ['stopNeard', 'withdrawMembership'],
      initial: 'StoppingNeard',
      states: {
        StoppingNeard: {
          on: { NEARD_STOPPED: { target: 'ClosingSession', actions: 'recordNeardGone' } },
        },
        ClosingSession: {
          entry: { type: 'releaseSessionWhenSafe', params: { confirm: true } },
          on: { SESSION_CLOSED: { target: 'Done', actions: 'forgetSession' } },
        },
        Done: { type: 'final' },
      },
      on: {
        SHUTDOWN: {},
        NEARD_SPAWN_FAILED: {},
        NEARD_EXITED: { actions: 'recordNeardGone' },
        ...restartTransitionsInShutdown,
      },
    },
  },
});

export type FailoverMachine = typeof failoverMachine;
