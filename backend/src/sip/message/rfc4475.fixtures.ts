/**
 * RFC 4475 "SIP Torture Test Messages", every message of §3.1.1, §3.1.2, §3.2, §3.3 and §3.4,
 * written byte for byte (Appendix A.1 archive): CRLF line ends, odd whitespace and folding kept,
 * non-printable and UTF-8 octets written as \xNN escapes of a latin1 string (one char = one octet).
 * `<repeat count=N>` runs from the RFC text are expanded with String.prototype.repeat.
 * The 13 §3.1.1 messages are checked against SHA-256 digests of the archive members in the spec.
 */

/** Join lines with CRLF; the caller supplies the empty line and body explicitly. */
function crlf(...lines: string[]): string {
  return lines.join('\r\n');
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

const SDP_150 = (ip1: string, ip2: string): string =>
  crlf('v=0', `o=mhandley 29739 7272939 IN IP4 ${ip1}`, 's=-', `c=IN IP4 ${ip2}`, 't=0 0', 'm=audio 49217 RTP/AVP 0 12', 'm=video 3227 RTP/AVP 31', 'a=rtpmap:31 LPC', '');

export interface TortureMessage {
  /** Archive file name (without .dat). */
  name: string;
  /** RFC 4475 section. */
  section: string;
  bytes: Buffer;
}

// ---------------------------------------------------------------- 3.1.1 Valid messages

const wsinv = crlf(
  'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
  'TO :',
  ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
  'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
  '  ;',
  '  tag = 98asjd8',
  'MaX-fOrWaRdS: 0068',
  'Call-ID: wsinv.ndaksdj@192.0.2.1',
  'Content-Length   : 150',
  'cseq: 0009',
  '  INVITE',
  'Via  : SIP  /   2.0',
  ' /UDP',
  '    192.0.2.2;branch=390skdjuw',
  's :',
  'NewFangledHeader:   newfangled value',
  ' continued newfangled value',
  'UnknownHeaderWithUnusualValue: ;;,,;;,;',
  'Content-Type: application/sdp',
  'Route:',
  ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
  'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
  '  branch  =   z9hG4bK9ikj8  ,',
  ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
  ' z9hG4bK30239',
  'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
  '      newvalue ;',
  '  secondparam ; q = 0.33',
  '',
  SDP_150('192.0.2.3', '192.0.2.4'),
);

const intmeth = crlf(
  "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0",
  "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
  'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7F" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
  "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\xD1\x80\xD0\xB0\xD0\xB1\xD0\xBE\xD1\x82\xD0\xB0\xD1\x8E\xD1\x89\xD0\xB8\xD0\xB9\";tag=_token~1'+`*%!-.",
  "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
  "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~",
  'Max-Forwards: 255',
  "extensionHeader-!.%*+_`'~:\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB",
  'Content-Length: 0',
  '',
  '',
);

const esc01 = crlf(
  'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
  'To: sip:%75se%72@example.com',
  'From: <sip:I%20have%20spaces@example.net>;tag=938',
  'Max-Forwards: 87',
  'i: esc01.239409asdfakjkn23onasd0-3234',
  'CSeq: 234234 INVITE',
  'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
  'C: application/sdp',
  'Contact:',
  '  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>',
  'Content-Length: 150',
  '',
  SDP_150('192.0.2.1', '192.0.2.1'),
);

const escnull = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'To: sip:null-%00-null@example.com',
  'From: sip:null-%00-null@example.com;tag=839923423',
  'Max-Forwards: 70',
  'Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd',
  'CSeq: 14398234 REGISTER',
  'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
  'Contact: <sip:%00@host5.example.com>',
  'Contact: <sip:%00%00@host5.example.com>',
  'L:0',
  '',
  '',
);

const esc02 = crlf(
  'RE%47IST%45R sip:registrar.example.com SIP/2.0',
  'To: "%Z%45" <sip:resource@example.com>',
  'From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23',
  'Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf',
  'Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234',
  'CSeq: 29344 RE%47IST%45R',
  'Max-Forwards: 70',
  'Contact: <sip:alias1@host1.example.com>',
  'C%6Fntact: <sip:alias2@host2.example.com>',
  'Contact: <sip:alias3@host3.example.com>',
  'l: 0',
  '',
  '',
);

