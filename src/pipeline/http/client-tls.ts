import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';
import { type FieldSpec, type SpecProblem, errorMessage } from '../../core/index.js';

/** One `tls.client_certs` entry: the PEM inline or in a file, for the cert and for its key. */
export interface ClientCertConf {
  cert?: string;
  key?: string;
  cert_file?: string;
  key_file?: string;
  /** Decrypts an encrypted key. */
  password?: string;
}

/** `tls:` as Redpanda Connect writes it. */
export interface TlsConf {
  enabled?: boolean;
  skip_cert_verify?: boolean;
  root_cas?: string;
  root_cas_file?: string;
  client_certs?: ClientCertConf[];
}

/** What the connector of undici's Agent gets (node:tls connect options). */
export interface TlsConnectOptions {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string[];
  key?: Array<{ pem: string; passphrase?: string }>;
}

export const tlsField: FieldSpec = {
  name: 'tls',
  type: 'object',
  optional: true,
  description: 'TLS for https:// URLs. Without it (or with enabled: false) the bundled public CAs verify the server.',
  fields: [
    { name: 'enabled', type: 'bool', default: false, description: 'Use the settings below; when false they are ignored.' },
    { name: 'skip_cert_verify', type: 'bool', default: false, description: 'Accept any server certificate. Insecure: for tests only.' },
    { name: 'root_cas', type: 'string', optional: true, description: 'PEM certificates of CAs trusted besides the public ones.' },
    { name: 'root_cas_file', type: 'string', optional: true, description: 'A PEM file of CAs trusted besides the public ones (relative to the pipeline file).' },
    {
      name: 'client_certs',
      type: 'object',
      kind: 'list',
      default: [],
      description: 'Certificates presented to servers that ask for one (mutual TLS).',
      fields: [
        { name: 'cert', type: 'string', optional: true, description: 'The certificate, PEM.' },
        { name: 'key', type: 'string', optional: true, description: 'Its private key, PEM.' },
        { name: 'cert_file', type: 'string', optional: true, description: 'The certificate in a PEM file (relative to the pipeline file).' },
        { name: 'key_file', type: 'string', optional: true, description: 'Its private key in a PEM file (relative to the pipeline file).' },
        { name: 'password', type: 'string', optional: true, description: 'Decrypts an encrypted private key.' },
      ],
    },
  ],
};

/** The result of reading and checking `tls`: options when every file and PEM is good, else the problems. */
export interface LoadedTls {
  /** Undefined when TLS is left to undici's defaults (no `tls`, or `enabled: false`). */
  options: TlsConnectOptions | undefined;
  problems: SpecProblem[];
}

/**
 * Reads the files `tls` names (relative to the pipeline file's folder) and
 * parses every PEM, so a missing file, a PEM that does not parse or a key
 * that does not match its certificate is found at load, with the field's
 * path. Lint calls this for the problems, build for the options.
 */
export function loadTls(conf: TlsConf | undefined, pipelineFile: string): LoadedTls {
  const problems: SpecProblem[] = [];
  if (!conf) return { options: undefined, problems };
  if (!conf.enabled) {
    const set = (['skip_cert_verify', 'root_cas', 'root_cas_file', 'client_certs'] as const).filter((k) => isSet(conf[k]));
    if (set.length > 0) {
      problems.push({ severity: 'warning', path: 'tls', message: `tls.${set.join(', tls.')} ${set.length === 1 ? 'is' : 'are'} ignored because tls.enabled is false`, hint: 'add enabled: true under tls' });
    }
    return { options: undefined, problems };
  }
  const dir = dirname(pipelineFile);
  const options: TlsConnectOptions = { rejectUnauthorized: !conf.skip_cert_verify };
  const cas: string[] = [];
  if (conf.root_cas !== undefined) cas.push(...certificates(conf.root_cas, 'tls.root_cas', problems));
  if (conf.root_cas_file !== undefined) {
    const text = readPem(dir, conf.root_cas_file, 'tls.root_cas_file', problems);
    if (text !== undefined) cas.push(...certificates(text, 'tls.root_cas_file', problems));
  }
  // node:tls replaces the default CAs with `ca`; Connect's root_cas add to them.
  if (cas.length > 0) options.ca = [...rootCertificates, ...cas];
  (conf.client_certs ?? []).forEach((c, i) => {
    const pair = clientCert(c, `tls.client_certs[${i}]`, dir, problems);
    if (!pair) return;
    (options.cert ??= []).push(pair.cert);
    (options.key ??= []).push(c.password === undefined ? { pem: pair.key } : { pem: pair.key, passphrase: c.password });
  });
  return { options: problems.some((p) => p.severity === 'error') ? undefined : options, problems };
}

