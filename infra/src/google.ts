import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

// What both stacks (this environment program and shared/) need of Google Cloud.

/** Labels on every resource that takes labels (cost reports and inventory group by them). */
export const labelsOf = (stack: string) => ({ app: 'tilestack', environment: stack, 'managed-by': 'pulumi' });

/**
 * Turns on Google APIs in a project. disableOnDestroy is false: destroying a stack must not switch
 * off an API something else in the project may use.
 */
export function enableApis(project: string, services: string[]): gcp.projects.Service[] {
  return services.map(
    (service) =>
      new gcp.projects.Service(service.split('.')[0] ?? service, {
        project,
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
      }),
  );
}

/** The project's Binary Authorization service agent, which verifies attestations at deploy time. */
export const binauthzAgent = (project: string) =>
  pulumi.interpolate`serviceAccount:service-${gcp.organizations.getProjectOutput({ projectId: project }).number}@gcp-sa-binaryauthorization.iam.gserviceaccount.com`;
