import { type Dispatcher, getGlobalDispatcher } from 'undici';

/** The dispatchers outbound calls go through: `liveDispatcher` for live-mode ones, when set. */
export interface OutboundDispatchers {
  readonly dispatcher?: Dispatcher;
  /** Live-mode calls: live webhook endpoints, live connector accounts (public addresses only). */
  readonly liveDispatcher?: Dispatcher;
}

/**
 * The dispatcher of a call made for a webhook endpoint or connector account of `mode` (undici's
 * global one when none is set).
 */
export function dispatcherFor(options: OutboundDispatchers, mode: 'test' | 'live'): Dispatcher {
  return (
    (mode === 'live' ? (options.liveDispatcher ?? options.dispatcher) : options.dispatcher) ?? getGlobalDispatcher()
  );
}
