/**
 * The parts of an emulator's control handle that only pass on to the kit: the clock's time, the
 * API fault queue and the notifier's records and faults. Each emulator spreads them into its own
 * control beside what is its own (its objects, outcomes, settings and reset).
 */
import type { EmulatorClock } from './clock.ts';
import type { FaultQueue, FaultSpec, QueuedFault } from './faults.ts';
import type { NotificationFaultSpec, QueuedNotificationFault } from './notification-faults.ts';

/** The emulator clock's time (`{now}` as ISO text) and the API faults the control API scripts. */
export type BaseControl = ReturnType<typeof baseControl>;
/** The notifications sent (each copy with its attempts) and their scripted faults; `R` is one record. */
export type NotificationControl<R> = ReturnType<typeof notificationControl<R>>;
export type NotifyingControl<R> = BaseControl & NotificationControl<R>;

export function baseControl(clock: EmulatorClock, faults: FaultQueue) {
  return { ...clockControl(clock), ...faultControl(faults) };
}

/** The base control and the notifier's records and faults. */
export function notifyingControl<R>(clock: EmulatorClock, faults: FaultQueue, notifier: RecordingNotifier<R>) {
  return { ...baseControl(clock, faults), ...notificationControl(notifier) };
}

function clockControl(clock: EmulatorClock) {
  return { now: (): { now: string } => ({ now: clock.nowIso() }) };
}

function faultControl(faults: FaultQueue) {
  return {
    addFault: (spec: FaultSpec): QueuedFault => faults.add(spec),
    listFaults: (): QueuedFault[] => faults.list(),
    clearFaults: (): void => faults.clear(),
  };
}

/** What the control needs of a notifier; `R` is one delivery record as the control API shows it. */
export type RecordingNotifier<R> = {
  records(): R[];
  addFault(spec: NotificationFaultSpec): QueuedNotificationFault;
  listFaults(): QueuedNotificationFault[];
  clearFaults(): void;
  flush(): number;
  resend(id: string): R[] | undefined;
};

function notificationControl<R>(notifier: RecordingNotifier<R>) {
  return {
    /** Every copy sent, being sent, held or dropped, with its attempts. */
    notifications: (): R[] => notifier.records(),
    addNotificationFault: (spec: NotificationFaultSpec): QueuedNotificationFault => notifier.addFault(spec),
    listNotificationFaults: (): QueuedNotificationFault[] => notifier.listFaults(),
    clearNotificationFaults: (): void => notifier.clearFaults(),
    /** Sends now what a reorder or delay fault holds; returns how many notifications were released. */
    flushNotifications: (): number => notifier.flush(),
    /** Sends a notification again (same bytes and signature); undefined for an unknown id. */
    resendNotification: (id: string): R[] | undefined => notifier.resend(id),
  };
}
