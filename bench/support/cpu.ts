/**
 * CPU time spent by processes, from /proc (Linux): what a request costs the server, the client and
 * the database, which holds still on a noisy machine where requests per second do not.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux we run on

function ticks(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

/** CPU milliseconds used so far by process `pid`, or NaN where /proc is not available. */
export function processCpuMs(pid: number): number {
  try {
    return ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** CPU milliseconds used so far by every process of this name (e.g. all `postgres` backends). */
export function processesCpuMs(name: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.includes(`(${name})`)) total += ticks(stat);
    } catch {
      // exited meanwhile
    }
  }
  return total * TICK_MS;
}

/** This process's CPU milliseconds so far. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
