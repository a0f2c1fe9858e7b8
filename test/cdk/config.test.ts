import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, validateConfig } from '../../cdk/config.js';
import { TertialStack } from '../../cdk/stack.js';
import { newApp } from './synth.js';

describe('readConfig', () => {
  it('defaults to the "tertial" prefix, no e-mail, and retained data', () => {
    expect(readConfig(newApp().node)).toEqual({ namePrefix: 'tertial', notificationEmail: '', destroyOnRemoval: false });
  });

  it('reads the context as `cdk -c key=value` passes it (strings)', () => {
    const app = newApp({ namePrefix: 'ange-tertial', notificationEmail: ' sekreterare@ange.se ', destroyOnRemoval: 'true' });
    expect(readConfig(app.node)).toEqual({ namePrefix: 'ange-tertial', notificationEmail: 'sekreterare@ange.se', destroyOnRemoval: true });
  });

  it.each(['Tertial', 't', 'tertial-', 'tertial_1', 'a'.repeat(25), ''])('throws when namePrefix is %j', (namePrefix) => {
    expect(() => readConfig(newApp({ namePrefix }).node)).toThrow(ConfigError);
    expect(() => readConfig(newApp({ namePrefix }).node)).toThrow(/namePrefix/);
  });

  it('throws when notificationEmail is not an address', () => {
    expect(() => readConfig(newApp({ notificationEmail: 'sekreterare' }).node)).toThrow(/notificationEmail/);
  });

  it('throws when destroyOnRemoval is neither true nor false', () => {
    expect(() => readConfig(newApp({ destroyOnRemoval: 'yes' }).node)).toThrow(/destroyOnRemoval/);
  });
});

describe('TertialStack props', () => {
  it('throws for an invalid name prefix before creating anything', () => {
    expect(() => new TertialStack(newApp(), 'tertial', { namePrefix: 'Bad Prefix' })).toThrow(ConfigError);
  });

  it('validateConfig accepts a valid configuration unchanged', () => {
    const config = { namePrefix: 'tertial', notificationEmail: 'a@b.se', destroyOnRemoval: false };
    expect(validateConfig(config)).toBe(config);
  });
});
