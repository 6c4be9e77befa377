#!/usr/bin/env bash
# The neard stand-in, but a neard started WITH the validator key takes CHAOS_VALIDATOR_STOP_DELAY_FILE's
# milliseconds to stop gracefully (fault 7: a validator slower to stop than the TTL allows), while a
# voter stops fast, so only the node losing the lock is slow. The guard execs this; exec keeps the pid.
home=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == "--home" ]]; then home="${args[i + 1]}"; fi
done
delay_file="${CHAOS_VALIDATOR_STOP_DELAY_FILE:-}"
if [[ -n "$delay_file" && -s "$delay_file" && -n "$home" && -e "$home/validator_key.json" ]]; then
  export NEARD_STANDIN_STOP_DELAY_MS="$(cat "$delay_file")"
fi
exec "$(cd "$(dirname "$0")" && pwd)/../../localnet/bin/neard" "$@"
