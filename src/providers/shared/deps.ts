/** What the registry passes to every provider factory; tests swap the clock and the sleeper. */
export interface ProviderDeps {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export const clock = (deps: ProviderDeps): (() => Date) => deps.now ?? (() => new Date());
