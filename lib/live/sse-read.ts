// Reads server-sent events from a byte stream (tests and CLIs; browsers use EventSource). Only the
// `event` and `data` fields matter here; comments and `retry` are skipped.

export interface SseMessage {
  event: string;
  data: string;
}

/** Splits complete events off the front of `buffer`; returns them and the unfinished rest. */
export function takeSseEvents(buffer: string): { events: SseMessage[]; rest: string } {
  const events: SseMessage[] = [];
  let rest = buffer.replace(/\r\n?/g, '\n');
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

/** An async reader of one stream's events, in order. */
export function sseReader(stream: ReadableStream<Uint8Array>): { next(): Promise<SseMessage>; cancel(): Promise<void> } {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseMessage[] = [];
  return {
    async next() {
      while (queue.length === 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        const { events, rest } = takeSseEvents(buffer + decoder.decode(value, { stream: true }));
        buffer = rest;
        queue.push(...events);
      }
      return queue.shift() as SseMessage;
    },
    cancel: () => reader.cancel(),
  };
}
