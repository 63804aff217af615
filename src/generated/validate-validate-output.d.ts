/* eslint-disable */
// Generated from schema/validate.schema.json by scripts/generate.mjs (npm run generate). Do not edit.
import type { ErrorObject } from "ajv";
declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export default validate;
