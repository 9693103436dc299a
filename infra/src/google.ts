import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

// What both programs (the environments and shared/) need of Google Cloud.
export const labelsOf = (stack: string) => ({ app: 'tilestack', environment: stack, 'managed-by': 'pulumi' });

/** Destroying a stack must not switch off an API something else in the project may use. */
export const enableApis = (project: string, services: string[]) =>
  services.map(
    (service) =>
      new gcp.projects.Service(service.split('.')[0] ?? service, {
        project,
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
      }),
  );

/** The project's Binary Authorization service agent, which verifies attestations at deploy time. */
export const binauthzAgent = (project: string) =>
  pulumi.interpolate`serviceAccount:service-${gcp.organizations.getProjectOutput({ projectId: project }).number}@gcp-sa-binaryauthorization.iam.gserviceaccount.com`;
