import { ErrorCode, HotplugError } from '../core/errors.js';

export interface HaproxyOptions {
  /** The VMs (`user@host` or `host`), each serving on `port`. */
  vms: string[];
  port: number;
  /** What HAProxy listens on (`ADDR:PORT`), default `*:80`. */
  listen?: string;
}

/**
 * A complete haproxy.cfg for Debian's haproxy (2.6+) in front of hotplug VMs.
 * Active checks on GET /ready every second take a VM out after 2 failures and
 * back after 2 successes; `retry-on` with `option redispatch` replays a request
 * on another VM when a connection fails or a server closes one without an
 * answer (what a VM that just stopped looks like). A VM being deployed needs
 * none of that (its cluster reloads with the socket open), but a VM that dies
 * or is stopped does.
 */
export function haproxyConfig(opts: HaproxyOptions): string {
  if (opts.vms.length === 0) throw new HotplugError(ErrorCode.Usage, 'no VMs: pass --to for each', { hint: 'hotplug deploy --print-haproxy --to deploy@10.0.0.5 --to deploy@10.0.0.6 --port 8080' });
  const listen = opts.listen ?? '*:80';
  if (!/^(\*|[A-Za-z0-9.:[\]-]+):\d+$/.test(listen)) throw new HotplugError(ErrorCode.Usage, `--listen ${JSON.stringify(listen)} is not ADDR:PORT`, { hint: 'e.g. --listen 0.0.0.0:80 or --listen 127.0.0.1:8080' });
  const servers = opts.vms.map((vm, i) => {
    const host = vm.slice(vm.indexOf('@') + 1);
    if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new HotplugError(ErrorCode.Usage, `${JSON.stringify(vm)} has no usable host name`);
    return `    server vm${i + 1} ${host.includes(':') ? `[${host}]` : host}:${opts.port} check`;
  });
  return `# haproxy.cfg for ${opts.vms.length} hotplug VM(s), made by \`hotplug deploy --print-haproxy\`.
# Check it with: haproxy -c -f haproxy.cfg
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout http-keep-alive 10s
    option redispatch
    retries 3
    retry-on conn-failure empty-response response-timeout

frontend hotplug
    bind ${listen}
    default_backend hotplug

backend hotplug
    balance roundrobin
    option httpchk GET /ready
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
${servers.join('\n')}
`;
}
