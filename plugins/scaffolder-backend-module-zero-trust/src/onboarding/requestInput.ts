import { z as zod } from 'zod/v3';

type Z = typeof zod;

/**
 * The onboarding request's fields (common's README) as action inputs. The
 * schema describes their shape for the template editor; `parseOnboardingRequest` (shared
 * with the CLI and the backend) is what validates them, names included.
 */
export const onboardingRequestInput = {
  service: (z: Z) =>
    z.string({
      description:
        'The service to onboard: its Kubernetes Service (and workload) name, a DNS-1123 label.',
    }),
  namespace: (z: Z) =>
    z.string({ description: "The service's namespace, a DNS-1123 label." }),
  cluster: (z: Z) =>
    z
      .string({
        description:
          'The cluster: a folder under clusters/ in the GitOps repository. Required where it holds several.',
      })
      .optional(),
  serviceAccount: (z: Z) =>
    z
      .string({
        description:
          "The workload's service account (its mesh identity). Default: the workload's, else the service name.",
      })
      .optional(),
  selector: (z: Z) =>
    z
      .record(z.string(), {
        description:
          "The pod labels the policies select. Default: the workload's pod labels, else app=<service>.",
      })
      .optional(),
  ports: (z: Z) =>
    z
      .array(
        z.object({
          name: z.string().optional(),
          port: z.number().int(),
          protocol: z.enum(['HTTP', 'HTTP2', 'GRPC', 'TCP', 'TLS']).optional(),
        }),
        {
          description:
            "The service's target (container) ports. Default: the workload's.",
        },
      )
      .optional(),
  dataplane: (z: Z) =>
    z
      .enum(['sidecar', 'ambient'], {
        description: 'How the workload joins the mesh. Default sidecar.',
      })
      .optional(),
  revision: (z: Z) =>
    z
      .string({
        description:
          'Label the namespace istio.io/rev=<revision> instead of istio-injection=enabled.',
      })
      .optional(),
  mtlsMode: (z: Z) =>
    z
      .enum(['STRICT', 'PERMISSIVE'], {
        description:
          'The mTLS mode the workload accepts. Default STRICT; PERMISSIVE is a migration step.',
      })
      .optional(),
  namespaceDefaultDeny: (z: Z) =>
    z
      .boolean({
        description:
          "Add the namespace's allow-nothing policy if it has none. Default true.",
      })
      .optional(),
  networkPolicy: (z: Z) =>
    z
      .boolean({
        description:
          "Also a Kubernetes NetworkPolicy admitting exactly the allowed callers' pods on their ports (and 15008 in ambient mode), and the namespace's default-deny NetworkPolicy if it has none. Default false.",
      })
      .optional(),
  allowedCallers: (z: Z) =>
    z
      .array(
        z.object({
          workload: z.string().optional(),
          principal: z.string().optional(),
          namespace: z.string().optional(),
          entityRef: z.string().optional(),
          ports: z.array(z.number().int()).optional(),
          methods: z.array(z.string()).optional(),
          paths: z.array(z.string()).optional(),
        }),
        {
          description:
            'Who may call the service, each naming one of workload (NAMESPACE/NAME), principal (TRUST_DOMAIN/ns/NS/sa/SA), namespace or entityRef (a catalog entity, resolved to its mesh identities), optionally narrowed to ports, methods and paths. An empty list means nobody.',
        },
      )
      .optional(),
  egress: (z: Z) =>
    z
      .array(
        z.object({
          host: z.string(),
          ports: z.array(z.number().int()),
          protocol: z
            .enum(['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TLS', 'TCP'])
            .optional(),
        }),
        {
          description:
            "External hosts the service may call, for meshes with outboundTrafficPolicy REGISTRY_ONLY: a ServiceEntry each (outside the mesh, DNS resolution), exported to the service's namespace only. Protocol default: TLS on 443, HTTP on 80.",
        },
      )
      .optional(),
  traffic: (z: Z) =>
    z
      .object(
        {
          timeout: z.string().optional(),
          retries: z
            .object({
              attempts: z.number().int(),
              perTryTimeout: z.string().optional(),
              retryOn: z.string().optional(),
            })
            .optional(),
          outlierDetection: z
            .object({
              consecutive5xxErrors: z.number().int().optional(),
              consecutiveGatewayErrors: z.number().int().optional(),
              interval: z.string().optional(),
              baseEjectionTime: z.string().optional(),
              maxEjectionPercent: z.number().int().optional(),
            })
            .optional(),
        },
        {
          description:
            "Resilience as the service's callers get it: a VirtualService for its host with the timeout (such as 30s) and retries (attempts, perTryTimeout, retryOn as Istio's HTTPRetry takes it), and the DestinationRule's outlierDetection.",
        },
      )
      .nullable()
      .optional(),
  rollout: (z: Z) =>
    z
      .enum(['enforce', 'dry-run'], {
        description:
          'enforce (default), or dry-run: every generated AuthorizationPolicy carries istio.io/dry-run "true", so the sidecars log what it would decide and enforce nothing, until zero-trust:policy:promote enforces it. Not in ambient mode (ztunnel neither enforces nor logs dry-run policies).',
      })
      .optional(),
  layout: (z: Z) =>
    z
      .object(
        {
          namespaceFile: z.string().optional(),
          serviceDir: z.string().optional(),
        },
        {
          description:
            'Where new files go in the GitOps repository, with {cluster}, {namespace} and {service}. Default clusters/{cluster}/namespaces/{namespace}/namespace.yaml and clusters/{cluster}/namespaces/{namespace}/{service}/.',
        },
      )
      .optional(),
  component: (z: Z) =>
    z
      .string({
        description:
          'The catalog entity the service belongs to, named in the pull request and in the record the zero-trust backend tracks (not part of the change).',
      })
      .optional(),
  owner: (z: Z) =>
    z
      .string({
        description:
          "The service's owner, named in the pull request (not part of the change).",
      })
      .optional(),
};
