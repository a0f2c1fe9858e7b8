import { App, Tags } from 'aws-cdk-lib';
import { addChecks } from './checks.js';
import { readConfig } from './config.js';
import { TertialStack } from './stack.js';

const app = new App();
const config = readConfig(app.node);

new TertialStack(app, config.namePrefix, {
  ...config,
  stackName: config.namePrefix,
  description: 'tertial: assembles committee goal follow-up reports from uploaded spreadsheets',
  // Account/region come from the deploying credentials; without them the stack is environment-agnostic.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Tags.of(app).add('project', 'tertial');

addChecks(app);