const lwsdisp = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: caller<sip:caller@example.com>;tag=323',
  'Max-Forwards: 70',
  'Call-ID: lwsdisp.1234abcd@funky.example.com',
  'CSeq: 60 OPTIONS',
  'Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw',
  'l: 0',
  '',
  '',
);

const longVias: string[] = [];
{
  const names = ['Via', 'v', 'V', 'Via', 'ViA', 'VIa', 'VIA', 'via', 'viA', 'vIa', 'vIA', 'V :  ', 'v :  ', 'V  : ', 'v  : ', 'Via : ', 'Via  : '];
  for (let n = 33; n >= 1; n--) {
    const idx = 33 - n;
    const nm = idx < names.length ? names[idx] : 'Via';
    const sep = nm.endsWith(' ') ? '' : ': ';
    longVias.push(`${nm}${sep}SIP/2.0/TCP sip${n}.example.com`);
  }
}

const longreq = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  `To: "I have a user name of ${'extreme'.repeat(10)} proportion"<sip:user@example.com:6000;unknownparam1=very${'long'.repeat(20)}value;longparam${'name'.repeat(25)}=shortvalue;very${'long'.repeat(25)}ParameterNameWithNoValue>`,
  `F: sip:${'amazinglylongcallername'.repeat(5)}@example.net;tag=12${'982'.repeat(50)}424;unknownheaderparam${'name'.repeat(20)}=unknowheaderparam${'value'.repeat(15)};unknownValueless${'paramname'.repeat(10)}`,
  `Call-ID: longreq.one${'really'.repeat(20)}longcallid`,
  'CSeq: 3882340 INVITE',
  `Unknown-${'Long'.repeat(20)}-Name: unknown-${'long'.repeat(20)}-value; unknown-${'long'.repeat(20)}-parameter-name = unknown-${'long'.repeat(20)}-parameter-value`,
  ...longVias,
  `Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very${'long'.repeat(50)}branchvalue`,
  'Max-Forwards: 70',
  `Contact: <sip:${'amazinglylongcallername'.repeat(5)}@host5.example.net>`,
  'Content-Type: application/sdp',
  'l: 150',
  '',
  SDP_150('192.0.2.1', '192.0.2.1'),
);

const dblreq =
  crlf(
    'REGISTER sip:example.com SIP/2.0',
    'To: sip:j.user@example.com',
    'From: sip:j.user@example.com;tag=43251j3j324',
    'Max-Forwards: 8',
    'I: dblreq.0ha0isndaksdj99sdfafnl3lk233412',
    'Contact: sip:j.user@host.example.com',
    'CSeq: 8 REGISTER',
    'Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492',
    'Content-Length: 0',
    '',
    '',
    '',
  ) +
  crlf(
    'INVITE sip:joe@example.com SIP/2.0',
    't: sip:joe@example.com',
    'From: sip:caller@example.net;tag=141334',
    'Max-Forwards: 8',
    'Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15',
    'CSeq: 8 INVITE',
    'Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234',
    'Content-Type: application/sdp',
    'Content-Length: 150',
    '',
    'v=0',
    'o=mhandley 29739 7272939 IN IP4 192.0.2.15',
    's=-',
    'c=IN IP4 192.0.2.15',
    't=0 0',
    'm=audio 49217 RTP/AVP 0 12',
    'm =video 3227 RTP/AVP 31',
    'a=rtpmap:31 LPC',
    '',
    '',
  );

const semiuri = crlf(
  'OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0',
  'To: sip:j_user@example.com',
  'From: sip:caller@example.org;tag=33242',
  'Max-Forwards: 3',
  'Call-ID: semiuri.0ha0isndaksdj',
  'CSeq: 8 OPTIONS',
  'Accept: application/sdp, application/pkcs7-mime,',
  '        multipart/mixed, multipart/signed,',
  '        message/sip, message/sipfrag',
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw',
  'l: 0',
  '',
  '',
);

