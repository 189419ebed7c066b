import { alertEndsAt, type AlertmanagerPayload } from './alertmanager';
import { nodeLabels, peerLabels } from './alert-target';

// A notification as the store keeps it. Alertmanager drops a notification answered with 4xx, so nothing
// it can send is refused for its size: text past these bounds is cut and the alert carries a note saying
// what was cut. Pure; the store-wide bounds (episodes per fingerprint, in total) are in record-alerts.ts.

export const alertSizeBounds = {
  /** label and annotation values, generatorURL (Prometheus has no limit; 4,096 keeps a row small) */
  valueChars: 4_096,
  labelNameChars: 256,
  labelsPerSet: 128,
  receiverChars: 256,
  notesPerAlert: 10,
} as const;

/** How far after its arrival an alert may say it started before that is noted as a wrong clock or a forgery. */
export const futureStartSkewMs = 5 * 60_000;

export interface BoundedAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: Date;
  endsAt: Date | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string | null;
  notes: string[];
}

export interface BoundedNotification {
  receiver: string;
  alerts: BoundedAlert[];
  /** about the notification as a whole */
  notes: string[];
}

const count = (n: number) => n.toLocaleString('en-US');

/** Cuts `text` to at most `max` UTF-16 units, ending in an ellipsis, never splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}

// Labels the dashboard reads come first, so a cut label set still maps to its node and peer.
const readFirst = new Set<string>(['alertname', 'severity', 'verdict', ...nodeLabels, ...peerLabels]);

function boundSet(kind: 'label' | 'annotation', set: Record<string, string>, notes: string[]): Record<string, string> {
  const names = Object.keys(set).sort((a, b) => Number(!readFirst.has(a)) - Number(!readFirst.has(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const kept = names.slice(0, alertSizeBounds.labelsPerSet);
  if (names.length > kept.length) notes.push(`${count(names.length - kept.length)} ${kind}s beyond the first ${alertSizeBounds.labelsPerSet} not stored`);
  return Object.fromEntries(
    kept.map((name) => {
      const value = set[name] ?? '';
      const shown = cutText(name, 64);
      const boundedName = cutText(name, alertSizeBounds.labelNameChars);
      if (boundedName !== name) notes.push(`${kind} name ${shown}: cut from ${count(name.length)} to ${count(boundedName.length)} characters`);
      const boundedValue = cutText(value, alertSizeBounds.valueChars);
      if (boundedValue !== value) notes.push(`${kind} ${shown}: value cut from ${count(value.length)} to ${count(boundedValue.length)} characters`);
      return [boundedName, boundedValue];
    }),
  );
}

function capNotes(notes: string[]): string[] {
  const max = alertSizeBounds.notesPerAlert;
  return notes.length <= max ? notes : [...notes.slice(0, max - 1), `and ${count(notes.length - max + 1)} more`];
}

/**
 * The alerts of one notification, each with its sizes bounded and its notes; an episode (fingerprint and
 * start) named twice is kept once, as last sent.
 */
export function boundNotification(payload: AlertmanagerPayload, receivedAt: Date): BoundedNotification {
  const notes: string[] = [];
  if (payload.truncatedAlerts) notes.push(`Alertmanager left ${count(payload.truncatedAlerts)} alerts out of this notification (max_alerts of the receiver)`);
  const receiver = cutText(payload.receiver, alertSizeBounds.receiverChars);
  if (receiver !== payload.receiver) notes.push(`receiver name cut from ${count(payload.receiver.length)} to ${count(receiver.length)} characters`);
  const byEpisode = new Map<string, BoundedAlert>();
  for (const alert of payload.alerts) {
    const alertNotes: string[] = [];
    const startsAt = new Date(alert.startsAt);
    if (startsAt.getTime() > receivedAt.getTime() + futureStartSkewMs) {
      alertNotes.push(
        `startsAt ${startsAt.toISOString()} is after this notification was received (${receivedAt.toISOString()}): listed and pinned at the time received`,
      );
    }
    const labels = boundSet('label', { ...payload.commonLabels, ...alert.labels }, alertNotes);
    const annotations = boundSet('annotation', { ...payload.commonAnnotations, ...alert.annotations }, alertNotes);
    const generatorUrl = alert.generatorURL ? cutText(alert.generatorURL, alertSizeBounds.valueChars) : null;
    if (generatorUrl !== null && generatorUrl !== alert.generatorURL)
      alertNotes.push(`generatorURL cut from ${count(alert.generatorURL?.length ?? 0)} characters`);
    byEpisode.set(`${alert.fingerprint}@${startsAt.getTime()}`, {
      fingerprint: alert.fingerprint,
      status: alert.status,
      startsAt,
      endsAt: alertEndsAt(alert),
      labels,
      annotations,
      generatorUrl,
      notes: capNotes(alertNotes),
    });
  }
  const repeated = payload.alerts.length - byEpisode.size;
  if (repeated > 0) notes.push(`${count(repeated)} alerts named an episode already in this notification; the last of each was kept`);
  return { receiver, alerts: [...byEpisode.values()], notes };
}
