import * as gcp from '@pulumi/gcp';

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