const transports = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: <sip:caller@example.com>;tag=323',
  'Max-Forwards: 70',
  'Call-ID:  transports.kijh4akdnaqjkwendsasfdj',
  'Accept: application/sdp',
  'CSeq: 60 OPTIONS',
  'Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw',
  'Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf',
  'Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj',
  'Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en',
  'Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee',
  'l: 0',
  '',
  '',
);

const MPART_DER =
  '\x30\x82\x01\x52\x06\x09\x2A\x86' +
  '\x48\x86\xF7\x0D\x01\x07\x02\xA0\x82\x01\x43\x30\x82\x01\x3F\x02' +
  '\x01\x01\x31\x09\x30\x07\x06\x05\x2B\x0E\x03\x02\x1A\x30\x0B\x06' +
  '\x09\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01\x31\x82\x01\x20\x30\x82' +
  '\x01\x1C\x02\x01\x01\x30\x7C\x30\x70\x31\x0B\x30\x09\x06\x03\x55' +
  '\x04\x06\x13\x02\x55\x53\x31\x13\x30\x11\x06\x03\x55\x04\x08\x13' +
  '\x0A\x43\x61\x6C\x69\x66\x6F\x72\x6E\x69\x61\x31\x11\x30\x0F\x06' +
  '\x03\x55\x04\x07\x13\x08\x53\x61\x6E\x20\x4A\x6F\x73\x65\x31\x0E' +
  '\x30\x0C\x06\x03\x55\x04\x0A\x13\x05\x73\x69\x70\x69\x74\x31\x29' +
  '\x30\x27\x06\x03\x55\x04\x0B\x13\x20\x53\x69\x70\x69\x74\x20\x54' +
  '\x65\x73\x74\x20\x43\x65\x72\x74\x69\x66\x69\x63\x61\x74\x65\x20' +
  '\x41\x75\x74\x68\x6F\x72\x69\x74\x79\x02\x08\x01\x95\x00\x71\x02' +
  '\x33\x01\x13\x30\x07\x06\x05\x2B\x0E\x03\x02\x1A\x30\x0D\x06\x09' +
  '\x2A\x86\x48\x86\xF7\x0D\x01\x01\x01\x05\x00\x04\x81\x80\x8E\xF4' +
  '\x66\xF9\x48\xF0\x52\x2D\xD2\xE5\x97\x8E\x9D\x95\xAA\xE9\xF2\xFE' +
  '\x15\xA0\x66\x59\x71\x62\x92\xE8\xDA\x2A\xA8\xD8\x35\x0A\x68\xCE' +
  '\xFF\xAE\x3C\xBD\x2B\xFF\x16\x75\xDD\xD5\x64\x8E\x59\x3D\xD6\x47' +
  '\x28\xF2\x62\x20\xF7\xE9\x41\x74\x9E\x33\x0D\x9A\x15\xED\xAB\xDB' +
  '\x93\xD1\x0C\x42\x10\x2E\x7B\x72\x89\xD2\x9C\xC0\xC9\xAE\x2E\xFB' +
  '\xC7\xC0\xCF\xF9\x17\x2F\x3B\x02\x7E\x4F\xC0\x27\xE1\x54\x6D\xE4' +
  '\xB6\xAA\x3A\xBB\x3E\x66\xCC\xCB\x5D\xD6\xC6\x4B\x83\x83\x14\x9C' +
  '\xB8\xE6\xFF\x18\x2D\x94\x4F\xE5\x7B\x65\xBC\x99\xD0\x05';

