/** An OpenAPI response whose body is the given zod schema as JSON. */
export const json = (schema: unknown, description: string) => ({
  description,
  content: { 'application/json': { schema: schema as never } },
});
