import { ErrorCode, HotplugError, type ComponentConf, type SpecProblem } from '../../core/index.js';

/**
 * Builders run a spec's `lint` again and refuse its errors, so a config
 * that reached `build` without going through the loader (or a loader that
 * does not call `lint`) still fails with the same located message.
 */
export function refuseLintErrors(problems: SpecProblem[], conf: ComponentConf): void {
  const first = problems.find((p) => p.severity === 'error');
  if (first === undefined) return;
  const opts = first.hint === undefined ? { location: conf.locate(first.path) } : { location: conf.locate(first.path), hint: first.hint };
  throw new HotplugError(ErrorCode.InvalidValue, first.message, opts);
}
