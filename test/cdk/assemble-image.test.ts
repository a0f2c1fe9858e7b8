/**
 * The assemble function as a container image with LibreOffice (the default), or as a
 * zip without (`-c pdf=false`): the same function either way, but for its package.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../cdk/config.js';
import { TertialStack } from '../../cdk/stack.js';
import { Template } from 'aws-cdk-lib/assertions';
import { grantsOfRole, logicalId, newApp, STACK_ID, synth, type Json } from './synth.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What `.ci/run` installs for the local PDF path (LibreOffice Writer, its UNO bridge for the warm converter, the fonts, Swedish hyphenation). */
const PDF_PACKAGES = ['libreoffice-writer-nogui', 'python3-uno', 'fonts-liberation2', 'fonts-dejavu-core', 'hyphen-sv'];

/** This machine's Debian release (`bookworm`) from /etc/os-release; undefined on any other system. */
function hostDebianRelease(): string | undefined {
  if (!existsSync('/etc/os-release')) return undefined;
  const fields = new Map(
    readFileSync('/etc/os-release', 'utf8')
      .split('\n')
      .flatMap((line) => {
        const m = /^([A-Z_]+)=(.*)$/.exec(line);
        return m ? [[m[1] as string, (m[2] as string).replace(/^"(.*)"$/, '$1')] as const] : [];
      }),
  );
  return fields.get('ID') === 'debian' ? fields.get('VERSION_CODENAME') : undefined;
}

function assembleOf(variant: ReturnType<typeof synth>) {
  const id = logicalId(variant.stack.assemble.lambdaFunction);
  return { id, fn: variant.resources[id] as Json, roleId: logicalId(variant.stack.assemble.role) };
}

/** The synthesized stack as `npx cdk synth` builds it from context (cdk/app.ts). */
function synthFromContext(context: Record<string, unknown>) {
  const app = newApp(context);
  const stack = new TertialStack(app, STACK_ID, readConfig(app.node));
  const template = Template.fromStack(stack);
  return { app, stack, template, resources: template.toJSON().Resources as Record<string, Json> };
}

