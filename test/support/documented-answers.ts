import Ajv2020 from 'ajv/dist/2020';
import type { JsonAnswer } from './http';

type OpenApiDocument = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };

const DOCUMENT_ID = 'openapi.json';

/**
 * Checks answers against the API's own OpenAPI document, as an integrating system's generated
 * client would: an answer its document does not describe breaks that client.
 */
export async function documentedAnswers(baseUrl: string): Promise<(method: string, path: string, answer: JsonAnswer) => void> {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
  // The whole document is one schema resource, so that $refs into components resolve.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, DOCUMENT_ID);
  return (method, path, answer) => {
    const content = document.paths[path]?.[method.toLowerCase()]?.responses[String(answer.status)]?.content?.['application/json'];
    if (!content?.schema) throw new Error(`${method} ${path} does not document a JSON answer with status ${answer.status}`);
    const pointer = ['paths', path, method.toLowerCase(), 'responses', String(answer.status), 'content', 'application/json', 'schema']
      .map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    const validate = ajv.getSchema(`${DOCUMENT_ID}#/${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    if (!validate(answer.body)) {
      throw new Error(`${method} ${path} answered ${answer.status} outside its document: ${ajv.errorsText(validate.errors)}`);
    }
  };
}
