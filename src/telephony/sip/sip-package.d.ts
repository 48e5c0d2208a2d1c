/**
 * The part of the `sip` package (kirm/sip.js, plain JavaScript) this carrier uses, typed
 * from its doc/api.markdown. Messages are its parsed objects: header names lower-case.
 */
declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    password?: string;
    host: string;
    port?: number;
    params: Record<string, string | null | undefined>;
    headers?: Record<string, string>;
  }
  export interface NameAddr {
    name?: string;
    uri: string | SipUri;
    params: Record<string, string | null | undefined>;
  }
  export interface Via {
    version?: string;
    protocol?: string;
    host?: string;
    port?: number;
    params: Record<string, string | number | null | undefined>;
  }
  export interface SipHeaders {
    via?: Via[];
    from?: NameAddr;
    to?: NameAddr;
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    contact?: NameAddr[];
    route?: NameAddr[];
    'record-route'?: NameAddr[];
    [name: string]: unknown;
  }
  export interface SipMessage {
    method?: string;
    uri?: string | SipUri;
    status?: number;
    reason?: string;
    version?: string;
    headers: SipHeaders;
    content?: string;
  }
  export interface Remote {
    protocol: string;
    address: string;
    port: number;
  }
  export interface StackOptions {
    address?: string;
    port?: number;
    publicAddress?: string;
    hostname?: string;
    udp?: boolean;
    tcp?: boolean;
    logger?: { send?(m: SipMessage, target: unknown): void; recv?(m: SipMessage, remote: Remote): void; error?(e: unknown): void };
  }
  export interface SipStack {
    send(message: SipMessage, onResponse?: (response: SipMessage) => void): void;
    destroy(): void;
  }
  export function create(options: StackOptions, onRequest: (request: SipMessage, remote: Remote) => void): SipStack;
  export function makeResponse(request: SipMessage, status: number, reason?: string): SipMessage;
  export function parseUri(uri: string | SipUri): SipUri;
  export function stringifyUri(uri: string | SipUri): string;
  export function generateBranch(): string;
  const sip: {
    create: typeof create;
    makeResponse: typeof makeResponse;
    parseUri: typeof parseUri;
    stringifyUri: typeof stringifyUri;
    generateBranch: typeof generateBranch;
  };
  export default sip;
}

declare module 'sip/digest.js' {
  import type { SipMessage } from 'sip';
  export function signRequest(session: object, request: SipMessage, response?: SipMessage, credentials?: { user: string; password: string }): SipMessage;
  const digest: { signRequest: typeof signRequest };
  export default digest;
}