const mpart01 =
  crlf(
    'MESSAGE sip:kumiko@example.org SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport',
    'Max-Forwards: 70',
    'Route: <sip:127.0.0.1:5080>',
    'Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=',
    'Contact: <sip:fluffy@127.0.0.1:5070>',
    'To: <sip:kumiko@example.org>',
    'From: <sip:fluffy@example.com>;tag=2fb0dcc9',
    'Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..',
    'CSeq: 1 MESSAGE',
    'Content-Transfer-Encoding: binary',
    'Content-Type: multipart/mixed;boundary=7a9cbec02ceef655',
    'Date: Sat, 15 Oct 2005 04:44:56 GMT',
    'User-Agent: SIPimp.org/0.2.5 (curses)',
    'Content-Length: 553',
    '',
    '--7a9cbec02ceef655',
    'Content-Type: text/plain',
    'Content-Transfer-Encoding: binary',
    '',
    'Hello',
    '--7a9cbec02ceef655',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: binary',
    '',
    '',
  ) +
  MPART_DER +
  crlf('', '--7a9cbec02ceef655--', '');

const unreason = crlf(
  'SIP/2.0 200 = 2**3 * 5**2 \xD0\xBD\xD0\xBE\x20\xD1\x81\xD1\x82\xD0\xBE\x20\xD0\xB4\xD0\xB5\xD0\xB2\xD1\x8F\xD0\xBD\xD0\xBE\xD1\x81\xD1\x82\xD0\xBE\x20\xD0\xB4\xD0\xB5\xD0\xB2\xD1\x8F\xD1\x82\xD1\x8C\x20\x2D\x20\xD0\xBF\xD1\x80\xD0\xBE\xD1\x81\xD1\x82\xD0\xBE\xD0\xB5',
  'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923',
  'Call-ID: unreason.1234ksdfak3j2erwedfsASdf',
  'CSeq: 35 INVITE',
  'From: sip:user@example.com;tag=11141343',
  'To: sip:user@example.edu;tag=2229',
  'Content-Length: 154',
  'Content-Type: application/sdp',
  'Contact: <sip:user@host198.example.com>',
  '',
  SDP_150('192.0.2.198', '192.0.2.198'),
);

const noreason = crlf(
  'SIP/2.0 100 ',
  'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe',
  'Call-ID: noreason.asndj203insdf99223ndf',
  'CSeq: 35 INVITE',
  'From: <sip:user@example.com>;tag=39ansfi3',
  'To: <sip:user@example.edu>;tag=902jndnke3',
  'Content-Length: 0',
  'Contact: <sip:user@host105.example.com>',
  '',
  '',
);

// ---------------------------------------------------------------- 3.1.2 Invalid messages

const badinv01 = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=134161461246',
  'Max-Forwards: 7',
  'Call-ID: badinv01.0ha0isndaksdjasdf3234nas',
  'CSeq: 8 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.15;;,;,,',
  'Contact: "Joe" <sip:joe@example.org>;;;;',
  'Content-Length: 152',
  'Content-Type: application/sdp',
  '',
  SDP_150('192.0.2.15', '192.0.2.15'),
);

const clerr = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'Max-Forwards: 80',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=93942939o2',
  'Contact: <sip:caller@hungry.example.net>',
  'Call-ID: clerr.0ha0isndaksdjweiafasdk3',
  'CSeq: 8 INVITE',
  'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523',
  'Content-Type: application/sdp',
  'Content-Length: 9999',
  '',
  SDP_150('192.0.2.155', '192.0.2.155'),
);

const ncl = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'Max-Forwards: 254',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=32394234',
  'Call-ID: ncl.0ha0isndaksdj2193423r542w35',
  'CSeq: 0 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw',
  'Contact: <sip:caller@example53.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: -999',
  '',
  SDP_150('192.0.2.53', '192.0.2.53'),
);

const scalar02 = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3',
  'To: <sip:user@example.com>',
  'From: <sip:user@example.com>;tag=239232jh3',
  'CSeq: 36893488147419103232 REGISTER',
  'Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32',
  'Max-Forwards: 300',
  `Expires: 1${'0'.repeat(100)}`,
  'Contact: <sip:user@host129.example.com>',
  '  ;expires=280297596632815',
  'Content-Length: 0',
  '',
  '',
);

