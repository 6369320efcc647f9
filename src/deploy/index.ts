export { deploy, rollback, type DeployOptions, type DeployResult, type RemoteOptions } from './deploy.js';
export { sshArgv, shellQuote, type SshTarget } from './ssh.js';
export type { ServiceManagerKind } from './protocol.js';
