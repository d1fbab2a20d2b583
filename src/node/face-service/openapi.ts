// The service's OpenAPI 3.1 document, served at GET /v1/openapi.json.
const image = { type: 'string', description: 'the image file (multipart) or its bytes in base64 (JSON)' };
const error = { description: 'an error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: object) => ({ 'application/json': { schema }, 'multipart/form-data': { schema } });
const person = { $ref: '#/components/schemas/Person' };
const CONFIDENCE = { type: 'number', description: 'P(same person | distance), from the calibration stored with the database (convkit faces calibrate --db); absent without one' };
const problems = { 400: error, 401: error, 413: error, 415: error, 422: error };

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'ConvKit face service', version: '1', description: 'Enrol people from one photo, identify and verify faces. Every /v1 route needs Authorization: Bearer <token>.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      Person: { type: 'object', required: ['id', 'name', 'faces'], properties: { id: { type: 'string' }, name: { type: 'string' }, faces: { type: 'integer', description: 'descriptors stored for the person' } } },
      Match: { type: 'object', required: ['id', 'name', 'distance'], properties: { id: { type: 'string' }, name: { type: 'string' }, distance: { type: 'number' }, confidence: CONFIDENCE } },
      Box: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4, description: '[x1, y1, x2, y2] in pixels' },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/healthz': { get: { security: [], summary: 'liveness (no token)', responses: { 200: { description: 'ok' } } } },
    '/v1/people': {
      get: { summary: 'list the enrolled people', responses: { 200: { description: 'the people', content: { 'application/json': { schema: { type: 'object', properties: { people: { type: 'array', items: person } } } } } }, 401: error } },
      post: {
        summary: 'enrol a person from one photo holding exactly one face (or pick one with face)',
        requestBody: { required: true, content: json({ type: 'object', required: ['name', 'image'], properties: { name: { type: 'string' }, image, face: { type: 'integer' } } }) },
        responses: { 201: { description: 'enrolled', content: { 'application/json': { schema: person } } }, ...problems },
      },
    },
    '/v1/people/{id}': {
      delete: { summary: 'remove a person and all their descriptors', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 204: { description: 'removed' }, 401: error, 404: error } },
    },
    '/v1/people/{id}/faces': {
      post: {
        summary: 'add a photo to a person',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: json({ type: 'object', required: ['image'], properties: { image, face: { type: 'integer' } } }) },
        responses: { 201: { description: 'added', content: { 'application/json': { schema: person } } }, 404: error, ...problems },
      },
    },
    '/v1/identify': {
      post: {
        summary: 'every face in the image with its nearest enrolled person, or null (unknown)',
        requestBody: { required: true, content: json({ type: 'object', required: ['image'], properties: { image, k: { type: 'integer', description: 'candidates per face (default 1)' } } }) },
        responses: {
          200: { description: 'the faces', content: { 'application/json': { schema: { type: 'object', properties: { faces: { type: 'array', items: { type: 'object', properties: { box: { $ref: '#/components/schemas/Box' }, score: { type: 'number' }, match: { oneOf: [{ $ref: '#/components/schemas/Match' }, { type: 'null' }] }, candidates: { type: 'array', items: { $ref: '#/components/schemas/Match' } } } } } } } } } },
          ...problems,
        },
      },
    },
    '/v1/verify': {
      post: {
        summary: 'is this the same person? two images (imageA, imageB), or an image and a personId; each image holds one face',
        requestBody: { required: true, content: json({ type: 'object', properties: { imageA: image, imageB: image, image, personId: { type: 'string' } } }) },
        responses: { 200: { description: 'the decision', content: { 'application/json': { schema: { type: 'object', properties: { distance: { type: 'number' }, threshold: { type: 'number' }, same: { type: 'boolean' }, confidence: CONFIDENCE } } } } }, 404: error, ...problems },
      },
    },
    '/v1/openapi.json': { get: { summary: 'this document', responses: { 200: { description: 'OpenAPI 3.1' }, 401: error } } },
  },
} as const;
