/** Where a release tree lives when nothing else is said: the unit shipped inside a bundle assumes it. */
export const DEFAULT_DEPLOY_DIR = '/opt/hotplug';

export interface UnitOptions {
  /** The deploy dir (absolute): releases/, current and hotplug.env live here. */
  dir: string;
  /** Run as this user; omitted = root (systemd's default). */
  user?: string;
}

/**
 * The systemd unit. It runs `DIR/current/start` with `--follow DIR/current`,
 * so switching the `current` symlink and `systemctl reload` (SIGHUP) rolls the
 * workers onto the new release while the listening socket stays open; settings
 * such as PORT, HOST and HOTPLUG_WORKERS live in `DIR/hotplug.env` and survive
 * releases. KillMode=mixed: a stop signals the primary, which drains its
 * workers; whatever is left after TimeoutStopSec is killed. The hardening
 * keeps what a Node host with Python subprocesses needs (no
 * MemoryDenyWriteExecute: V8 JITs) and takes away the rest.
 */
export function systemdUnit(opts: UnitOptions): string {
  const dir = opts.dir.replace(/\/+$/, '');
  if (!/^\/[A-Za-z0-9._/@+-]*$/.test(dir)) {
    throw new Error(`the deploy dir ${JSON.stringify(opts.dir)} cannot be used in a systemd unit: use an absolute path of letters, digits and ._/@+-`);
  }
  const user = opts.user !== undefined && opts.user !== 'root' ? `User=${opts.user}\n` : '';
  return `[Unit]
Description=hotplug function host (${dir}/current)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
${user}WorkingDirectory=${dir}/current
EnvironmentFile=-${dir}/hotplug.env
Environment=NODE_ENV=production
ExecStart=${dir}/current/start --follow ${dir}/current --status-file ${dir}/.hotplug/cluster.json
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=2
TimeoutStopSec=90
KillMode=mixed
ReadWritePaths=-${dir}/.hotplug
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
`;
}