const scalarlg = crlf(
  'SIP/2.0 503 Service Unavailable',
  'Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129',
  'To: <sip:user@example.com>',
  'From: <sip:other@example.net>;tag=2easdjfejw',
  'CSeq: 9292394834772304023312 OPTIONS',
  'Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r',
  'Retry-After: 949302838503028349304023988',
  'Warning: 1812 overture "In Progress"',
  'Content-Length: 0',
  '',
  '',
);

const quotbal = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'To: "Mr. J. User <sip:j.user@example.com>',
  'From: sip:caller@example.net;tag=93334',
  'Max-Forwards: 10',
  'Call-ID: quotbal.aksdj',
  'Contact: <sip:caller@host59.example.net>',
  'CSeq: 8 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234',
  'Content-Type: application/sdp',
  'Content-Length: 152',
  '',
  SDP_150('192.0.2.15', '192.0.2.15'),
);

const SDP_159 = (ip: string): string =>
  crlf('v=0', `o=mhandley 29739 7272939 IN IP4 ${ip}`, 's=-', `c=IN IP4 ${ip}`, 't=3149328700 0', 'm=audio 49217 RTP/AVP 0 12', 'm=video 3227 RTP/AVP 31', 'a=rtpmap:31 LPC', '');

const ltgtruri = crlf(
  'INVITE <sip:user@example.com> SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=39291',
  'Max-Forwards: 23',
  'Call-ID: ltgtruri.1@192.0.2.5',
  'CSeq: 1 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.5',
  'Contact: <sip:caller@host5.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: 159',
  '',
  SDP_159('192.0.2.5'),
);

const lwsruri = crlf(
  'INVITE sip:user@example.com; lr SIP/2.0',
  'To: sip:user@example.com;tag=3xfe-9921883-z9f',
  'From: sip:caller@example.net;tag=231413434',
  'Max-Forwards: 5',
  'Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423',
  'CSeq: 2130706432 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395',
  'Contact: <sip:caller@host1.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: 159',
  '',
  SDP_159('192.0.2.1'),
);

const lwsstart = crlf(
  'INVITE  sip:user@example.com  SIP/2.0',
  'Max-Forwards: 8',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=8814',
  'Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com',
  'CSeq: 1893884 INVITE',
  'Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923',
  'Contact: <sip:caller@host1.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: 150',
  '',
  SDP_150('192.0.2.1', '192.0.2.1'),
);

const trws = crlf(
  'OPTIONS sip:remote-target@example.com SIP/2.0  ',
  'Via: SIP/2.0/TCP host1.examle.com;branch=z9hG4bK299342093',
  'To: <sip:remote-target@example.com>',
  'From: <sip:local-resource@example.com>;tag=329429089',
  'Call-ID: trws.oicu34958239neffasdhr2345r',
  'Accept: application/sdp',
  'CSeq: 238923 OPTIONS',
  'Max-Forwards: 70',
  'Content-Length: 0',
  '',
  '',
);

const escruri = crlf(
  'INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=341518',
  'Max-Forwards: 7',
  'Contact: <sip:caller@host39923.example.net>',
  'Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5',
  'CSeq: 149209342 INVITE',
  'Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw',
  'Content-Type: application/sdp',
  'Content-Length: 150',
  '',
  SDP_150('192.0.2.1', '192.0.2.1'),
);

const baddate = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=2234923',
  'Max-Forwards: 70',
  'Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234',
  'CSeq: 1392934 INVITE',
  'Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw',
  'Date: Fri, 01 Jan 2010 16:00:00 EST',
  'Contact: <sip:caller@host5.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: 150',
  '',
  SDP_150('192.0.2.5', '192.0.2.5'),
);

const regbadct = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:user@example.com;tag=998332',
  'Max-Forwards: 70',
  'Call-ID: regbadct.k345asrl3fdbv@10.0.0.1',
  'CSeq: 1 REGISTER',
  'Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw',
  'Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E',
  'l: 0',
  '',
  '',
);

const badaspec = crlf(
  'OPTIONS sip:user@example.org SIP/2.0',
  'Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234',
  'Max-Forwards: 70',
  'From: "Bell, Alexander" <sip:a.g.bell@example.com>;tag=433423',
  'To: "Watson, Thomas" < sip:t.watson@example.org >',
  'Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3',
  'Accept: application/sdp',
  'CSeq: 3923239 OPTIONS',
  'l: 0',
  '',
  '',
);

