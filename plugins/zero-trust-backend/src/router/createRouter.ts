import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { zeroTrustMeshReadPermission } from '../permissions';
import { OnboardingRequests } from '../requests/OnboardingRequests';
import { recordInputSchema, requestsQuerySchema } from '../requests/schemas';
import { entityNotFound, ZeroTrustService } from '../service/ZeroTrustService';
import {
  checkRequestSchema,
  edgesQuerySchema,
  entityParamsSchema,
  findingsQuerySchema,
  parse,
} from './schemas';

export interface RouterOptions {
  service: ZeroTrustService;
  requests: OnboardingRequests;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** The REST API; its shapes are the common package's `api/` types. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { service, requests, catalog, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  const requirePermission = async (
    req: Request,
    permission: BasicPermission,
  ) => {
    const credentials = await httpAuth.credentials(req);
    const [{ result }] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
  };

  router.get('/entities/:kind/:namespace/:name/security', async (req, res) => {
    const ref = parse(entityParamsSchema, req.params, 'entity reference');
    const credentials = await httpAuth.credentials(req);
    // Fetched as the user: an entity they may not see is answered as unknown.
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw entityNotFound(`${ref.kind}:${ref.namespace}/${ref.name}`);
    }
    // Prepared by the service: the bytes and ETag of an answer are kept per model, so
    // express neither encodes nor hashes them again (and answers 304 where they match).
    const { body, etag } = await service.entitySecurity(entity, credentials);
    res.type('application/json').set('ETag', etag).send(body);
  });

  router.get('/clusters', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(service.clusters());
  });

  router.get('/namespaces', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(service.namespaces());
  });

  router.get('/trust', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(service.trust());
  });

  router.get('/findings', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(service.findings(parse(findingsQuerySchema, req.query, 'query')));
  });

  router.get('/exposure', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(service.exposure(parse(edgesQuerySchema, req.query, 'query')));
  });

  router.get('/egress', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(service.egress(parse(edgesQuerySchema, req.query, 'query')));
  });

  router.get('/usage', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(await service.usage(parse(edgesQuerySchema, req.query, 'query')));
  });

  router.get('/identities', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(await service.identities(await httpAuth.credentials(req)));
  });

  router.post('/check', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    res.json(
      service.check(parse(checkRequestSchema, req.body, 'check request')),
    );
  });

  // The request's own validation (the onboarding request, common's README) is common's
  // parseOnboardingRequest, shared with the CLI and the scaffolder action.
  router.post('/onboarding/preview', async (req, res) => {
    await requirePermission(req, zeroTrustMeshReadPermission);
    const credentials = await httpAuth.credentials(req);
    res.json(await service.previewOnboarding(req.body, credentials));
  });

  // Only the scaffolder's pull request action records requests, as a service principal.
  router.post('/onboarding/requests', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { record, created } = await requests.record(
      parse(recordInputSchema, req.body, 'onboarding request record'),
    );
    res.status(created ? 201 : 200).json(record);
  });

  router.get('/onboarding/requests', async (req, res) => {
    const query = parse(requestsQuerySchema, req.query, 'query');
    res.json(await requests.list(query, await httpAuth.credentials(req)));
  });

  router.get('/onboarding/requests/:id', async (req, res) => {
    res.json(
      await requests.get(req.params.id, await httpAuth.credentials(req)),
    );
  });

  return router;
}
