/**
 * The failsafe key (services/pool/failsafe/key.ts) from the validator key file: read and checked as every
 * key file is (src/key-file.ts), so a wrong file fails at start naming the flag and the file.
 */
import { deriveFailsafeKey, type FailsafeKey } from '../../services/pool/failsafe/key.js';
import { errorMessage } from '../../services/error-message.js';
import { OperatorError } from '../errors.js';
import { readNearKeyFile } from '../key-file.js';

/** `origin` names the flag or variable that pointed at `path` (e.g. --validator-key). */
export function failsafeKeyFromFile(path: string, origin: string, accountId: string): FailsafeKey {
  const file = readNearKeyFile(path, origin);
  const secret = file.secret_key ?? file.private_key;
  if (secret === undefined) throw new OperatorError(`${origin}: key file ${path} holds no "secret_key"; the failsafe key is derived from it.`);
  try {
    return deriveFailsafeKey(secret, accountId);
  } catch (error) {
    throw new OperatorError(`${origin}: key file ${path}: ${errorMessage(error)}.`);
  }
}
