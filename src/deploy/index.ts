export { deploy, rollback, status, stop, type DeployOptions, type DeployResult, type RemoteOptions } from './deploy.js';
export { deployRolling, type RollingOptions } from './rolling.js';
export { haproxyConfig, type HaproxyOptions } from './haproxy.js';
export { sshArgv, shellQuote, type SshTarget } from './ssh.js';
export type { ServiceManagerKind, VmStatus } from './protocol.js';