const baddn = crlf(
  'OPTIONS sip:t.watson@example.org SIP/2.0',
  'Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw',
  'Max-Forwards:      70',
  'From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43',
  'To:      Watson, Thomas <sip:t.watson@example.org>',
  'Call-ID: baddn.31415@c.example.com',
  'Accept: application/sdp',
  'CSeq:    3923239 OPTIONS',
  'l: 0',
  '',
  '',
);

const badvers = crlf(
  'OPTIONS sip:t.watson@example.org SIP/7.0',
  'Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw',
  'Max-Forwards:     70',
  'From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe',
  'To:      T. Watson <sip:t.watson@example.org>',
  'Call-ID: badvers.31417@c.example.com',
  'CSeq:    1 OPTIONS',
  'l: 0',
  '',
  '',
);

const mismatch01 = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=34525',
  'Max-Forwards: 6',
  'Call-ID: mismatch01.dj0234sxdfl3',
  'CSeq: 8 INVITE',
  'Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw',
  'l: 0',
  '',
  '',
);

const mismatch02 = crlf(
  'NEWMETHOD sip:user@example.com SIP/2.0',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=34525',
  'Max-Forwards: 6',
  'Call-ID: mismatch02.dj0234sxdfl3',
  'CSeq: 8 INVITE',
  'Contact: <sip:caller@host.example.net>',
  'Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw',
  'Content-Type: application/sdp',
  'l: 138',
  '',
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.1',
  'c=IN IP4 192.0.2.1',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
);

const bigcode = crlf(
  'SIP/2.0 4294967301 better not break the receiver',
  'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe',
  'Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i',
  'CSeq: 353494 INVITE',
  'From: <sip:user@example.com>;tag=39ansfi3',
  'To: <sip:user@example.edu>;tag=902jndnke3',
  'Content-Length: 0',
  'Contact: <sip:user@host105.example.com>',
  '',
  '',
);

// ---------------------------------------------------------------- 3.2 Transaction layer

const badbranch = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.org;tag=33242',
  'Max-Forwards: 3',
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK',
  'Accept: application/sdp',
  'Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n',
  'CSeq: 8 OPTIONS',
  'l: 0',
  '',
  '',
);

// ---------------------------------------------------------------- 3.3 Application layer

const insuf = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'CSeq: 193942 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf',
  'Content-Type: application/sdp',
  'l: 152',
  '',
  SDP_150('192.0.2.95', '192.0.2.95'),
);

const unkscm = crlf(
  'OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=384',
  'Max-Forwards: 3',
  'Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34',
  'CSeq: 3923423 OPTIONS',
  'Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234',
  'Content-Length: 0',
  '',
  '',
);

const novelsc = crlf(
  'OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=384',
  'Max-Forwards: 3',
  'Call-ID: novelsc.asdfasser0q239nwsdfasdkl34',
  'CSeq: 3923423 OPTIONS',
  'Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234',
  'Content-Length: 0',
  '',
  '',
);

const unksm2 = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'To: isbn:2983792873',
  'From: <http://www.example.com>;tag=3234233',
  'Call-ID: unksm2.daksdj@hyphenated-host.example.com',
  'CSeq: 234902 REGISTER',
  'Max-Forwards: 70',
  'Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw',
  'Contact: <name:John_Smith>',
  'l: 0',
  '',
  '',
);

const bext01 = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:j_user@example.com',
  'From: sip:caller@example.net;tag=242etr',
  'Max-Forwards: 6',
  'Call-ID: bext01.0ha0isndaksdj',
  'Require: nothingSupportsThis, nothingSupportsThisEither',
  'Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis',
  'CSeq: 8 OPTIONS',
  'Via: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw',
  'Content-Length: 0',
  '',
  '',
);

