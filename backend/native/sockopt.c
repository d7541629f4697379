/*
 * sockopt: the socket options Node.js has no API for, set on a socket Node already owns (by its file descriptor).
 *
 *  - IP_TOS / IPV6_TCLASS: the TOS/DSCP byte of every packet the socket sends (RFC 2474; the guide's sip-ip-tos).
 *  - TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT: keep-alive timings per socket (RFC 1122 §4.2.3.6); libuv only sets
 *    the idle time, so a silent peer would otherwise be found only after the OS's 75 s x 9 probes.
 *  - TCP_USER_TIMEOUT (RFC 5482): how long sent data may stay unacknowledged. Keep-alive probes only run on an idle
 *    connection; a request written to a peer that fell silent would otherwise be retransmitted for ~15 minutes.
 *  - SO_REUSEPORT: a worker group's processes each bind the application's SIP port (Node 20's dgram and net have no
 *    such option). reusePortSocket() creates, sets and binds the socket here and returns its descriptor, which Node
 *    then adopts (dgram bind({ fd }), net.Server listen({ fd })).
 *
 * Node-API only (ABI-stable across Node versions): built by scripts/build.mjs with the C compiler and Node's own
 * headers, no node-gyp, no download. Errors are thrown as Error objects whose `code` is the errno name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <node_api.h>

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  const char *code = err == EBADF ? "EBADF" : err == EINVAL ? "EINVAL" : err == EPERM ? "EPERM" : err == ENOTSOCK ? "ENOTSOCK"
                   : err == ENOPROTOOPT ? "ENOPROTOOPT" : err == EOPNOTSUPP ? "EOPNOTSUPP" : err == EACCES ? "EACCES"
                   : err == EADDRINUSE ? "EADDRINUSE" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : err == EAFNOSUPPORT ? "EAFNOSUPPORT" : "EIO";
  napi_throw_error(env, code, msg);
  return NULL;
}

static int int_args(napi_env env, napi_callback_info info, size_t want, int32_t *out) {
  napi_value argv[6];
  size_t argc = 6;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, "EINVAL", "missing arguments");
    return 0;
  }
  for (size_t i = 0; i < want; i++) {
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, "EINVAL", "arguments must be integers");
      return 0;
    }
  }
  return 1;
}

/* setTos(fd, family 4|6, tos 0-255) */
static napi_value set_tos(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!int_args(env, info, 3, a)) return NULL;
  int tos = a[2];
  if (tos < 0 || tos > 255) { napi_throw_range_error(env, "EINVAL", "tos must be 0-255"); return NULL; }
  if (a[1] == 6) {
    if (setsockopt(a[0], IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos) != 0) return throw_errno(env, errno, "setsockopt(IPV6_TCLASS)");
    /* A dual-stack socket sends IPv4-mapped traffic with IP_TOS; not every socket accepts it, and that is fine. */
    (void)setsockopt(a[0], IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  } else if (setsockopt(a[0], IPPROTO_IP, IP_TOS, &tos, sizeof tos) != 0) {
    return throw_errno(env, errno, "setsockopt(IP_TOS)");
  }
  return NULL;
}

/* getTos(fd, family 4|6) -> number */
static napi_value get_tos(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, 2, a)) return NULL;
  int v = 0;
  socklen_t len = sizeof v;
  int rc = a[1] == 6 ? getsockopt(a[0], IPPROTO_IPV6, IPV6_TCLASS, &v, &len) : getsockopt(a[0], IPPROTO_IP, IP_TOS, &v, &len);
  if (rc != 0) return throw_errno(env, errno, "getsockopt(TOS)");
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

