import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import { labels, prefix, project } from './config.js';

// The public entry of the environment. The GKE Ingress in deploy/k8s creates the load balancer and
// its Google-managed certificate (a ManagedCertificate next to the Ingress, with the hostname of the
// overlay); it refers to the address below by name, so the IP (hence DNS) never changes.

/** Global static IP: `kubernetes.io/ingress.global-static-ip-name: <name>` on the Ingress. */
export const address = new gcp.compute.GlobalAddress(
  'ip',
  { project, name: `${prefix}-ip`, addressType: 'EXTERNAL', ipVersion: 'IPV4', labels },
  { dependsOn: apis },
);
