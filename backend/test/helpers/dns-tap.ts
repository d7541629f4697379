/** A DNS server on loopback UDP that never answers: it records the names asked (RFC 1035 §4.1.2 QNAME). */
import * as dgram from 'node:dgram';

export class DnsTap {
  readonly names: string[] = [];
  private sock: dgram.Socket | undefined;
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  async start(): Promise<this> {
    const s = dgram.createSocket('udp4');
    this.sock = s;
    s.on('message', (m) => {
      const labels: string[] = [];
      // The question starts after the 12-byte header; bounded by the datagram.
      for (let i = 12; i < m.length && m[i] > 0 && m[i] < 64; i += m[i] + 1)
        labels.push(m.subarray(i + 1, i + 1 + m[i]).toString('latin1'));
      this.names.push(labels.join('.').toLowerCase());
    });
    await new Promise<void>((r, j) => {
      s.once('error', j);
      s.bind(this.port, this.host, () => r());
    });
    return this;
  }

  async stop(): Promise<void> {
    if (this.sock) await new Promise<void>((r) => this.sock!.close(() => r()));
  }
}
