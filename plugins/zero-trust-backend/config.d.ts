export interface Config {
  /** The zero-trust plugin: which clusters it reads. */
  zeroTrust?: {
    /** How the findings are judged. */
    findings?: {
      /**
       * How many days an AuthorizationPolicy may stay in dry-run (`istio.io/dry-run`)
       * before ZT023 says its rollout was left half done. Its age is its
       * creationTimestamp; for a cluster read from a GitOps branch, the date of the
       * commit that added its file. Default 14.
       */
      dryRunMaxAgeDays?: number;
    };
    /**
     * The clusters to read. Absent: the clusters configured for Backstage's Kubernetes
     * plugin (`kubernetes.clusterLocatorMethods` of type `config`) are used.
     */
    clusters?: Array<{
      /** The cluster's name, as `backstage.io/kubernetes-cluster` and the API name it. */
      name: string;
      /** Overrides the trust domain read from the cluster's `istio` ConfigMap. */
      trustDomain?: string;
      /**
       * A folder or file of manifests to read instead of an API server (as the CLI reads),
       * relative to the backend's working directory.
       */
      snapshot?: string;
      /**
       * A branch of a GitOps repository read as the cluster's state, standing in for what
       * a GitOps controller applies (the demo reads its local GitOps repository so that a
       * merged onboarding shows up in the cluster).
       */
      git?: {
        /** A git remote URL, or a path to a (bare) repository. */
        url: string;
        /** Default `main`. */
        branch?: string;
        /**
         * The cluster's root within the repository: a folder (a kustomization, a folder of
         * Argo CD Applications or Flux Kustomizations, plain manifests) or an Argo CD
         * Application's file; read as its GitOps controller applies it, following the
         * Applications and Flux Kustomizations whose source is this repository (`url`).
         */
        path?: string;
        /**
         * Other URLs this repository is known by, where its Applications' `repoURL` (or
         * its Flux GitRepositories' `url`) is not `url`: e.g. the forge's URL of a
         * repository read from a local copy, as the demo does. Sources naming one of
         * them or `url` are followed; others are not fetched.
         */
        repoUrls?: string[];
      };
      /**
       * For a cluster read from its API server: the GitOps repository's branch and folder
       * its GitOps controller applies (the same keys as `git`). The onboarding tracker
       * then compares the cluster with a merged change as this renders it (an overlay's
       * patches, name prefixes, namespaces), not as it was generated. A `git` cluster's
       * desired state is its `git`.
       */
      gitops?: {
        url: string;
        branch?: string;
        path?: string;
        repoUrls?: string[];
      };
      /** Re-read `snapshot` or `git` every this many seconds (git default 30; folder: never). */
      refreshSeconds?: number;
      /** The API server's URL, with `serviceAccountToken` and `caData`/`caFile`. */
      url?: string;
      /**
       * A bearer token for a service account bound to the read-only ClusterRole in
       * `deploy/rbac.yaml`.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * The API server's CA certificate, base64-encoded PEM.
       * @visibility secret
       */
      caData?: string;
      /** A file holding the API server's CA certificate (PEM). */
      caFile?: string;
      /** Do not verify the API server's certificate (only for local test clusters). */
      skipTLSVerify?: boolean;
      /** A kubeconfig context to use (from `kubeconfig`, else the default kubeconfig). */
      context?: string;
      /** The kubeconfig file holding `context`; default `$KUBECONFIG` or `~/.kube/config`. */
      kubeconfig?: string;
      /** Use the pod's own service account (the backend runs in this cluster). */
      inCluster?: boolean;
    }>;
    /**
     * Istio's standard metrics in each cluster's Prometheus: which allowed callers are
     * used (read by node's `readTelemetryConfig`). A cluster not named here shows how
     * to connect one, and everything else works as before.
     */
    telemetry?: {
      /** How far back usage is summed, as a Prometheus duration (default `7d`). */
      window?: string;
      /** How long a cluster's answer is kept before its Prometheus is asked again (default 120). */
      cacheSeconds?: number;
      clusters?: Array<{
        /** The cluster's name, as in `zeroTrust.clusters`. */
        name: string;
        /** The Prometheus base URL (the HTTP API is under `/api/v1/`). */
        prometheusUrl: string;
        /**
         * Sent as `Authorization: Bearer …` (a Prometheus behind an authenticating proxy).
         * @visibility secret
         */
        bearerToken?: string;
      }>;
    };
    /** How live clusters are kept current (every cluster read from an API server). */
    live?: {
      /**
       * A watch that brings no event and no bookmark for this many seconds is restarted;
       * if it cannot be opened again within half of it, the cluster is stale (default
       * 60, so a silent network partition shows within 90 s).
       */
      silenceSeconds?: number;
      /**
       * The longest wait, in seconds, between tries of a resource the cluster never let
       * it read, so that a permission granted later heals without a restart (default 60).
       */
      recheckSeconds?: number;
    };
    /**
     * How often, in seconds, the catalog's entities are re-read to map mesh identities to
     * catalog entities (default 60).
     */
    catalogRefreshSeconds?: number;
    /** Following each onboarding request the scaffolder opened, to merge and convergence. */
    tracking?: {
      /**
       * How often, in seconds, requests that are not final are checked against their
       * forge and the live cluster (default 60). One backend replica runs each check.
       */
      frequencySeconds?: number;
      /**
       * How long, in minutes, a merged request may take to show in the live cluster (the
       * GitOps controller's sync) before it counts as drifted (default 10).
       */
      convergeWithinMinutes?: number;
    };
  };
}
