/** The JSON shapes of the API's answers, for Fastify's serialisation and the OpenAPI document. */

const ranked = {
  type: 'array',
  items: {
    type: 'object',
    properties: { label: { type: 'string' }, probability: { type: 'number' } },
  },
} as const;

const answer = {
  type: 'object',
  properties: {
    task: { type: 'string' },
    kind: {
      type: 'string',
      enum: ['classify', 'multilabel', 'rank'],
      description:
        'classify: one label; multilabel: any number, each with its own probability; rank: the source files of the fix (files, sections)',
    },
    modelId: { type: 'integer' },
    version: { type: 'integer' },
    label: {
      type: ['string', 'null'],
      description:
        'null when the model abstains (needsHuman); multilabel: the asserted labels joined by ", ", or "(none)"',
    },
    labels: {
      type: 'array',
      items: { type: 'string' },
      description:
        'the asserted labels: the top one (none when abstaining), or every multi-label label at or above the threshold',
    },
    probability: { type: 'number' },
    threshold: { type: 'number' },
    needsHuman: { type: 'boolean' },
    ranking: ranked,
    files: {
      type: 'array',
      description: 'a rank task (files): the likeliest source files of the fix, best first',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          probability: { type: 'number', description: 'the chance it is the first file the fix touches' },
          why: { type: 'array', items: { type: 'string' } },
          url: { type: ['string', 'null'], description: "the repository's web view of the file" },
        },
      },
    },
    sections: {
      type: 'array',
      description: 'a rank task: the directories (sections of code) of its likeliest files',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          probability: { type: 'number' },
          files: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    explanation: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          label: { type: 'string' },
          probability: { type: 'number' },
          reasons: {
            type: 'array',
            items: { type: 'string' },
            description: 'why this label, in words ("the title mentions “namenode”"), strongest first',
          },
          because: {
            type: 'array',
            items: {
              type: 'object',
              properties: { feature: { type: 'string' }, weight: { type: 'number' } },
            },
          },
        },
      },
    },
  },
} as const;

export const classification = {
  type: 'object',
  properties: {
    answers: {
      type: 'object',
      description:
        'one answer per task with an active model, by task name: the built-in category and component, and every task the team defined (GET /api/v1/tasks lists them)',
      additionalProperties: answer,
    },
    similar: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          source: { type: 'string' },
          externalId: { type: 'string' },
          summary: { type: 'string' },
          url: { type: ['string', 'null'] },
          similarity: { type: 'number' },
        },
      },
    },
  },
} as const;

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    },
  },
} as const;

export const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  413: errorBody,
  429: errorBody,
  503: errorBody,
};