describe('the assemble function and its PDF', () => {
  const image = synthFromContext({});
  const zip = synthFromContext({ pdf: 'false' });

  it('is a container image by default, and a zip function with -c pdf=false', () => {
    expect(assembleOf(image).fn.Properties.PackageType).toBe('Image');
    expect(assembleOf(image).fn.Properties.Architectures).toEqual(['x86_64']);
    expect(assembleOf(image).fn.Properties.Runtime).toBeUndefined();
    expect(assembleOf(zip).fn.Properties.PackageType).toBeUndefined();
    expect(assembleOf(zip).fn.Properties.Runtime).toMatch(/^nodejs\d+\.x$/);
    expect(assembleOf(zip).fn.Properties.Handler).toBe('index.handler');
  });

  it('gets the same environment, memory, timeout, retries and grants as image or zip', () => {
    const a = assembleOf(image);
    const b = assembleOf(zip);
    expect(a.fn.Properties.Environment).toEqual(b.fn.Properties.Environment);
    expect(a.fn.Properties.Environment.Variables.RECEIPT_TOPIC_ARN).toBeDefined();
    for (const key of ['MemorySize', 'Timeout', 'Role', 'LoggingConfig', 'FunctionName'])
      expect(a.fn.Properties[key], key).toEqual(b.fn.Properties[key]);
    const grants = (v: typeof image, roleId: string) =>
      grantsOfRole(v.resources, roleId).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(grants(image, a.roleId)).toEqual(grants(zip, b.roleId));
    const invokeConfig = (v: typeof image) =>
      Object.values(v.resources).find(
        (r: Json) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName.Ref === assembleOf(v).id,
      ) as Json;
    expect(invokeConfig(image).Properties).toEqual(invokeConfig(zip).Properties);
  });

  it('builds its image from a Dockerfile that installs what the local PDF path uses, on the base it names', () => {
    const assembly = image.app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${STACK_ID}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, Json>;
    };
    const assets = Object.values(manifest.dockerImages);
    expect(assets).toHaveLength(1);
    const source = assets[0].source;
    expect(source.platform).toBe('linux/amd64');
    const dockerfile = readFileSync(join(assembly.directory, source.directory, source.dockerFile), 'utf8');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    for (const pkg of PDF_PACKAGES) {
      expect(ci, `.ci/run installs ${pkg}`).toContain(`missing+=(${pkg})`);
      expect(dockerfile, `the image installs ${pkg}`).toMatch(
        new RegExp(`apt-get install[^\\n]*(\\\\\\n[^\\n]*)*\\b${pkg}\\b`),
      );
    }
    // The same Debian release as CI, Node.js as the zip functions' runtime, and the runtime interface client.
    const runtime = assembleOf(zip).fn.Properties.Runtime as string;
    const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
    expect(dockerfile).toMatch(new RegExp(`^FROM public\\.ecr\\.aws/docker/library/node:${major}-bookworm-slim$`, 'm'));
    // The PDFs the tests check are made by this machine's LibreOffice: on Debian (CI is,
    // .ci/run installs with apt-get) it must be the image's release, so both make the same
    // PDF. Another system (macOS, Ubuntu) has no Debian release to compare, and skips this.
    const host = hostDebianRelease();
    if (host !== undefined || process.env.CI) expect(host, 'the Debian release of this machine').toBe('bookworm');
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/local/bin/npx", "aws-lambda-ric"]');
    // The staged build context holds what the build stage bundles, and nothing it does not need.
    const context = join(assembly.directory, source.directory);
    for (const path of [
      'package-lock.json',
      'lambdas/assemble/handler.ts',
      'cdk/image-bundle.ts',
      'templates/default.docx',
    ])
      expect(existsSync(join(context, path)), path).toBe(true);
    for (const path of ['node_modules', 'test', '.git']) expect(existsSync(join(context, path)), path).toBe(false);
  });

  it('synthesizes with npx cdk synth --quiet, with no docker on PATH and no credentials', async () => {
    // A PATH with node alone: no docker, no finch.
    const bin = mkdtempSync(join(tmpdir(), 'tertial-nodocker-'));
    const out = mkdtempSync(join(tmpdir(), 'tertial-synth-'));
    try {
      mkdirSync(join(bin, 'bin'));
      symlinkSync(process.execPath, join(bin, 'bin', 'node'));
      const path = [join(bin, 'bin'), '/usr/bin', '/bin'].join(delimiter);
      const env = {
        PATH: path,
        HOME: bin,
        CDK_DISABLE_VERSION_CHECK: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      const which = await new Promise<string>((resolve) =>
        execFile('/bin/sh', ['-c', 'command -v docker finch || true'], { env }, (_e, stdout) => resolve(stdout.trim())),
      );
      expect(which).toBe('');
      const cdk = join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
      const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [cdk, 'synth', '--quiet', '-o', out],
          { cwd: ROOT, env, timeout: 240_000 },
          (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }),
        ),
      );
      expect(result.code, result.stderr).toBe(0);
      const template = JSON.parse(readFileSync(join(out, `${STACK_ID}.template.json`), 'utf8')) as {
        Resources: Record<string, Json>;
      };
      const images = Object.values(template.Resources).filter(
        (r: Json) => r.Type === 'AWS::Lambda::Function' && r.Properties.PackageType === 'Image',
      );
      expect(images.map((r: Json) => r.Properties.FunctionName)).toEqual(['tertial-assemble']);
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the receipts topic', () => {
  const { resources, stack } = synth({
    receiptSubscribers: { ks: ['sekreterare@kommun.se'] },
    documentSubscribers: { bun: ['namnd@kommun.se'] },
  });
  const topicId = logicalId(stack.receiptTopic.topic);

  it('is encrypted, and each context address gets its committee’s messages only (a filter policy on committee)', () => {
    expect(resources[topicId].Properties).toMatchObject({
      TopicName: 'tertial-receipts',
      KmsMasterKeyId: 'alias/aws/sns',
    });
    const subscriptions = Object.values(resources).filter(
      (r: Json) => r.Type === 'AWS::SNS::Subscription' && r.Properties.Protocol === 'email',
    );
    const byTopic = (id: string) =>
      subscriptions
        .filter((r: Json) => r.Properties.TopicArn.Ref === id)
        .map((r: Json) => [r.Properties.Endpoint, r.Properties.FilterPolicy]);
    expect(byTopic(topicId)).toEqual([['sekreterare@kommun.se', { committee: ['ks'] }]]);
    expect(byTopic(logicalId(stack.documentTopic.topic))).toEqual([['namnd@kommun.se', { committee: ['bun'] }]]);
  });

  it('is published to by every function that issues receipts, which is told its ARN', () => {
    for (const fn of [stack.ingest, stack.assemble, stack.templateCheck]) {
      expect(resources[logicalId(fn.lambdaFunction)].Properties.Environment.Variables.RECEIPT_TOPIC_ARN).toEqual({
        Ref: topicId,
      });
      expect(
        grantsOfRole(resources, logicalId(fn.role)).some(
          (g) => g.actions.includes('sns:Publish') && g.resources.includes(`ref:${topicId}`),
        ),
      ).toBe(true);
    }
    expect(
      resources[logicalId(stack.views.lambdaFunction)].Properties.Environment.Variables.RECEIPT_TOPIC_ARN,
    ).toBeUndefined();
  });
});
