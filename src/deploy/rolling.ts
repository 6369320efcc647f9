import { ErrorCode, HotplugError } from '../core/errors.js';
import { deploy, rollback, stop, type DeployOptions, type DeployResult } from './deploy.js';

export interface RollingOptions extends Omit<DeployOptions, 'to'> {
  /** The VMs, in the order they are deployed. */
  to: string[];
}

/**
 * `hotplug deploy BUNDLE --to A --to B ...`: one VM at a time, each switched
 * without downtime (its cluster reloads onto the new release). At the first
 * VM that fails (which rolls itself back), the VMs already done go back to
 * exactly the release they ran before (or are stopped, if they ran nothing),
 * newest first, and the VMs after it are not touched; the error says all that.
 */
export async function deployRolling(opts: RollingOptions): Promise<DeployResult[]> {
  const done: { to: string; result: DeployResult }[] = [];
  for (const [i, to] of opts.to.entries()) {
    if (opts.to.length > 1) opts.log?.(`[${i + 1}/${opts.to.length}] ${to}`);
    try {
      done.push({ to, result: await deploy({ ...opts, to }) });
    } catch (err) {
      const undone: string[] = [];
      for (const d of [...done].reverse()) {
        const remote = { ...opts, to: d.to };
        try {
          if (d.result.previous === undefined) {
            await stop(remote);
            undone.push(`${d.to}: stopped (it ran nothing before)`);
          } else {
            await rollback({ ...remote, release: d.result.previous });
            undone.push(`${d.to}: back to ${d.result.previous}`);
          }
        } catch (back) {
          undone.push(`${d.to}: ROLLBACK FAILED: ${(back as Error).message}`);
        }
        opts.log?.(undone[undone.length - 1] as string);
      }
      const untouched = opts.to.slice(i + 1);
      const what = [
        done.length > 0 ? `rolled back the VMs already done (${undone.join('; ')})` : 'no other VM had been switched',
        ...(untouched.length > 0 ? [`not touched: ${untouched.join(', ')}`] : []),
      ].join('; ');
      const e = err as HotplugError;
      throw new HotplugError(ErrorCode.Deploy, `${opts.to.length > 1 ? `VM ${i + 1} of ${opts.to.length} (${to}) failed: ` : ''}${e.message}${opts.to.length > 1 ? `\n  ${what}` : ''}`, e.hint !== undefined ? { hint: e.hint } : {});
    }
  }
  return done.map((d) => d.result);
}
