/** A stream progress can be drawn on; only a TTY gets it (logs and pipes stay clean). */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export interface Progress {
  step(label: string): void;
  done(): void;
}

/** One rewritten status line: `[2/5] compiling plugin upper`. No output at all off a TTY. */
export function createProgress(stream: ProgressStream | undefined, total: number): Progress {
  if (!stream?.isTTY) return { step() {}, done() {} };
  let n = 0;
  return {
    step(label) {
      n++;
      stream.write(`\r\x1b[2K[${Math.min(n, total)}/${total}] ${label}`);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
