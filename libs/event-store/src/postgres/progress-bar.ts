/**
 * A one-line progress bar for a command-line tool: redrawn in place on a
 * terminal (at most every 100 ms), a plain line every 10 % otherwise (CI logs).
 */
export function progressBar(out: NodeJS.WriteStream, label: string, width = 30) {
  const started = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;

  const line = (done: number, total: number, detail: string) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${detail} ${rate}/s`;
  };

  return {
    update(done: number, total: number, detail = ''): void {
      if (out.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        out.write(`\r${line(done, total, detail)}\x1b[K`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile === lastDecile) return;
      lastDecile = decile;
      out.write(`${line(done, total, detail)}\n`);
    },
    finish(done: number, total: number, detail = ''): void {
      out.write(out.isTTY ? `\r${line(done, total, detail)}\x1b[K\n` : `${line(done, total, detail)}\n`);
    },
  };
}