function clientCert(c: ClientCertConf, path: string, dir: string, problems: SpecProblem[]): { cert: string; key: string } | undefined {
  const cert = oneOf(c, 'cert', 'cert_file', path, dir, problems);
  const key = oneOf(c, 'key', 'key_file', path, dir, problems);
  if (cert === undefined || key === undefined) return undefined;
  const [certPem] = certificates(cert.text, cert.path, problems);
  let keyObj: KeyObject;
  try {
    keyObj = createPrivateKey(c.password === undefined ? key.text : { key: key.text, passphrase: c.password });
  } catch (err) {
    const encrypted = key.text.includes('ENCRYPTED');
    problems.push({
      severity: 'error',
      path: encrypted && c.password !== undefined ? `${path}.password` : key.path,
      message: encrypted ? `cannot decrypt the private key: ${errorMessage(err)}` : `the private key does not parse: ${errorMessage(err)}`,
      hint: encrypted ? `set ${path}.password to the key's password` : 'give a PEM private key (-----BEGIN PRIVATE KEY-----)',
    });
    return undefined;
  }
  if (certPem === undefined) return undefined;
  if (!new X509Certificate(certPem).checkPrivateKey(keyObj)) {
    problems.push({ severity: 'error', path: key.path, message: 'the private key does not belong to the certificate', hint: `pair each certificate with its own key in ${path}` });
    return undefined;
  }
  return { cert: certPem, key: key.text };
}

/** Exactly one of an inline PEM field and its `_file` twin. */
function oneOf(c: ClientCertConf, inline: 'cert' | 'key', file: 'cert_file' | 'key_file', path: string, dir: string, problems: SpecProblem[]): { text: string; path: string } | undefined {
  if (c[inline] !== undefined && c[file] !== undefined) {
    problems.push({ severity: 'error', path: `${path}.${file}`, message: `${path} has both ${inline} and ${file}`, hint: `keep one of them` });
    return undefined;
  }
  if (c[inline] !== undefined) return { text: c[inline], path: `${path}.${inline}` };
  if (c[file] !== undefined) {
    const text = readPem(dir, c[file], `${path}.${file}`, problems);
    return text === undefined ? undefined : { text, path: `${path}.${file}` };
  }
  problems.push({ severity: 'error', path, message: `${path} has no ${inline}`, hint: `set ${inline} (PEM) or ${file} (a path)` });
  return undefined;
}

function readPem(dir: string, file: string, path: string, problems: SpecProblem[]): string | undefined {
  const abs = resolve(dir, file);
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : errorMessage(err);
    problems.push({ severity: 'error', path, message: `cannot read ${abs}: ${why}`, hint: `the path is relative to the pipeline file's folder (${dir})` });
    return undefined;
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, each checked to parse. */
function certificates(text: string, path: string, problems: SpecProblem[]): string[] {
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    problems.push({ severity: 'error', path, message: `${path} holds no PEM certificate`, hint: 'give PEM text starting with -----BEGIN CERTIFICATE-----' });
    return [];
  }
  const good: string[] = [];
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
      good.push(pem);
    } catch (err) {
      const which = blocks.length > 1 ? `certificate ${i + 1} of ${path}` : path;
      problems.push({ severity: 'error', path, message: `${which} does not parse: ${errorMessage(err)}`, hint: 'give the certificate exactly as PEM (base64 between the BEGIN and END lines)' });
    }
  });
  return good;
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
}

/** node:tls codes for a server certificate that did not verify. */
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A delivery failure in words that say what to change when TLS is the cause.
 * A server that requires a client certificate ends a TLS 1.3 connection
 * after the handshake, which undici only sees as "other side closed" with
 * nothing read: that case gets a hint when no client certificate is set.
 */
export function describeFailure(err: unknown, https: boolean, clientCerts: boolean): string {
  const e = err as { code?: unknown; socket?: { bytesRead?: unknown } } | undefined;
  const msg = errorMessage(err);
  if (typeof e?.code !== 'string') return msg;
  if (VERIFY_CODES.has(e.code)) return `certificate verification failed: ${msg} (trust the server's CA with tls.root_cas_file)`;
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA/.test(e.code)) {
    return `the server refused the TLS handshake: ${msg}${clientCerts ? '' : ' (does it require a client certificate? set tls.client_certs)'}`;
  }
  if (https && !clientCerts && e.code === 'UND_ERR_SOCKET' && e.socket?.bytesRead === 0) {
    return `${msg} before answering (if the server requires a client certificate, set tls.client_certs)`;
  }
  return msg;
}
