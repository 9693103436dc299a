import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { binauthzAgent } from '../src/google.js';
import { apis } from './apis.js';
import { labels, project, region } from './config.js';
import { publisher } from './github.js';

// Attestor "built-by-ci": CI attests every image digest it built and tested, and each environment's
// policy admits only attested images. The private key never leaves Cloud KMS.
const keyRing = new gcp.kms.KeyRing(
  'attestor',
  { project, name: 'tilestack-attestor', location: region },
  { dependsOn: apis },
);
export const signingKey = new gcp.kms.CryptoKey(
  'attestor',
  {
    name: 'built-by-ci',
    keyRing: keyRing.id,
    purpose: 'ASYMMETRIC_SIGN',
    versionTemplate: { algorithm: 'EC_SIGN_P256_SHA256' },
    labels,
  },
  { protect: true }, // KMS keys cannot really be deleted (only their versions): never plan to
);
const keyVersion = gcp.kms.getKMSCryptoKeyVersionOutput({ cryptoKey: signingKey.id });
export const signingKeyVersion = keyVersion.name;

const note = new gcp.containeranalysis.Note(
  'built-by-ci',
  {
    project,
    name: 'tilestack-built-by-ci',
    attestationAuthority: { hint: { humanReadableName: 'Built and tested by tilestack CI' } },
  },
  { dependsOn: apis },
);

export const attestor = new gcp.binaryauthorization.Attestor(
  'built-by-ci',
  {
    project,
    name: 'built-by-ci',
    description: 'Images built and tested by tilestack CI from the publishing ref',
    attestationAuthorityNote: {
      noteReference: note.name,
      publicKeys: [
        {
          id: pulumi.interpolate`//cloudkms.googleapis.com/v1/${keyVersion.name}`,
          pkixPublicKey: {
            publicKeyPem: keyVersion.publicKeys.apply((keys) => keys[0]?.pem ?? ''),
            signatureAlgorithm: 'ECDSA_P256_SHA256',
          },
        },
      ],
    },
  },
  { dependsOn: apis },
);
export const attestorName = pulumi.interpolate`projects/${project}/attestors/${attestor.name}`;

// CI signs with the key and records attestations as occurrences of the note.
new gcp.kms.CryptoKeyIAMMember('publisher-signer', {
  cryptoKeyId: signingKey.id,
  role: 'roles/cloudkms.signerVerifier',
  member: publisher.member,
});
new gcp.containeranalysis.NoteIamMember('publisher-attacher', {
  project,
  note: note.name,
  role: 'roles/containeranalysis.notes.attacher',
  member: publisher.member,
});
new gcp.projects.IAMMember('publisher-occurrences', {
  project,
  role: 'roles/containeranalysis.occurrences.editor',
  member: publisher.member,
});
new gcp.binaryauthorization.AttestorIamMember('publisher-attestor-viewer', {
  project,
  attestor: attestor.name,
  role: 'roles/binaryauthorization.attestorsViewer',
  member: publisher.member,
});

// Verifiers read attestations through this project's service agent (each environment grants its own
// agent attestorsVerifier on the attestor: infra/src/security.ts).
new gcp.containeranalysis.NoteIamMember(
  'binauthz-agent-occurrences-viewer',
  {
    project,
    note: note.name,
    role: 'roles/containeranalysis.notes.occurrences.viewer',
    member: binauthzAgent(project),
  },
  { dependsOn: apis },
);
