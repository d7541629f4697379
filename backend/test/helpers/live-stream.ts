import { SseParser } from '../../src/contracts/worker-protocol.js';

/** Reads the UI's live stream (`GET /api/events`) in the background, keeping every event as it arrives. */
export function liveStream(baseUrl: string, token: string): { events: { event: string; data: string }[]; close: () => void } {
  const events: { event: string; data: string }[] = [];
  const ac = new AbortController();
  void (async () => {
    try {
      const res = await fetch(`${baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
      const parser = new SseParser();
      const dec = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
        events.push(...parser.push(dec.decode(chunk, { stream: true })));
    } catch {
      /* closed */
    }
  })();
  return { events, close: () => ac.abort() };
}
