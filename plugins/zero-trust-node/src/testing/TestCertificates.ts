import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate made by {@link TestCertificates}, with the files it lives in. */
export interface TestCertificate {
  /** The certificate, PEM. */
  pem: string;
  /** `CN=...`, as the subject reads. */
  commonName: string;
  certFile: string;
  keyFile: string;
}

/** When a certificate is valid, in days from now (negative: in the past). */
export interface TestValidity {
  /** Default -1. */
  fromDays?: number;
  /** Default 3650. */
  toDays?: number;
  /** A `spiffe://TRUST_DOMAIN` URI SAN. */
  trustDomain?: string;
  /** Default true: a CA certificate (basic constraints CA:true). */
  ca?: boolean;
}

/** `20260102030405Z`: the date form `openssl ca -startdate` takes. */
function opensslDate(days: number): string {
  const date = new Date(Date.now() + days * 24 * 3600 * 1000);
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * Real X.509 certificates for tests, made with the system's `openssl` (`openssl ca`, so
 * that any validity period can be set, the past included): roots, intermediates signed by
 * them, expired and expiring ones. Keys stay in a temporary folder; call `cleanup()`.
 */
export class TestCertificates {
  private count = 0;

  private constructor(readonly dir: string) {}

  static async create(): Promise<TestCertificates> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-pki-'));
    await fs.writeFile(path.join(dir, 'index.txt'), '');
    await fs.writeFile(path.join(dir, 'serial'), '1000\n');
    return new TestCertificates(dir);
  }

  /** A self-signed root. */
  root(name: string, validity: TestValidity = {}): Promise<TestCertificate> {
    return this.make(name, undefined, validity);
  }

  /** A certificate issued by `issuer` (an intermediate CA unless `ca: false`). */
  issue(
    issuer: TestCertificate,
    name: string,
    validity: TestValidity = {},
  ): Promise<TestCertificate> {
    return this.make(name, issuer, validity);
  }

  async cleanup(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async make(
    name: string,
    issuer: TestCertificate | undefined,
    validity: TestValidity,
  ): Promise<TestCertificate> {
    const n = ++this.count;
    const file = (suffix: string) => path.join(this.dir, `${n}.${suffix}`);
    const ca = validity.ca ?? true;
    const extensions = [
      `basicConstraints = critical, CA:${ca ? 'true' : 'false'}`,
      `keyUsage = critical, ${
        ca ? 'keyCertSign, cRLSign' : 'digitalSignature, keyEncipherment'
      }`,
      'subjectKeyIdentifier = hash',
      ...(validity.trustDomain
        ? [`subjectAltName = URI:spiffe://${validity.trustDomain}`]
        : []),
    ];
    const config = [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${path.join(this.dir, 'index.txt')}`,
      `new_certs_dir = ${this.dir}`,
      `serial = ${path.join(this.dir, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'email_in_dn = no',
      '[any]',
      'O = optional',
      'CN = supplied',
      '[ext]',
      ...extensions,
      '',
    ].join('\n');
    await fs.writeFile(file('cnf'), config);
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      file('key'),
    ]);
    await run('openssl', [
      'req',
      '-new',
      '-key',
      file('key'),
      '-subj',
      `/O=zero-trust tests/CN=${name}`,
      '-out',
      file('csr'),
    ]);
    const signer = issuer
      ? ['-cert', issuer.certFile, '-keyfile', issuer.keyFile]
      : ['-selfsign', '-keyfile', file('key')];
    await run('openssl', [
      'ca',
      '-batch',
      '-notext',
      '-config',
      file('cnf'),
      '-extensions',
      'ext',
      '-startdate',
      opensslDate(validity.fromDays ?? -1),
      '-enddate',
      opensslDate(validity.toDays ?? 3650),
      ...signer,
      '-in',
      file('csr'),
      '-out',
      file('pem'),
    ]);
    return {
      pem: await fs.readFile(file('pem'), 'utf8'),
      commonName: name,
      certFile: file('pem'),
      keyFile: file('key'),
    };
  }
}
