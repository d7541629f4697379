/**
 * Kamailio 5.6 with its TLS module as a real TLS hop for the tests (Debian `kamailio`, `kamailio-tls-modules`):
 * a generated configuration in a temp dir, its own ports on 127.0.0.2 (UDP from SIPp, TLS client toward the proxy)
 * and 127.0.0.3 (TLS server the proxy reaches as "SIP Server", relaying to a SIPp UAS over UDP). It runs in the
 * foreground (-DD -E) and only its own PID is killed.
 */
import * as path from 'node:path';
import type { TestPki } from './certs.js';
import { spawnKamailio } from '../helpers/kamailio-process.js';

export interface KamailioHop {
  /** UDP address SIPp sends to (127.0.0.2). */
  udpPort: number;
  /** TLS listener on 127.0.0.2 (used as the source of TLS toward the proxy). */
  tlsClientPort: number;
  /** TLS listener on 127.0.0.3: the proxy's serving "SIP Server" in the TLS-both-sides case. */
  tlsServerPort: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startKamailio(o: {
  pki: TestPki;
  ports: { udp: number; tlsClient: number; tlsServer: number };
  proxyTlsPort: number;
  uasUdpPort: number;
}): Promise<KamailioHop> {
  const { udp, tlsClient, tlsServer } = o.ports;
  const kam = await spawnKamailio({
    prefix: 'kamailio-it-',
    files: (dir) => ({ 'tls.cfg': tlsCfg(o.pki), 'kamailio.cfg': kamailioCfg(o, path.join(dir, 'tls.cfg')) }),
    ready: (out) => /INFO: .*main.*: .*listening|init_tcp|tcp_main_loop|TLS|children/i.test(out) && out.includes(`127.0.0.3:${tlsServer}`),
  });
  return { udpPort: udp, tlsClientPort: tlsClient, tlsServerPort: tlsServer, ...kam };
}

function tlsCfg(pki: TestPki): string {
  return [
    '[server:default]',
    'method = TLSv1.2+',
    'verify_certificate = no',
    'require_certificate = no',
    `private_key = ${pki.peerKey}`,
    `certificate = ${pki.peerCert}`,
    `ca_list = ${pki.ca}`,
    '',
    '[client:default]',
    'method = TLSv1.2+',
    'verify_certificate = yes',
    'require_certificate = yes',
    `private_key = ${pki.peerKey}`,
    `certificate = ${pki.peerCert}`,
    `ca_list = ${pki.ca}`,
    '',
  ].join('\n');
}

function kamailioCfg(
  o: { ports: { udp: number; tlsClient: number; tlsServer: number }; proxyTlsPort: number; uasUdpPort: number },
  tlsCfgPath: string,
): string {
  const { udp, tlsClient, tlsServer } = o.ports;
  return `#!KAMAILIO
debug=2
log_stderror=yes
memdbg=5
memlog=5
children=2
tcp_children=2
auto_aliases=no
enable_tls=yes
tcp_connection_lifetime=3605
listen=udp:127.0.0.2:${udp}
listen=tls:127.0.0.2:${tlsClient}
listen=tls:127.0.0.3:${tlsServer}
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
modparam("tls", "config", "${tlsCfgPath}")
modparam("rr", "enable_double_rr", 1)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("OPTIONS") && uri==myself && !has_totag()) { sl_send_reply("200", "OK"); exit; }
  if (has_totag()) {
    if (loose_route()) { route(RELAY); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  record_route();
  if ($Ri == "127.0.0.2") {
    # From SIPp over UDP: to the proxy over TLS.
    $du = "sip:127.0.0.1:${o.proxyTlsPort};transport=tls";
    force_send_socket(tls:127.0.0.2:${tlsClient});
  } else {
    # From the proxy over TLS (we are its "SIP Server"): to the SIPp UAS over UDP.
    $du = "sip:127.0.0.1:${o.uasUdpPort}";
    force_send_socket(udp:127.0.0.2:${udp});
  }
  route(RELAY);
}

route[RELAY] {
  if (!t_relay()) { sl_reply_error(); }
  exit;
}
`;
}
