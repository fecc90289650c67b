/** One key's lookups: the one running, and the one queued to start after it. */
interface Flight {
  readonly running: Promise<unknown>;
  queued?: Promise<unknown>;
}

const flights = new Map<string, Flight>();
const ignore = () => undefined;

/**
 * Runs `run` for `key` so that a burst of callers costs at most two runs: the first caller
 * starts one; every caller arriving while it runs shares one more, started after it ends (so
 * each caller's answer was fetched after the caller arrived, and no news is missed).
 */
export function coalesce<T>(key: string, run: () => Promise<T>): Promise<T> {
  const flight = flights.get(key);
  if (flight?.queued) return flight.queued as Promise<T>;
  const start = (): Promise<T> => {
    const running = run();
    const entry: Flight = { running };
    flights.set(key, entry);
    running
      .finally(() => {
        if (flights.get(key) === entry) flights.delete(key);
      })
      .catch(ignore);
    return running;
  };
  if (!flight) return start();
  const queued = flight.running.then(ignore, ignore).then(start);
  flight.queued = queued;
  return queued;
}
