// A client of the REST API as a user writes it: the types generated from api/openapi.json
// (openapi-typescript, into ./schema.d.ts at test time) and openapi-fetch. The test
// type-checks this file against them (tsc --noEmit: a call the document does not
// describe fails), then runs it: create a CPO and a location -> poll the job -> create
// chargers -> poll -> list them -> delete them and the CPO.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type Charger = components['schemas']['Charger'];
type JobStatus = components['schemas']['ProvisioningStatus'];

export interface FlowResult {
  cpoId: string;
  locationId: string;
  chargers: Charger[];
  deleted: number;
}

const done = (s: JobStatus): boolean => s === 'READY' || s === 'FAILED';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function flow(baseUrl: string, token: string, wsUrl: string, fetchImpl?: typeof fetch): Promise<FlowResult> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` }, fetch: fetchImpl });

  const cpo = await client.POST('/ocpi/cpos', {
    body: { template: 'small-urban-ac', ws_url: wsUrl, ttl_seconds: null, overrides: { locations: 1, chargers_per_location: 0 } },
  });
  if (!cpo.data) throw new Error(`POST /ocpi/cpos: ${cpo.response.status} ${JSON.stringify(cpo.error)}`);
  const cpoId: string = cpo.data.cpo_id;
  const tokenA: string = cpo.data.token_a;
  if (!tokenA) throw new Error('no token A');

  const loc = await client.POST('/ocpi/cpos/{cpo_id}/locations', {
    params: { path: { cpo_id: cpoId } },
    body: { locations: [{ name: 'Client site', address: '1 Client St', city: 'Typeville', country: 'NLD',
                          coordinates: { latitude: '52.37', longitude: 4.89 }, public: true }] },
  });
  if (!loc.data) throw new Error(`POST locations: ${loc.response.status} ${JSON.stringify(loc.error)}`);
  let locJob = await client.GET('/ocpi/cpos/{cpo_id}/locations/jobs/{job_id}', {
    params: { path: { cpo_id: cpoId, job_id: loc.data.job_id } } });
  while (locJob.data && !done(locJob.data.status)) {
    await sleep(100);
    locJob = await client.GET('/ocpi/cpos/{cpo_id}/locations/jobs/{job_id}', { params: { path: { cpo_id: cpoId, job_id: loc.data.job_id } } });
  }
  if (locJob.data?.status !== 'READY') throw new Error(`locations job: ${JSON.stringify(locJob.data ?? locJob.error)}`);
  const locationId: string = locJob.data.results.created[0].location_id;

  const ch = await client.POST('/ocpp/locations/{location_id}/chargers', {
    params: { path: { location_id: locationId } },
    body: [{ template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6', identity_prefix: 'TS_', template_name: 'Typed' },
             charger_ids: ['001', '002'], chargers_number: 3 }],
  });
  if (!ch.data) throw new Error(`POST chargers: ${ch.response.status} ${JSON.stringify(ch.error)}`);
  const jobId = ch.data.job_id;
  let job = await client.GET('/ocpp/locations/{location_id}/chargers/jobs/{job_id}', { params: { path: { location_id: locationId, job_id: jobId } } });
  while (job.data && !done(job.data.status)) {
    await sleep(100);
    job = await client.GET('/ocpp/locations/{location_id}/chargers/jobs/{job_id}', { params: { path: { location_id: locationId, job_id: jobId } } });
  }
  if (job.data?.status !== 'READY') throw new Error(`chargers job: ${JSON.stringify(job.data ?? job.error)}`);

  const list = await client.GET('/ocpp/locations/{location_id}/chargers', {
    params: { path: { location_id: locationId }, query: { status: 'READY', limit: 100 } } });
  if (!list.data) throw new Error(`GET chargers: ${list.response.status} ${JSON.stringify(list.error)}`);
  const chargers: Charger[] = list.data.data;

  const del = await client.DELETE('/ocpp/locations/{location_id}/chargers', { params: { path: { location_id: locationId } } });
  if (!del.data) throw new Error(`DELETE chargers: ${del.response.status} ${JSON.stringify(del.error)}`);
  const gone = await client.DELETE('/ocpi/cpos/{cpo_id}', { params: { path: { cpo_id: cpoId } } });
  if (gone.data?.status !== 'DELETING') throw new Error(`DELETE CPO: ${gone.response.status}`);
  const again = await client.GET('/ocpi/cpos/{cpo_id}', { params: { path: { cpo_id: cpoId } } });
  if (again.response.status !== 404 || !again.error?.detail) throw new Error(`a deleted CPO: ${again.response.status}`);
  return { cpoId, locationId, chargers, deleted: del.data.deleted };
}
