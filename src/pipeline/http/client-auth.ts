import type { FieldSpec, SpecProblem } from '../../core/index.js';

/** `basic_auth:` as Redpanda Connect writes it. */
export interface BasicAuthConf {
  enabled?: boolean;
  username?: string;
  password?: string;
}

export const basicAuthField: FieldSpec = {
  name: 'basic_auth',
  type: 'object',
  optional: true,
  description: 'HTTP Basic authentication on every request.',
  fields: [
    { name: 'enabled', type: 'bool', default: false, description: 'Send the Authorization header; when false the credentials are ignored.' },
    { name: 'username', type: 'string', default: '' },
    { name: 'password', type: 'string', default: '' },
  ],
};

/** The `Authorization` value, made once at build (credentials never reach a log line). */
export function basicAuthHeader(conf: BasicAuthConf | undefined): string | undefined {
  if (!conf?.enabled) return undefined;
  return `Basic ${Buffer.from(`${conf.username ?? ''}:${conf.password ?? ''}`, 'utf8').toString('base64')}`;
}

export function basicAuthProblems(conf: BasicAuthConf | undefined): SpecProblem[] {
  if (!conf) return [];
  if (!conf.enabled && (conf.username || conf.password)) {
    return [{ severity: 'warning', path: 'basic_auth', message: 'basic_auth credentials are ignored because basic_auth.enabled is false', hint: 'add enabled: true under basic_auth' }];
  }
  if (conf.enabled && conf.username?.includes(':')) {
    return [{ severity: 'error', path: 'basic_auth.username', message: 'a Basic auth username cannot contain ":"', hint: 'the colon separates username from password in the header' }];
  }
  return [];
}
