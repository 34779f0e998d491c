import { TestCertificates } from '../testing';
import { parseCertificates } from './parseCertificates';

// Each certificate is made by spawning openssl: slow on a busy machine.
jest.setTimeout(60_000);

let pki: TestCertificates;
beforeAll(async () => {
  pki = await TestCertificates.create();
});
afterAll(() => pki.cleanup());

const day = 24 * 3600 * 1000;

describe('parseCertificates', () => {
  it('reads a self-signed root: names, trust domain, dates, fingerprint', async () => {
    const root = await pki.root('demo root', {
      trustDomain: 'internal.example',
      fromDays: -2,
      toDays: 30,
    });
    const [cert] = parseCertificates(root.pem);
    expect(cert).toEqual({
      subject: 'O=zero-trust tests\nCN=demo root',
      issuer: 'O=zero-trust tests\nCN=demo root',
      trustDomain: 'internal.example',
      notBefore: expect.any(String),
      notAfter: expect.any(String),
      fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      selfSigned: true,
      ca: true,
    });
    const days = (Date.parse(cert.notAfter) - Date.now()) / day;
    expect(Math.round(days)).toBe(30);
    expect(Date.parse(cert.notBefore)).toBeLessThan(Date.now() - day);
  });

  it('reads every certificate of a bundle, an intermediate as not self-signed', async () => {
    const root = await pki.root('bundle root');
    const intermediate = await pki.issue(root, 'cluster ca');
    const certs = parseCertificates(`${intermediate.pem}\n${root.pem}`);
    expect(
      certs.map(c => ({ subject: c.subject, selfSigned: c.selfSigned })),
    ).toEqual([
      { subject: 'O=zero-trust tests\nCN=cluster ca', selfSigned: false },
      { subject: 'O=zero-trust tests\nCN=bundle root', selfSigned: true },
    ]);
    expect(certs[0].issuer).toBe(certs[1].subject);
    expect(certs[0].trustDomain).toBeUndefined();
  });

  it('reads an expired certificate with its dates in the past', async () => {
    const expired = await pki.root('expired root', {
      fromDays: -400,
      toDays: -35,
    });
    const [cert] = parseCertificates(expired.pem);
    expect(Date.parse(cert.notAfter)).toBeLessThan(Date.now() - 30 * day);
  });

  it('names what is wrong with text that is not a certificate', () => {
    expect(() => parseCertificates('hello')).toThrow(
      'no PEM certificate in it',
    );
    expect(() =>
      parseCertificates(
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      ),
    ).toThrow(/^certificate 1 is not valid X\.509/);
  });
});
