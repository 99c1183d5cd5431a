import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigError } from './config';

/**
 * A secret is given either directly in `NAME` (local stage) or as the name of an SSM SecureString in
 * `NAME_PARAMETER` (deployed stages), read once per container. Never both, never neither.
 */
export async function resolveSecret(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const direct = env[name];
  const parameter = env[`${name}_PARAMETER`];
  if (direct) return direct;
  if (!parameter) throw new ConfigError(`Set ${name} or ${name}_PARAMETER.`);
  const value = await getParameter(parameter, { decrypt: true, maxAge: 300 });
  if (!value) throw new ConfigError(`SSM parameter ${parameter} is empty.`);
  return value;
}