/* setKeepAlive(fd, idleS, intervalS, count, userTimeoutMs): SO_KEEPALIVE on with the timings; 0 leaves the OS value. */
static napi_value set_keepalive(napi_env env, napi_callback_info info) {
  int32_t a[5];
  if (!int_args(env, info, 5, a)) return NULL;
  int on = 1;
  if (setsockopt(a[0], SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0) return throw_errno(env, errno, "setsockopt(SO_KEEPALIVE)");
  if (a[1] > 0 && setsockopt(a[0], IPPROTO_TCP, TCP_KEEPIDLE, &a[1], sizeof a[1]) != 0) return throw_errno(env, errno, "setsockopt(TCP_KEEPIDLE)");
  if (a[2] > 0 && setsockopt(a[0], IPPROTO_TCP, TCP_KEEPINTVL, &a[2], sizeof a[2]) != 0) return throw_errno(env, errno, "setsockopt(TCP_KEEPINTVL)");
  if (a[3] > 0 && setsockopt(a[0], IPPROTO_TCP, TCP_KEEPCNT, &a[3], sizeof a[3]) != 0) return throw_errno(env, errno, "setsockopt(TCP_KEEPCNT)");
  unsigned int user_timeout = (unsigned int)a[4];
  if (a[4] > 0 && setsockopt(a[0], IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout) != 0) return throw_errno(env, errno, "setsockopt(TCP_USER_TIMEOUT)");
  return NULL;
}

/* getKeepAlive(fd) -> [enabled 0|1, idleS, intervalS, count, userTimeoutMs] */
static napi_value get_keepalive(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!int_args(env, info, 1, a)) return NULL;
  int v[5] = {0, 0, 0, 0, 0};
  socklen_t len = sizeof(int);
  if (getsockopt(a[0], SOL_SOCKET, SO_KEEPALIVE, &v[0], &len) != 0) return throw_errno(env, errno, "getsockopt(SO_KEEPALIVE)");
  len = sizeof(int);
  if (getsockopt(a[0], IPPROTO_TCP, TCP_KEEPIDLE, &v[1], &len) != 0) return throw_errno(env, errno, "getsockopt(TCP_KEEPIDLE)");
  len = sizeof(int);
  if (getsockopt(a[0], IPPROTO_TCP, TCP_KEEPINTVL, &v[2], &len) != 0) return throw_errno(env, errno, "getsockopt(TCP_KEEPINTVL)");
  len = sizeof(int);
  if (getsockopt(a[0], IPPROTO_TCP, TCP_KEEPCNT, &v[3], &len) != 0) return throw_errno(env, errno, "getsockopt(TCP_KEEPCNT)");
  len = sizeof(int);
  if (getsockopt(a[0], IPPROTO_TCP, TCP_USER_TIMEOUT, &v[4], &len) != 0) return throw_errno(env, errno, "getsockopt(TCP_USER_TIMEOUT)");
  napi_value arr;
  napi_create_array_with_length(env, 5, &arr);
  for (uint32_t i = 0; i < 5; i++) {
    napi_value n;
    napi_create_int32(env, v[i], &n);
    napi_set_element(env, arr, i, n);
  }
  return arr;
}

/*
 * reusePortSocket(stream 0|1, family 4|6, address, port) -> fd: a UDP (stream 0) or TCP (stream 1) socket with
 * SO_REUSEADDR and SO_REUSEPORT, bound to address:port (IPv6 sockets IPv6-only, as the transport's own sockets are,
 * so `0.0.0.0` and `::` share the port). Not listening yet: net.Server.listen({ fd }) calls listen(). Close-on-exec,
 * so a process group's children do not inherit each other's sockets. The kernel hashes each UDP datagram's 4-tuple
 * (and each TCP connection) to one socket of the port's group: a source's retransmissions reach the same process.
 */
static napi_value reuse_port_socket(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    napi_throw_type_error(env, "EINVAL", "reusePortSocket(stream, family, address, port)");
    return NULL;
  }
  int32_t stream, family, port;
  char address[64];
  size_t len = 0;
  if (napi_get_value_int32(env, argv[0], &stream) != napi_ok || napi_get_value_int32(env, argv[1], &family) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], address, sizeof address, &len) != napi_ok || napi_get_value_int32(env, argv[3], &port) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "reusePortSocket(stream: 0|1, family: 4|6, address: string, port: number)");
    return NULL;
  }
  if (port < 0 || port > 65535 || (family != 4 && family != 6)) { napi_throw_range_error(env, "EINVAL", "port 0-65535, family 4 or 6"); return NULL; }
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sslen;
  if (family == 6) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, address, &a6->sin6_addr) != 1) { napi_throw_type_error(env, "EINVAL", "not an IPv6 address"); return NULL; }
    sslen = sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, address, &a4->sin_addr) != 1) { napi_throw_type_error(env, "EINVAL", "not an IPv4 address"); return NULL; }
    sslen = sizeof *a4;
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, errno, "socket()");
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 ||
      (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "setsockopt(SO_REUSEPORT)");
  }
  if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "bind()");
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"setTos", NULL, set_tos, NULL, NULL, NULL, napi_enumerable, NULL},
    {"getTos", NULL, get_tos, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setKeepAlive", NULL, set_keepalive, NULL, NULL, NULL, napi_enumerable, NULL},
    {"getKeepAlive", NULL, get_keepalive, NULL, NULL, NULL, napi_enumerable, NULL},
    {"reusePortSocket", NULL, reuse_port_socket, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