const invut = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'Contact: <sip:caller@host5.example.net>',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=8392034',
  'Max-Forwards: 70',
  'Call-ID: invut.0ha0isndaksdjadsfij34n23d',
  'CSeq: 235448 INVITE',
  'Via: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKkdjuw',
  'Content-Type: application/unknownformat',
  'Content-Length: 40',
  '',
  '<audio>',
  ' <pcmu port="443"/>',
  '</audio>',
  '',
);

const regaut01 = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'To: sip:j.user@example.com',
  'From: sip:j.user@example.com;tag=87321hj23128',
  'Max-Forwards: 8',
  'Call-ID: regaut01.0ha0isndaksdj',
  'CSeq: 9338 REGISTER',
  'Via: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKkdjuw',
  'Authorization: NoOneKnowsThisScheme opaque-data=here',
  'Content-Length:0',
  '',
  '',
);

const multi01 = crlf(
  'INVITE sip:user@company.com SIP/2.0',
  'Contact: <sip:caller@host25.example.net>',
  'Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw',
  'Max-Forwards: 70',
  'CSeq: 5 INVITE',
  'Call-ID: multi01.98asdh@192.0.2.1',
  'CSeq: 59 INVITE',
  'Call-ID: multi01.98asdh@192.0.2.2',
  'From: sip:caller@example.com;tag=3413415',
  'To: sip:user@example.com',
  'To: sip:other@example.net',
  'From: sip:caller@example.net;tag=2923420123',
  'Content-Type: application/sdp',
  'l: 154',
  'Contact: <sip:caller@host36.example.net>',
  'Max-Forwards: 5',
  '',
  SDP_150('192.0.2.25', '192.0.2.25'),
  '',
);

const mcl01 = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423',
  'To: sip:user@example.com',
  'From: sip:other@example.net;tag=3923942',
  'Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf',
  'CSeq: 15932 OPTIONS',
  'Content-Length: 13',
  'Max-Forwards: 60',
  'Content-Length: 5',
  'Content-Type: text/plain',
  '',
  "There's no way to know how many octets are supposed to be here.",
  '',
);

const bcast = crlf(
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923',
  'Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23',
  'Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf',
  'CSeq: 35 INVITE',
  'From: sip:user@example.com;tag=11141343',
  'To: sip:user@example.edu;tag=2229',
  'Content-Length: 154',
  'Content-Type: application/sdp',
  'Contact: <sip:user@host28.example.com>',
  '',
  SDP_150('192.0.2.198', '192.0.2.198'),
);

const zeromf = crlf(
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=3ghsd41',
  'Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas',
  'CSeq: 39234321 OPTIONS',
  'Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i',
  'Max-Forwards: 0',
  'Content-Length: 0',
  '',
  '',
);

const cparam01 = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw',
  'Max-Forwards: 70',
  'From: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe',
  'To: sip:watson@example.com',
  'Call-ID: cparam01.70710@saturn.example.com',
  'CSeq: 2 REGISTER',
  'Contact: sip:+19725552222@gw1.example.net;unknownparam',
  'l: 0',
  '',
  '',
);

const cparam02 = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw',
  'Max-Forwards: 70',
  'From: sip:watson@example.com;tag=838293',
  'To: sip:watson@example.com',
  'Call-ID: cparam02.70710@saturn.example.com',
  'CSeq: 3 REGISTER',
  'Contact: <sip:+19725552222@gw1.example.net;unknownparam>',
  'l: 0',
  '',
  '',
);

const regescrt = crlf(
  'REGISTER sip:example.com SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:user@example.com;tag=8',
  'Max-Forwards: 70',
  'Call-ID: regescrt.k345asrl3fdbv@192.0.2.1',
  'CSeq: 14398234 REGISTER',
  'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
  'M: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>',
  'L:0',
  '',
  '',
);

const sdp01 = crlf(
  'INVITE sip:user@example.com SIP/2.0',
  'To: sip:j_user@example.com',
  'Contact: <sip:caller@host15.example.net>',
  'From: sip:caller@example.net;tag=234',
  'Max-Forwards: 5',
  'Call-ID: sdp01.ndaksdj9342dasdd',
  'Accept: text/nobodyKnowsThis',
  'CSeq: 8 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw',
  'Content-Length: 150',
  'Content-Type: application/sdp',
  '',
  SDP_150('192.0.2.5', '192.0.2.5'),
);

