import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, validateConfig } from '../../cdk/config.js';
import { TertialStack } from '../../cdk/stack.js';
import { newApp } from './synth.js';

describe('readConfig', () => {
  it('defaults to the "tertial" prefix, no e-mail, retained data, kommunstyrelsen only and no SAML sign-in', () => {
    expect(readConfig(newApp().node)).toEqual({
      namePrefix: 'tertial',
      notificationEmail: '',
      destroyOnRemoval: false,
      committees: ['ks'],
      samlProviderArn: '',
      pdf: true,
      receiptSubscribers: {},
      documentSubscribers: {},
    });
  });

  it('reads the context as `cdk -c key=value` passes it (strings)', () => {
    const saml = 'arn:aws:iam::111122223333:saml-provider/ange-entra';
    const app = newApp({
      namePrefix: 'ange-tertial',
      notificationEmail: ' sekreterare@ange.se ',
      destroyOnRemoval: 'true',
      committees: 'ks, bun,sn',
      samlProviderArn: saml,
      pdf: 'false',
      receiptSubscribers: '{"ks":["a@ange.se","b@ange.se"]}',
      documentSubscribers: '{"bun":["c@ange.se"]}',
    });
    expect(readConfig(app.node)).toEqual({
      namePrefix: 'ange-tertial',
      notificationEmail: 'sekreterare@ange.se',
      destroyOnRemoval: true,
      committees: ['ks', 'bun', 'sn'],
      samlProviderArn: saml,
      pdf: false,
      receiptSubscribers: { ks: ['a@ange.se', 'b@ange.se'] },
      documentSubscribers: { bun: ['c@ange.se'] },
    });
  });

  it.each([
    ['not JSON', '{ks:a@b.se}', /must be JSON/],
    ['a committee that is none', '{"KS":["a@b.se"]}', /not a committee/],
    ['an address that is none', '{"ks":["nobody"]}', /not an e-mail address/],
    ['addresses not in a list', '{"ks":"a@b.se"}', /list of e-mail addresses/],
  ])('throws for receiptSubscribers with %s', (_case, value, message) => {
    expect(() => readConfig(newApp({ receiptSubscribers: value }).node)).toThrow(message);
  });

  it.each(['Tertial', 't', 'tertial-', 'tertial_1', 'a'.repeat(25), ''])(
    'throws when namePrefix is %j',
    (namePrefix) => {
      expect(() => readConfig(newApp({ namePrefix }).node)).toThrow(ConfigError);
      expect(() => readConfig(newApp({ namePrefix }).node)).toThrow(/namePrefix/);
    },
  );

  it('throws when notificationEmail is not an address', () => {
    expect(() => readConfig(newApp({ notificationEmail: 'sekreterare' }).node)).toThrow(/notificationEmail/);
  });

  it.each([
    ['an empty list', ''],
    ['an upper-case slug', 'ks,BUN'],
    ['a slug with a slash', 'ks,bun/x'],
    ['a slug too long', 'k'.repeat(33)],
    ['the reserved slug templates', 'ks,templates'],
    ['a duplicate', 'ks,bun,ks'],
    ['too many committees', Array.from({ length: 51 }, (_, i) => `n${i}`).join(',')],
  ])('throws for committees with %s', (_name, committees) => {
    expect(() => readConfig(newApp({ committees }).node)).toThrow(/committees/);
  });

  it.each(['arn:aws:iam::111122223333:role/x', 'ange-entra', 'arn:aws:iam::1111:saml-provider/x'])(
    'throws when samlProviderArn is %j',
    (samlProviderArn) => {
      expect(() => readConfig(newApp({ samlProviderArn }).node)).toThrow(/samlProviderArn/);
    },
  );

  it('throws when destroyOnRemoval is neither true nor false', () => {
    expect(() => readConfig(newApp({ destroyOnRemoval: 'yes' }).node)).toThrow(/destroyOnRemoval/);
  });
});

describe('TertialStack props', () => {
  it('throws for an invalid name prefix before creating anything', () => {
    expect(() => new TertialStack(newApp(), 'tertial', { namePrefix: 'Bad Prefix' })).toThrow(ConfigError);
  });

  it('validateConfig accepts a valid configuration unchanged', () => {
    const config = {
      namePrefix: 'tertial',
      notificationEmail: 'a@b.se',
      destroyOnRemoval: false,
      committees: ['ks', 'bun'],
      samlProviderArn: '',
      pdf: true,
      receiptSubscribers: { ks: ['a@b.se'] },
      documentSubscribers: {},
    };
    expect(validateConfig(config)).toBe(config);
  });
});
