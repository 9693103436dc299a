import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import { hostname, labels, prefix, project } from './config.js';

// The public entry of the environment. The GKE Ingress (or Gateway) in deploy/k8s creates the
// load balancer itself; it refers to these by name, so they outlive any redeploy of the manifests
// and the IP (hence DNS) never changes.

/** Global static IP: `kubernetes.io/ingress.global-static-ip-name: <name>` on the Ingress. */
export const address = new gcp.compute.GlobalAddress(
  'ip',
  { project, name: `${prefix}-ip`, addressType: 'EXTERNAL', ipVersion: 'IPV4', labels },
  { dependsOn: apis },
);

/**
 * Google-managed certificate: `ingress.gcp.kubernetes.io/pre-shared-cert: <name>`. It becomes
 * ACTIVE once the hostname's DNS A record points at the address above (DNS is managed outside).
 */
export const certificate = new gcp.compute.ManagedSslCertificate(
  'cert',
  { project, name: `${prefix}-cert`, managed: { domains: [hostname] } },
  { dependsOn: apis },
);
