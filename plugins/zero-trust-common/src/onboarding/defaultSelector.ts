/**
 * The pod labels an onboarding selects when the request names none and the service's
 * workloads share no label (or none runs yet): `app=<service>`, the label Istio's own
 * samples and most charts give a service's pods.
 *
 * @public
 */
export function defaultSelector(service: string): Record<string, string> {
  return { app: service };
}
