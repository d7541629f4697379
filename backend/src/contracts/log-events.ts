/**
 * The guide's SIP Proxy log events 40000-40007 ("Error Handling": ID, text name and description, level Standard).
 * One catalogue for every party that writes them: the worker (40000, 40001, 40003-40007) and the control plane
 * (40002, which only it can see).
 */
export const LOG_EVENTS = {
  40000: { name: 'SPR_OWN_PROXY_ADDR_NOT_FOUND', text: 'Initialization failed, proxy address (host:port) is not found in the list' },
  40001: { name: 'SPR_SIPS_HA_PAIR_UNAVAILABLE', text: 'SIP Server HA pair (primary host:port) is unavailable' },
  40002: { name: 'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED', text: 'SIP Proxy instance is disconnected' },
  40003: { name: 'SPR_ERROR_READING_CONFIG_DATA', text: 'Error while reading configuration data' },
  40004: { name: 'SPR_PROXY_INITIALIZED', text: 'SIP Proxy has initialized successfully' },
  40005: { name: 'SPR_HOST_NOT_RESOLVED', text: 'Cannot resolve SIP Proxy host' },
  40006: { name: 'SPR_SIP_LISTENER_CANNOT_START', text: 'Cannot start SIP listener' },
  40007: { name: 'PR_MGMT_LISTENER_CANNOT_START', text: 'Cannot start Mgmt listener' },
} as const;

export type LogEventId = keyof typeof LOG_EVENTS;
