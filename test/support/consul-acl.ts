// ACL set-up for tests against an ACL-enforcing Consul (startConsulServer({ acl })): policies from
// the files we ship in deploy/consul/ and tokens holding them, made through the same HTTP API
// (/v1/acl/policy, /v1/acl/token) that `consul acl policy create` / `token create` use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export const KUUTAMOD_POLICY_FILE = join(REPO_ROOT, 'deploy', 'consul', 'kuutamod-policy.hcl');
export const KUUTAMOCTL_READ_POLICY_FILE = join(REPO_ROOT, 'deploy', 'consul', 'kuutamoctl-read-policy.hcl');

async function aclPut(consulUrl: string, masterToken: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${consulUrl}${path}`, {
    method: 'PUT',
    headers: { 'X-Consul-Token': masterToken },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`PUT ${path}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Create a policy from an HCL rules file; returns its name. */
export async function createPolicy(consulUrl: string, masterToken: string, name: string, rulesFile: string): Promise<string> {
  await aclPut(consulUrl, masterToken, '/v1/acl/policy', { Name: name, Rules: readFileSync(rulesFile, 'utf8') });
  return name;
}

/** A new token holding the named policies (none: a valid token that may do nothing); returns its secret. */
export async function createToken(consulUrl: string, masterToken: string, policyNames: string[], description: string): Promise<string> {
  const token = await aclPut(consulUrl, masterToken, '/v1/acl/token', {
    Description: description,
    Policies: policyNames.map((Name) => ({ Name })),
  });
  const secret = token['SecretID'];
  if (typeof secret !== 'string') throw new Error(`token create answered without a SecretID: ${JSON.stringify(token)}`);
  return secret;
}
