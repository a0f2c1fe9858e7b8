import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * cdk-nag's AWS Solutions checks, run by CDK's policy validation on every synth: an
 * unacknowledged finding fails `cdk synth` with a report. Acknowledgements are recorded
 * by the stack itself (`Validations.of(…).acknowledge`, see cdk/nag.ts), each with its
 * reason.
 */
export function addChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
