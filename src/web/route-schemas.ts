/** JSON Schema pieces the routes share: a bounded string, an id in the path, a form's CSRF field. */

export const str = (max: number, pattern?: string) =>
  ({ type: 'string', maxLength: max, ...(pattern ? { pattern } : {}) }) as const;

/** `/things/:id` with a positive integer id */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
} as const;

/** A form body: its fields, which of them are required, and the CSRF token every form carries. */
export const withCsrf = (props: Record<string, object>, required: string[]) =>
  ({
    type: 'object',
    required,
    properties: { ...props, _csrf: str(200) },
    additionalProperties: false,
  }) as const;

/** A form that is only a button: the CSRF token and nothing else. */
export const csrfOnly = withCsrf({}, []);

/** A task's name in a path or a form: the registry says whether it exists. */
export const TASK_NAME_SCHEMA = str(40, '^[a-z][a-z0-9-]{0,39}$');