// ---------------------------------------------------------------- 3.4 Backward compatibility

const inv2543 = crlf(
  'INVITE sip:UserB@example.com SIP/2.0',
  'Via: SIP/2.0/UDP iftgw.example.com',
  'From: <sip:+13035551111@ift.client.example.net;user=phone>',
  'Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>',
  'To: sip:+16505552222@ss1.example.net;user=phone',
  'Call-ID: inv2543.1717@ift.client.example.com',
  'CSeq: 56 INVITE',
  'Content-Type: application/sdp',
  '',
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.5',
  's=-',
  'c=IN IP4 192.0.2.5',
  't=0 0',
  'm=audio 49217 RTP/AVP 0',
  '',
);

const ALL: ReadonlyArray<readonly [string, string, string]> = [
  ['wsinv', '3.1.1.1', wsinv],
  ['intmeth', '3.1.1.2', intmeth],
  ['esc01', '3.1.1.3', esc01],
  ['escnull', '3.1.1.4', escnull],
  ['esc02', '3.1.1.5', esc02],
  ['lwsdisp', '3.1.1.6', lwsdisp],
  ['longreq', '3.1.1.7', longreq],
  ['dblreq', '3.1.1.8', dblreq],
  ['semiuri', '3.1.1.9', semiuri],
  ['transports', '3.1.1.10', transports],
  ['mpart01', '3.1.1.11', mpart01],
  ['unreason', '3.1.1.12', unreason],
  ['noreason', '3.1.1.13', noreason],
  ['badinv01', '3.1.2.1', badinv01],
  ['clerr', '3.1.2.2', clerr],
  ['ncl', '3.1.2.3', ncl],
  ['scalar02', '3.1.2.4', scalar02],
  ['scalarlg', '3.1.2.5', scalarlg],
  ['quotbal', '3.1.2.6', quotbal],
  ['ltgtruri', '3.1.2.7', ltgtruri],
  ['lwsruri', '3.1.2.8', lwsruri],
  ['lwsstart', '3.1.2.9', lwsstart],
  ['trws', '3.1.2.10', trws],
  ['escruri', '3.1.2.11', escruri],
  ['baddate', '3.1.2.12', baddate],
  ['regbadct', '3.1.2.13', regbadct],
  ['badaspec', '3.1.2.14', badaspec],
  ['baddn', '3.1.2.15', baddn],
  ['badvers', '3.1.2.16', badvers],
  ['mismatch01', '3.1.2.17', mismatch01],
  ['mismatch02', '3.1.2.18', mismatch02],
  ['bigcode', '3.1.2.19', bigcode],
  ['badbranch', '3.2.1', badbranch],
  ['insuf', '3.3.1', insuf],
  ['unkscm', '3.3.2', unkscm],
  ['novelsc', '3.3.3', novelsc],
  ['unksm2', '3.3.4', unksm2],
  ['bext01', '3.3.5', bext01],
  ['invut', '3.3.6', invut],
  ['regaut01', '3.3.7', regaut01],
  ['multi01', '3.3.8', multi01],
  ['mcl01', '3.3.9', mcl01],
  ['bcast', '3.3.10', bcast],
  ['zeromf', '3.3.11', zeromf],
  ['cparam01', '3.3.12', cparam01],
  ['cparam02', '3.3.13', cparam02],
  ['regescrt', '3.3.14', regescrt],
  ['sdp01', '3.3.15', sdp01],
  ['inv2543', '3.4.1', inv2543],
];

/** All 49 RFC 4475 messages in RFC order. */
export const TORTURE: readonly TortureMessage[] = ALL.map(([name, section, text]) => ({ name, section, bytes: bytes(text) }));

export function torture(name: string): Buffer {
  const t = TORTURE.find((m) => m.name === name);
  if (t === undefined) throw new Error('no torture message ' + name);
  return t.bytes;
}
