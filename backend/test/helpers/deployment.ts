/**
 * The deployment most control-plane tests import: the HA pair SIPServer_A (127.0.0.1) / SIPServer_A_backup
 * (127.0.0.2) on one sip-port, SIP Proxies serving it, and SiteA whose VoIP Service DN is the proxies' pool.
 * Every proxy has sip-address = its host: the proxies of a pool share one sip-port, and on this one machine an unset
 * sip-address (every interface) would make them collide.
 */
export interface ProxyApp {
  name: string;
  host: string;
  sipPort: number;
  httpPort: number;
  /** [sipproxy] oos-check and oos-force. */
  oosCheck: number;
  oosForce: number;
}

export function haPairDeployment(o: {
  sipPort: number;
  proxies: ProxyApp[];
  dn: { number: string; contact: string; externalContact: string };
}): string {
  const proxies = o.proxies.map(
    (p) => `  - name: ${p.name}
    type: sip-proxy
    host: ${p.host}
    ports: { sip-port: ${p.sipPort}, http-port: ${p.httpPort} }
    options: { sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, sip-address: ${p.host}, oos-check: ${p.oosCheck}, oos-force: ${p.oosForce} } }
`,
  );
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${o.sipPort} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${o.sipPort} } }
${proxies.join('')}switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: ${o.dn.number}, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: ${o.dn.contact}, external-contact: "${o.dn.externalContact}", oos-check: 5, oos-force: 5 } } }
`;
}
