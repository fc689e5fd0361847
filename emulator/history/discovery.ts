import type { Cloud } from '../cloud';
import type { Route } from '../http/types';
import { json } from '../http/types';

/** Like https://<region>.api.azureml.ms/discovery, every data-plane service pointing back here. */
export function discoveryRoutes(cloud: Cloud): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/discovery\/?$/i,
      area: 'discovery',
      anonymous: true,
      handle: () =>
        json(200, {
          api: cloud.url,
          catalog: cloud.url,
          experimentation: cloud.url,
          gallery: `${cloud.url}/gallery`,
          history: cloud.url,
          hyperdrive: cloud.url,
          labeling: cloud.url,
          modelmanagement: cloud.url,
          pipelines: cloud.url,
          studio: 'https://ml.azure.com',
        }),
    },
  ];
}
