#!/usr/bin/env bash
# The neard stand-in, but a neard that holds the validator key when it stops takes CHAOS_VALIDATOR_STOP_DELAY_FILE's
# milliseconds to stop gracefully (fault 7: a validator slower to stop than the TTL allows), while a voter
# stops fast, so only the node losing the lock is slow. The stand-in reads the file at the stop
# (NEARD_STANDIN_VALIDATOR_STOP_DELAY_FILE), so a key hot-swapped into a voter (--validator-key-hot-swap)
# counts too. The guard execs this; exec keeps the pid.
if [[ -n "${CHAOS_VALIDATOR_STOP_DELAY_FILE:-}" ]]; then
  export NEARD_STANDIN_VALIDATOR_STOP_DELAY_FILE="$CHAOS_VALIDATOR_STOP_DELAY_FILE"
fi
exec "$(cd "$(dirname "$0")" && pwd)/../../localnet/bin/neard" "$@"
